/**
 * A gateway call's tokens when the provider reports no usage — a stream cut before its usage
 * chunk (the connection dropped, the idle timeout, an error event), an endpoint that sends
 * none, a call timed out after it was sent: counted by us, as a chat turn's are
 * (lib/chat/turn.ts), so the call is not logged as 0 tokens and $0. The prompt is its messages'
 * text (and tool definitions) counted with the tokenizer; the completion is every text the
 * provider sent back, answer and reasoning (which providers bill as output).
 *
 * A stream keeps references to the texts it relays (collectStreamedText: no copy, no object per
 * chunk) only until a usage chunk comes, and only its first COUNTED_COMPLETION_CHARS: past them
 * it keeps their length alone. At the end the kept texts are joined and counted once, and the
 * rest is reckoned at the same tokens per character (the log says the counts are ours anyway:
 * tokens_estimated). Counting is linear in what is counted and lets other streams run
 * meanwhile (lib/tokens.ts countTokensPaced).
 */
import type OpenAI from 'openai';
import { MESSAGE_OVERHEAD } from './chat/context.ts';
import { reasoningText } from './chat/provider-stream.ts';
import { countTokensPaced, prefix } from './tokens.ts';

/** The most characters of a completion we count; past them the rest is counted by its length. */
export const COUNTED_COMPLETION_CHARS = 1_000_000;

/** Our estimate of the prompt: each message's text with its framing, and the tools, if any. */
export async function estimatePromptTokens(messages: readonly { content?: unknown }[], tools: unknown): Promise<number> {
  let tokens = 0;
  for (const message of messages) {
    tokens += MESSAGE_OVERHEAD;
    const content = message.content;
    if (typeof content === 'string') tokens += await countTokensPaced(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        const text: unknown = part?.text;
        if (typeof text === 'string') tokens += await countTokensPaced(text);
      }
    }
  }
  return tools ? tokens + await countTokensPaced(JSON.stringify(tools)) : tokens;
}

/**
 * What a stream's array (routes/gateway.ts's own `string[]`) holds and what it let go: kept
 * beside it, so the array stays the plain list of texts the route passes around.
 */
const tallies = new WeakMap<readonly string[], { kept: number; dropped: number }>();

/**
 * Adds a streamed chunk's texts (every choice's answer and reasoning) to `into`, by reference,
 * until it holds COUNTED_COMPLETION_CHARS; after that only their length is noted.
 */
export function collectStreamedText(chunk: OpenAI.ChatCompletionChunk, into: string[]): void {
  const choices = chunk.choices;
  for (let i = 0; i < choices.length; i++) {
    const delta = choices[i]!.delta;
    if (!delta) continue;
    if (delta.content) keep(into, delta.content);
    const reasoning = reasoningText(delta);
    if (reasoning) keep(into, reasoning);
  }
}

function keep(into: string[], text: string): void {
  let tally = tallies.get(into);
  if (!tally) tallies.set(into, tally = { kept: 0, dropped: 0 });
  if (tally.kept >= COUNTED_COMPLETION_CHARS) {
    tally.dropped += text.length;
    return;
  }
  into.push(text);
  tally.kept += text.length;
}

/** The texts of a whole (not streamed) completion: every choice's answer and reasoning. */
export function completionTexts(completion: OpenAI.ChatCompletion): string[] {
  const texts: string[] = [];
  for (const choice of completion.choices ?? []) {
    const message = choice.message;
    if (!message) continue;
    if (message.content) texts.push(message.content);
    const reasoning = reasoningText(message);
    if (reasoning) texts.push(reasoning);
  }
  return texts;
}

/**
 * The tokens of texts the provider sent back (0 for none: the tokenizer is not loaded then):
 * their first COUNTED_COMPLETION_CHARS counted, the rest (and what collectStreamedText let go)
 * at the same tokens per character.
 */
export async function countCompletionTokens(texts: readonly string[]): Promise<number> {
  if (texts.length === 0) return 0;
  const joined = texts.join('');
  const counted = prefix(joined, COUNTED_COMPLETION_CHARS);
  const tokens = await countTokensPaced(counted);
  const length = joined.length + (tallies.get(texts)?.dropped ?? 0);
  return counted.length >= length ? tokens : Math.round((tokens * length) / Math.max(1, counted.length));
}
