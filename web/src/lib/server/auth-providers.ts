// The external sign-in providers the auth server has enabled (GET /auth/v1/settings), so the
// login page shows a button only for those (cached for a minute; a failure shows none), and whether
// a signed-in session still owes its second factor.
import { publicEnv, serverSupabaseUrl } from '$lib/server/env';

const LABELS: Record<string, string> = { github: 'GitHub', google: 'Google', keycloak: 'Single sign-on', azure: 'Microsoft', gitlab: 'GitLab' };
const NOT_PROVIDERS = new Set(['email', 'phone', 'anonymous_users']);
let cached: { at: number; providers: { id: string; label: string }[] } | null = null;

export async function enabledProviders(fetchImpl: typeof fetch): Promise<{ id: string; label: string }[]> {
  if (cached && Date.now() - cached.at < 60_000) return cached.providers;
  try {
    const env = publicEnv();
    const response = await fetchImpl(`${serverSupabaseUrl()}/auth/v1/settings`, { headers: { apikey: env.PUBLIC_SUPABASE_PUBLISHABLE_KEY } });
    if (!response.ok) return [];
    const settings = (await response.json()) as { external?: Record<string, boolean> };
    const providers = Object.entries(settings.external ?? {})
      .filter(([id, on]) => on && !NOT_PROVIDERS.has(id))
      .map(([id]) => ({ id, label: LABELS[id] ?? id[0]!.toUpperCase() + id.slice(1) }));
    cached = { at: Date.now(), providers };
    return providers;
  } catch {
    return [];
  }
}

/**
 * True when the signed-in user has a verified second factor this session has not used yet.
 * The token's level is read from the verified session; the factors are asked of Auth (GET /user,
 * what auth-js's listFactors reads) when the session cookie's copy of the user shows none: that
 * copy is the user at sign-in, with no factor for a browser that signed in before two-factor
 * sign-in was turned on elsewhere, and such a session was waved through to pages the API then
 * refused (QA: "Something went wrong" with no way on). An aal2 session, and an aal1 one whose
 * copy already shows a factor, need no request.
 */
export async function needsSecondFactor(supabase: App.Locals['supabase']): Promise<boolean> {
  const { data } = await supabase.auth.mfa.getAuthenticatorAssuranceLevel();
  if (data?.currentLevel !== 'aal1') return false;
  if (data.nextLevel === 'aal2') return true;
  const { data: factors } = await supabase.auth.mfa.listFactors();
  return Boolean(factors?.all.some((factor) => factor.status === 'verified'));
}
