/**
 * The chat search's results as one list the keyboard moves through (the WAI-ARIA combobox
 * pattern, https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): chats whose title matches
 * first, then messages; and the words for how many messages match.
 */
import type { SearchChatHit, SearchHit, SearchResults } from '$lib/api';

export type SearchOption = { kind: 'chat'; chat: SearchChatHit } | { kind: 'message'; hit: SearchHit };

/** The options in the order they are listed. */
export function searchOptions(chats: SearchChatHit[], hits: SearchHit[]): SearchOption[] {
  return [...chats.map((chat) => ({ kind: 'chat' as const, chat })), ...hits.map((hit) => ({ kind: 'message' as const, hit }))];
}

/** The option ↓ (+1) or ↑ (-1) makes active: from none, ↓ is the first and ↑ the last; it wraps. */
export function moveActive(active: number, step: 1 | -1, count: number): number {
  if (count === 0) return -1;
  if (active < 0) return step === 1 ? 0 : count - 1;
  return (active + step + count) % count;
}

const number = new Intl.NumberFormat('en');

/** "20 of 480", "20 of 1,000+", "20 of at most 480" (a phrase: its words match that many). */
export function countWords(shown: number, total: number, kind: SearchResults['total_kind']): string {
  const of = kind === 'at_least' ? `${number.format(total)}+` : kind === 'at_most' ? `at most ${number.format(total)}` : number.format(total);
  return shown >= total && kind === 'exact' ? number.format(shown) : `${number.format(shown)} of ${of}`;
}
