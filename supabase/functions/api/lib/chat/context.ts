/**
 * Builds what the provider sees: system messages (project or chosen prompt, then the
 * profile's custom instructions), as much recent history as fits the model's context
 * window, and the new user message. Tokens are counted with a real BPE tokenizer
 * (gpt-tokenizer, o200k, loaded lazily by lib/tokens.ts and passed in) — only when the
 * context's UTF-8 bytes do not fit the window already (a token is at least one byte, so
 * then the tokens fit too); other providers' tokenizers differ a little, so a margin is kept.
 */
import { ApiError } from '../errors.ts';
import { plainTitle } from '../plain-title.ts';
import { roughTokenCount, utf8Length } from '../tokens.ts';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /** Content parts sent instead of `content` (a message with images; lib/attachments). */
  parts?: ({ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } })[];
}

export interface BuiltContext {
  messages: ChatTurn[];
  /** History messages left out because they did not fit. */
  droppedTurns: number;
  /**
   * Our estimate of the prompt size, used when the provider reports no usage; null when
   * nothing was counted (everything fit by its bytes: countPromptTokens counts it then).
   */
  promptTokens: number | null;
}

// Per-message framing tokens in the chat format (role markers, separators).
export const MESSAGE_OVERHEAD = 4;
// Leave room for tokenizer differences between providers.
const SAFETY_MARGIN = 0.95;

export type CountTokens = (text: string) => number;

export function countMessageTokens(turn: ChatTurn, countTokens: CountTokens): number {
  return countTokens(turn.content) + MESSAGE_OVERHEAD;
}

/** The prompt's tokens (text only), counted: what `promptTokens` would have been. */
export function countPromptTokens(messages: ChatTurn[], countTokens: CountTokens): number {
  return messages.reduce((sum, t) => sum + countMessageTokens(t, countTokens), 0);
}

/**
 * The turn's prompt-size estimate, asked for only when the provider reports no usage:
 * what buildContext counted, or the messages counted then. It lives as long as the answer, so
 * it holds the messages only when it may have to count them — not when buildContext counted
 * them already (a context that had to be counted is one near the model's window, the largest)
 * — and never the inputs they were built from.
 */
export function promptEstimate(context: BuiltContext, extraTokens: number, tokenizer: () => Promise<CountTokens>): () => Promise<number> {
  const { promptTokens } = context;
  if (promptTokens !== null) return () => Promise.resolve(promptTokens + extraTokens);
  const { messages } = context;
  return async () => countPromptTokens(messages, await tokenizer()) + extraTokens;
}

/**
 * The prompt's size recorded when the turn starts, for the log the database writes should the
 * turn's process die (private.chat_turns.prompt_tokens): what buildContext counted, else an
 * estimate from the texts' lengths (lib/tokens.ts roughTokenCount: the tokenizer is not loaded
 * for it, and the turn's own end counts with it when it must).
 */
export function roughPromptTokens(context: BuiltContext, extraTokens: number): number {
  if (context.promptTokens !== null) return context.promptTokens + extraTokens;
  return context.messages.reduce((sum, t) => sum + roughTokenCount(t.content) + MESSAGE_OVERHEAD, extraTokens);
}

/**
 * Picks the newest history that fits `contextWindow - reservedForAnswer`. System messages
 * and the new message always go in; if even they do not fit, the request is refused.
 * `tokenizer` is called only when the bytes alone do not settle it.
 */
export async function buildContext(options: {
  system: string[];
  history: ChatTurn[];
  userMessage: string;
  contextWindow: number;
  reservedForAnswer: number;
  tokenizer: () => Promise<CountTokens>;
  /**
   * Continue: the newest history turn is the answer the model is asked to go on from. Without
   * it the request means nothing (the model would get only "continue"), so an answer that does
   * not fit is refused rather than left out.
   */
  keepLast?: boolean;
}): Promise<BuiltContext> {
  const system = options.system.filter((s) => s.trim()).map((content): ChatTurn => ({ role: 'system', content }));
  const user: ChatTurn = { role: 'user', content: options.userMessage };
  const budget = Math.floor(options.contextWindow * SAFETY_MARGIN) - options.reservedForAnswer;
  const all = [...system, ...options.history, user];
  if (all.reduce((sum, t) => sum + utf8Length(t.content) + MESSAGE_OVERHEAD, 0) <= budget) {
    return { messages: all, droppedTurns: 0, promptTokens: null };
  }
  const countTokens = await options.tokenizer();
  const count = (t: ChatTurn) => countMessageTokens(t, countTokens);
  let used = [...system, user].reduce((sum, t) => sum + count(t), 0);
  if (used > budget) {
    throw new ApiError(
      422,
      'context_too_long',
      `The message and system prompt need about ${used} tokens but this model allows ${Math.max(0, budget)} after reserving room for the answer; shorten the message or pick a model with a larger context window`,
    );
  }
  const last = options.history.at(-1);
  if (options.keepLast && last && used + count(last) > budget) {
    throw new ApiError(
      422,
      'context_too_long',
      `The answer to continue is about ${count(last)} tokens, more than this model allows with the question and room for the next part (${Math.max(0, budget - used)}); regenerate it, or pick a model with a larger context window and continue there`,
    );
  }
  const kept: ChatTurn[] = [];
  let index = options.history.length - 1;
  for (; index >= 0; index--) {
    const cost = count(options.history[index]);
    if (used + cost > budget) break;
    used += cost;
    kept.unshift(options.history[index]);
  }
  return { messages: [...system, ...kept, user], droppedTurns: index + 1, promptTokens: used };
}

/** How many tokens to keep free for the answer. */
export function reservedForAnswer(contextWindow: number, maxTokens: number | undefined): number {
  return maxTokens ?? Math.min(4096, Math.floor(contextWindow / 4));
}

/** A session title from its first message, as plain text (lib/plain-title.ts). */
export function titleFromMessage(message: string): string {
  return plainTitle(message);
}
