// When a chat is longer than the model's context window, the API sends the newest history that
// fits and says in the turn's `meta` how many of the oldest messages it left out
// (`dropped_turns`). The person would otherwise not know that the answer was written without
// the start of the conversation, and keep relying on it.

/** The notice for an answer written without the first `count` messages, or null when none were left out. */
export function leftOutNotice(count: number | null | undefined): string | null {
  if (!count || !Number.isInteger(count) || count < 1) return null;
  const first = count === 1 ? 'the first message' : `the first ${count.toLocaleString('en-US')} messages`;
  return `The model could not see ${first} of this chat when it wrote this answer: the chat is longer than its context window. ` +
    'Start a new chat, or pick a model with a larger context window.';
}
