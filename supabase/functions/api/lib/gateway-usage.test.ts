import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { collectStreamedText, COUNTED_COMPLETION_CHARS, countCompletionTokens } from './gateway-usage.ts';
import { countTokensLazily } from './tokens.ts';

/** A streamed chunk with one choice's answer text. */
function chunk(content: string): OpenAI.ChatCompletionChunk {
  return { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] };
}

describe('our own count of a streamed completion', () => {
  it('counts a completion up to COUNTED_COMPLETION_CHARS exactly', async () => {
    const streamed: string[] = [];
    const piece = 'The answer, in words and numbers (42).\n';
    for (let i = 0; i < 1000; i++) collectStreamedText(chunk(piece), streamed);
    expect(await countCompletionTokens(streamed)).toBe((await countTokensLazily())(piece.repeat(1000)));
  });

  it('keeps only the first COUNTED_COMPLETION_CHARS of a long stream, and reckons the rest by its length', async () => {
    const streamed: string[] = [];
    const piece = 'word '.repeat(200); // 1,000 characters, 200 tokens
    for (let i = 0; i < 3 * COUNTED_COMPLETION_CHARS / piece.length; i++) collectStreamedText(chunk(piece), streamed);
    expect(streamed.join('').length).toBe(COUNTED_COMPLETION_CHARS);
    // 3,000,000 characters of 200 tokens a thousand (give or take the counted part's last space).
    expect(Math.abs((await countCompletionTokens(streamed)) - 600_000)).toBeLessThanOrEqual(3);
  });

  it('counts a whole (not streamed) completion past COUNTED_COMPLETION_CHARS by its start', async () => {
    const text = 'word '.repeat(500_000); // 2,500,000 characters, 500,000 tokens
    expect(Math.abs((await countCompletionTokens([text])) - 500_000)).toBeLessThanOrEqual(3);
  });
});
