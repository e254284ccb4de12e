// Supabase Auth's weak-password message lists the required characters as raw sets
// ("…at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ,
// 0123456789."). People read kinds of characters, not alphabets: this names them. Other
// messages pass through unchanged.
// https://supabase.com/docs/guides/auth/password-security

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
  const words = kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}`;
  return message.replace(CHARACTERS, `The password needs at least ${words}.`);
}
