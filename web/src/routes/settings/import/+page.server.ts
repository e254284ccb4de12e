// Settings → Import chats: signed-in users only; the work happens in the browser.
import { requireApi } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await requireApi(event);
  return {};
};
