// A text box's length against its limit, said before the text is sent or saved (QA9 #3: a 200 kB
// paste learned of the limit only from the refusal), in the API's own words: the sentence is
// its lib/too-long.ts, so the box and the refusal cannot drift apart.
import { formatCount, tooLongText } from '../../../supabase/functions/api/lib/too-long.ts';

export { tooLongText };

/** The most characters a prompt's template may have (the database's check on prompts.content). */
export const TEMPLATE_CHARS = 100_000;

/**
 * Characters as a template's limit counts them (code points, as zod and Postgres do: an emoji is
 * one). Only counted near the limit: `.length` is never fewer, and a long loop per keystroke is not free.
 */
export function templateChars(text: string): number {
  if (text.length < TEMPLATE_CHARS * NEAR_LIMIT) return text.length;
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The counter is shown from this share of the limit on: a box far from it says nothing. */
export const NEAR_LIMIT = 0.9;

/** What a box says of its length: "29,100 / 32,000 characters", and whether it is over; null while far from the limit. */
export function lengthCounter(length: number, limit: number | null | undefined): { text: string; over: boolean } | null {
  if (!limit || length < limit * NEAR_LIMIT) return null;
  return { text: `${formatCount(length)} / ${formatCount(limit)} characters`, over: length > limit };
}
