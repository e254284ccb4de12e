// Supabase Auth's weak-password message lists the required characters as raw sets
// ("…at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ,
// 0123456789."). People read kinds of characters, not alphabets: this names them. Other
// messages pass through unchanged. And what a refused authenticator code means.
// https://supabase.com/docs/guides/auth/password-security
import { wordList } from '$lib/word-list';

const CHARACTERS = /Password should contain at least one character of each: .*$/s;

export function friendlyAuthMessage(message: string): string {
  const listed = CHARACTERS.exec(message)?.[0];
  if (!listed) return message;
  // The sets are joined with ", " (the symbols' own comma is followed by "."), the last ends the sentence.
  const sets = listed.slice(listed.indexOf(':') + 1).trim().replace(/\.$/, '').split(', ');
  const kinds = sets.map((set) => {
    const lower = set.includes('abcdefghijklmnopqrstuvwxyz');
    const upper = set.includes('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    if (lower && upper) return 'a letter';
    if (lower) return 'a lowercase letter';
    if (upper) return 'an uppercase letter';
    if (set === '0123456789') return 'a digit';
    return 'a symbol';
  });
  return message.replace(CHARACTERS, `The password needs at least ${wordList(kinds)}.`);
}

/**
 * What to tell someone whose authenticator code Auth refused. Local Auth accepts a code once and
 * says so in its message (local/src/auth/mfa.ts TOTP_CODE_USED); GoTrue answers the same
 * `mfa_verification_failed` for any code it refuses (and accepts a replayed one).
 */
export function refusedCodeMessage(error: { status?: number; code?: string; message: string }): string {
  if (error.status === 429) return 'Too many attempts; wait a few minutes.';
  if (error.code === 'mfa_verification_failed' && /already used/.test(error.message)) {
    return 'That code was just used. Wait for your app to show the next one (codes change every 30 seconds), then enter it.';
  }
  return 'That code is not valid; enter the current code from your app.';
}
