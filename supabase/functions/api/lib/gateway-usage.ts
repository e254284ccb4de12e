/**
 * A gateway call's tokens when the provider reports no usage — a stream cut before its usage
 * chunk (the connection dropped, the idle timeout, an error event), an endpoint that sends
 * none, a call timed out after it was sent: counted by us, as a chat turn's are
 * (lib/chat/turn.ts), so the call is not logged as 0 tokens and $0. The prompt is its messages'
 * text (and tool definitions) counted with the tokenizer; the completion is every text the
 * provider sent back, answer and reasoning (which providers bill as output).
 *
 * A stream keeps references to the texts it relays (collectStreamedText: no copy, no object per
 * chunk) only until a usage chunk comes; they are joined and counted once, at the end.
 */
import type OpenAI from 'openai';
import { MESSAGE_OVERHEAD } from './chat/context.ts';
import { reasoningText } from './chat/provider-stream.ts';
import { countTokensLazily } from './tokens.ts';

/** Our estimate of the prompt: each message's text with its framing, and the tools, if any. */
export async function estimatePromptTokens(messages: readonly { content?: unknown }[], tools: unknown): Promise<number> {
  const count = await countTokensLazily();
  let tokens = 0;
  for (const message of messages) {
    tokens += MESSAGE_OVERHEAD;
    const content = message.content;
    if (typeof content === 'string') tokens += count(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        const text: unknown = part?.text;
        if (typeof text === 'string') tokens += count(text);
      }
    }
  }
  return tools ? tokens + count(JSON.stringify(tools)) : tokens;
}

/** Adds a streamed chunk's texts (every choice's answer and reasoning) to `into`, by reference. */
export function collectStreamedText(chunk: OpenAI.ChatCompletionChunk, into: string[]): void {
  const choices = chunk.choices;
  for (let i = 0; i < choices.length; i++) {
    const delta = choices[i]!.delta;
    if (!delta) continue;
    if (delta.content) into.push(delta.content);
    const reasoning = reasoningText(delta);
    if (reasoning) into.push(reasoning);
  }
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

/** The tokens of texts the provider sent back (0 for none: the tokenizer is not loaded then). */
export async function countCompletionTokens(texts: readonly string[]): Promise<number> {
  return texts.length === 0 ? 0 : (await countTokensLazily())(texts.join(''));
}
