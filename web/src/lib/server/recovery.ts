// Whether a session was opened by a password-recovery link, recently: only such a session may
// set a new password without the current one (/reset-password). Every other session changes
// it in Settings › Security, which asks for the current password first (lib/server/password.ts),
// so an open browser or a copied session cookie alone cannot take the account over.
//
// The access token's `amr` claim lists how the session was opened and when: a recovery link
// verified by its token hash (/auth/confirm, the app's template) or without PKCE adds `otp`;
// Auth's stock link exchanged through /auth/callback (PKCE) adds `recovery`. Both prove the mailbox, at that moment — so only for RECOVERY_WINDOW_SECONDS after.

/** How long after following the link its session may set a new password. */
export const RECOVERY_WINDOW_SECONDS = 15 * 60;

const RECOVERY_METHODS = new Set(['recovery', 'otp']);

/** `claims`: the verified JWT claims (safeGetSession); `now` in seconds. */
export function openedByRecoveryLink(claims: { amr?: unknown } | null | undefined, now = Math.floor(Date.now() / 1000)): boolean {
  if (!claims || !Array.isArray(claims.amr)) return false;
  return claims.amr.some((entry: unknown) => {
    if (!entry || typeof entry !== 'object') return false; // the bare-string form carries no time
    const { method, timestamp } = entry as { method?: unknown; timestamp?: unknown };
    return typeof method === 'string' && RECOVERY_METHODS.has(method)
      && typeof timestamp === 'number' && timestamp <= now + 60 && now - timestamp <= RECOVERY_WINDOW_SECONDS;
  });
}
