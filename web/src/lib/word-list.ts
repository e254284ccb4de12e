// Names in a sentence, as people write them: "a", "a and b", "a, b and c". The server's
// messages (auth-messages.ts) and the browser's (a kept prompt's missing values) say lists the
// same way, so the joiner lives here, outside $lib/server, where both can import it.

/** The words joined for a sentence: commas between them, "and" before the last ("" for none). */
export function wordList(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
