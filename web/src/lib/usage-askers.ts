// Who asked for a call, on the payer's Usage, and the calls a member asked that someone else
// paid for, on the member's (a group chat whose owner pays for members' turns). Names are
// display names, never emails; a member never reads the payer's dollars (the README's rule
// for shared keys: a member is refused past the owner's budget "without seeing the owner's
// amounts"), so their line counts calls and tokens only.
import { formatCount, formatTokens } from './usage-format';

/**
 * Who asked, for people: "You", the member's name, or "Former member" (their account is gone).
 * A call logged before the asker was recorded (it has no purpose either) is "Not recorded"; a
 * By person group of such calls cannot tell the two apart, and says both.
 */
export function usageAsker(call: { asked_by: string | null; asked_by_name: string | null; purpose?: string | null }, me: string | null): string {
  if (call.asked_by !== null && call.asked_by === me) return 'You';
  if (call.asked_by !== null) return call.asked_by_name ?? 'Former member';
  if (call.purpose === undefined) return 'Former members and older calls';
  return call.purpose === null ? 'Not recorded (older calls)' : 'Former member';
}

/**
 * Whether someone other than `me` asked any of `askers`' calls: only then does Usage say who
 * asked. Calls without an asker do not count: most are calls logged before it was recorded,
 * and every user upgrading would otherwise get a column of "Not recorded" on their own calls.
 */
export function othersAsked(askers: readonly { asked_by: string | null }[], me: string | null): boolean {
  return askers.some((a) => a.asked_by !== null && a.asked_by !== me);
}

/**
 * A member's line for the calls of the range (or of one chat, `where`) someone else paid for:
 * "3 calls you asked in this range were paid by Olive (their key): 1,234 tokens." — without the
 * payer's dollars.
 */
export function paidByOthersLine(paid: { payer_name: string | null; calls: number; total_tokens: number }, where: 'range' | 'chat' = 'range'): string {
  const calls = `${formatCount(paid.calls)} call${paid.calls === 1 ? '' : 's'}`;
  const were = paid.calls === 1 ? 'was' : 'were';
  return `${calls} you asked in this ${where} ${were} paid by ${paid.payer_name ?? 'a group chat\u2019s owner'} (their key): ${formatTokens(paid.total_tokens)}. What ${paid.calls === 1 ? 'it' : 'they'} cost is on their Usage, not yours.`;
}
