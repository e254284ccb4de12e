/**
 * What of a model's output the database can store — applied as it arrives, because an answer
 * the database refuses cannot be saved at all: its final write and its checkpoints fail on every
 * try, the turn holds its session's lock while it retries (final-save.ts), and the answer is lost.
 *
 * - Postgres `text` cannot hold U+0000 (22021 "invalid byte sequence"): a NUL from the provider
 *   is stored as U+FFFD, the replacement character, as a decoder does with bytes it cannot read.
 * - `messages.content` and `messages.reasoning` hold at most 200,000 characters and
 *   `messages.stream_units` at most 200,000 units (20261122140900_create_messages.sql,
 *   20261130234937_create_chat_turns.sql): an answer that would pass either is cut there and
 *   stopped with `answer_too_long`, keeping what fits.
 */

/** `char_length(content)` and `char_length(reasoning)` at most (code points; a JS length is never fewer). */
export const MAX_ANSWER_CHARS = 200_000;
/** `cardinality(stream_units)` at most: each piece of text the provider sends makes at most one unit. */
export const MAX_ANSWER_PIECES = 200_000;

/** `text` as Postgres can store it: every U+0000 becomes U+FFFD. */
export function storableText(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;
}

/** The first `room` UTF-16 units of `text`, not ending inside a surrogate pair. */
export function fittingPart(text: string, room: number): string {
  if (text.length <= room) return text;
  if (room <= 0) return '';
  const last = text.charCodeAt(room - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? room - 1 : room);
}
