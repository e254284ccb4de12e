import { describe, expect, it } from 'vitest';
import { answerTokens } from './answer-tokens.ts';

describe('answerTokens', () => {
  it('shows the total with its split, from the prompt and completion counts', () => {
    expect(answerTokens({ prompt_tokens: 146, completion_tokens: 3, token_count: 3 })?.text).toBe('149 tokens (146 in, 3 out)');
    expect(answerTokens({ prompt_tokens: 1200, completion_tokens: 45, token_count: 45 })?.title).toBe(
      '1,200 tokens sent to the model (your message, the chat so far and its files) + 45 tokens in the answer',
    );
  });

  it('labels an answer-only count as such, and has nothing to say without a count', () => {
    expect(answerTokens({ prompt_tokens: null, completion_tokens: null, token_count: 12 })?.text).toBe('12 tokens out');
    expect(answerTokens({ token_count: 1 })?.text).toBe('1 token out');
    expect(answerTokens({ token_count: null })).toBeNull();
  });

  it('shows the cached and reasoning parts the provider reported (QA 6 #13)', () => {
    const tokens = answerTokens({ prompt_tokens: 1000, completion_tokens: 500, token_count: 500 }, { cached_tokens: 400, reasoning_tokens: 200 });
    expect(tokens?.text).toBe('1,500 tokens (1,000 in (400 cached), 500 out (200 reasoning))');
    expect(tokens?.title).toBe(
      "1,000 tokens sent to the model (your message, the chat so far and its files; 400 of them read from the provider's prompt cache, at a lower price) + 500 tokens in the answer (200 of them the model's reasoning)",
    );
    // None reported, or zero: the plain split.
    expect(answerTokens({ prompt_tokens: 146, completion_tokens: 3 }, { cached_tokens: 0, reasoning_tokens: null })?.text).toBe('149 tokens (146 in, 3 out)');
    expect(answerTokens({ prompt_tokens: 146, completion_tokens: 3 }, { cached_tokens: null, reasoning_tokens: 2 })?.text).toBe('149 tokens (146 in, 3 out (2 reasoning))');
  });
});
