/**
 * A chat's title from its model (POST /api/sessions/{id}/title): what the model is asked, and
 * how its reply becomes a title. The model sees the first question and the first answer, each
 * cut to QUOTE_CHARS, and is told to reply with a few words and nothing else; what comes back
 * is untrusted text, read as markdown and kept as plain text on one line (lib/plain-title.ts),
 * without a reasoning model's `<think>` block, a "Title:" label, quotes or a final full stop.
 *
 *   const messages = titleRequest(question, answer);   // → chat.completions.create({ model, messages })
 *   const title = titleFromReply(reply);                // null: nothing usable came back
 */
import { plainTitle } from './plain-title.ts';

/** How much of the question and of the answer the model is shown (characters). */
export const QUOTE_CHARS = 1_500;

/** The instructions (the demo provider recognises a naming request by their first words). */
export const TITLE_INSTRUCTIONS =
  'You name chats. Reply with a short title for the conversation the user shows you: three to six words, ' +
  'in the language of the conversation, as plain text without quotes, markdown or a final full stop. ' +
  'Reply with the title only.';

export function titleRequest(question: string, answer: string): { role: 'system' | 'user'; content: string }[] {
  return [
    { role: 'system', content: TITLE_INSTRUCTIONS },
    { role: 'user', content: `<question>\n${quote(question)}\n</question>\n<answer>\n${quote(answer)}\n</answer>` },
  ];
}

function quote(text: string): string {
  return text.length <= QUOTE_CHARS ? text : `${text.slice(0, QUOTE_CHARS)}…`;
}

/** The title in a model's reply, or null when there is none. */
export function titleFromReply(reply: string): string | null {
  // Reasoning some models (DeepSeek R1 on Ollama, QwQ) write into the content itself; an
  // unclosed block means the reply was cut before the title.
  const withoutThoughts = reply.replace(/<think>[\s\S]*?(<\/think>|$)/gi, '');
  const line = plainTitle(withoutThoughts);
  if (line === 'New chat' && !/new chat/i.test(withoutThoughts)) return null; // plainTitle's word for "nothing"
  let title = line.replace(/^(chat |conversation )?title\s*:\s*/i, '');
  // Quotes and a final full stop, in either order (`"Tides".`, `"Tides."`); an ellipsis stays.
  for (let before = ''; before !== title; ) {
    before = title;
    title = title.replace(/^["'“”‘’«»「」]+|["'“”‘’«»「」]+$/g, '').replace(/(?<!\.)[.。]$/, '').trim();
  }
  return title ? title : null;
}
