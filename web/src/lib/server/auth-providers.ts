// What the auth server allows (GET /auth/v1/settings): the external sign-in providers it has
// enabled, so the login page shows a button only for those, and whether it makes new accounts,
// so a closed instance's page offers no sign-up form (cached for a minute; a failure shows no
// provider and keeps sign-up offered — Auth itself still refuses). And whether a signed-in
// session still owes its second factor.
import { publicEnv, serverSupabaseUrl } from '$lib/server/env';

const LABELS: Record<string, string> = { github: 'GitHub', google: 'Google', keycloak: 'Single sign-on', azure: 'Microsoft', gitlab: 'GitLab' };
const NOT_PROVIDERS = new Set(['email', 'phone', 'anonymous_users']);
export interface AuthSettings {
  providers: { id: string; label: string }[];
  /** False when Auth refuses sign-ups (`disable_signup`; config.toml's `[auth] enable_signup = false`). */
  signupsOpen: boolean;
}

let cached: { at: number; settings: AuthSettings } | null = null;

export async function authSettings(fetchImpl: typeof fetch): Promise<AuthSettings> {
  if (cached && Date.now() - cached.at < 60_000) return cached.settings;
  try {
    const env = publicEnv();
    const response = await fetchImpl(`${serverSupabaseUrl()}/auth/v1/settings`, { headers: { apikey: env.PUBLIC_SUPABASE_PUBLISHABLE_KEY } });
    if (!response.ok) return { providers: [], signupsOpen: true };
    const body = (await response.json()) as { external?: Record<string, boolean>; disable_signup?: boolean };
    const providers = Object.entries(body.external ?? {})
      .filter(([id, on]) => on && !NOT_PROVIDERS.has(id))
      .map(([id]) => ({ id, label: LABELS[id] ?? id[0]!.toUpperCase() + id.slice(1) }));
    const settings = { providers, signupsOpen: body.disable_signup !== true };
    cached = { at: Date.now(), settings };
    return settings;
  } catch {
    return { providers: [], signupsOpen: true };
  }
}

export async function enabledProviders(fetchImpl: typeof fetch): Promise<{ id: string; label: string }[]> {
  return (await authSettings(fetchImpl)).providers;
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
