// Every page needs to know who (if anyone) is signed in — and nothing else from here.
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
  const { claims } = await locals.safeGetSession();
  return {
    user: claims ? { id: claims.sub, email: typeof claims.email === 'string' ? claims.email : null } : null,
  };
};
