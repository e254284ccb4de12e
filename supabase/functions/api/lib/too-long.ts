/**
 * How the API says a text is longer than its limit, the same for every field and whichever
 * check finds it (a route's schema or its handler): the length and the limit with thousands
 * separators, in words a person reads in the app (QA9 #3: raw validator text, "201499").
 */

/** A count as people read it: 201,499. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** "This message is 201,499 characters; a message can be at most 32,000." */
export function tooLongText(noun: string, length: number, limit: number): string {
  const article = /^[aeiou]/i.test(noun) ? 'an' : 'a';
  return `This ${noun} is ${formatCount(length)} characters; ${article} ${noun} can be at most ${formatCount(limit)}.`;
}

/** What POST /chat says of a message over MAX_MESSAGE_CHARS (413 `message_too_long`). */
export const messageTooLongText = (length: number, limit: number): string =>
  `${tooLongText('message', length, limit)} Attach long text as a file instead.`;
