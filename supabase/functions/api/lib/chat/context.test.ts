import { describe, expect, it } from 'vitest';
import { countTokens } from 'gpt-tokenizer';
import { countTokensLazily } from '../tokens.ts';
import { buildContext, countMessageTokens, countPromptTokens, MESSAGE_OVERHEAD, promptEstimate, titleFromMessage, type ChatTurn } from './context.ts';

const history = (n: number): ChatTurn[] =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `turn ${i} `.repeat(50) }));

/** The real tokenizer, recording whether it was asked for. */
function tokenizer() {
  const calls = { loaded: 0 };
  return { calls, load: async () => (calls.loaded++, countTokens) };
}

describe('buildContext', () => {
  it('keeps everything when it fits', async () => {
    const built = await buildContext({ system: ['Be brief.'], history: history(4), userMessage: 'hi', contextWindow: 100_000, reservedForAnswer: 1000, tokenizer: tokenizer().load });
    expect(built.droppedTurns).toBe(0);
    expect(built.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(built.messages.at(-1)?.content).toBe('hi');
  });

  it('does not load the tokenizer when the bytes fit the window', async () => {
    const t = tokenizer();
    const built = await buildContext({ system: ['Be brief.'], history: history(4), userMessage: 'hi', contextWindow: 100_000, reservedForAnswer: 1000, tokenizer: t.load });
    expect(t.calls.loaded).toBe(0);
    expect(built.promptTokens).toBeNull();
    // What it would have counted fits, as the bytes promised.
    expect(countPromptTokens(built.messages, countTokens)).toBeLessThan(100_000 * 0.95 - 1000);
  });

  it('counts when the bytes do not fit, even if the tokens do', async () => {
    const t = tokenizer();
    const turns = history(4);
    const tokens = countPromptTokens([...turns, { role: 'user', content: 'hi' }], countTokens);
    const bytes = [...turns, { role: 'user', content: 'hi' }].reduce((sum, m) => sum + new TextEncoder().encode(m.content).length + 4, 0);
    expect(tokens).toBeLessThan(bytes);
    // A window between the two: the bytes say "maybe not", the tokenizer says everything fits.
    const window = Math.ceil((tokens + (bytes - tokens) / 2) / 0.95);
    const built = await buildContext({ system: [], history: turns, userMessage: 'hi', contextWindow: window, reservedForAnswer: 0, tokenizer: t.load });
    expect(t.calls.loaded).toBe(1);
    expect(built.droppedTurns).toBe(0);
    expect(built.promptTokens).toBe(tokens);
  });

  it('drops the oldest turns first and reports how many', async () => {
    const turns = history(10);
    const perTurn = countMessageTokens(turns[0], countTokens);
    const built = await buildContext({ system: [], history: turns, userMessage: 'latest', contextWindow: Math.ceil((perTurn * 3.5 + 20) / 0.95), reservedForAnswer: 0, tokenizer: tokenizer().load });
    expect(built.droppedTurns).toBe(7);
    expect(built.messages.slice(0, 3)).toEqual(turns.slice(7));
  });

  it('refuses when the message alone is too long for the model', async () => {
    await expect(buildContext({ system: [], history: [], userMessage: 'word '.repeat(5000), contextWindow: 2000, reservedForAnswer: 500, tokenizer: tokenizer().load })).rejects.toThrow(/context window/);
  });

  it('skips empty system parts', async () => {
    const built = await buildContext({ system: ['', '  ', 'Use metric units.'], history: [], userMessage: 'x', contextWindow: 8000, reservedForAnswer: 100, tokenizer: tokenizer().load });
    expect(built.messages.filter((m) => m.role === 'system')).toHaveLength(1);
  });
});

describe('the chat\'s counts with the function\'s tokenizer (lib/tokens.ts)', () => {
  // Security finding: the tokenizer's work grows with the square of a run's length, on the
  // function's one event loop. An imported chat of long one-word messages is counted when it
  // nears the window and again when a turn ends without the provider's usage. Without
  // lib/tokens.ts's bounds this never finishes in a test run; the timeout is generous, not a measure.
  it('counts a history of 500,000-letter one-word messages', async () => {
    const word: ChatTurn = { role: 'user', content: 'a'.repeat(500_000) };
    const built = await buildContext({ system: [], history: [word, { ...word, role: 'assistant' }, word], userMessage: 'hi', contextWindow: 150_000, reservedForAnswer: 1000, tokenizer: countTokensLazily });
    // 8 letters a token, as the tokenizer counts a shorter run whole: two of the three fit.
    expect(built).toMatchObject({ droppedTurns: 1, promptTokens: 2 * (62_500 + MESSAGE_OVERHEAD) + 1 + MESSAGE_OVERHEAD });
    expect(await promptEstimate({ ...built, promptTokens: null }, 0, countTokensLazily)()).toBe(built.promptTokens);
  }, 300_000);
});

describe('promptEstimate', () => {
  it('uses what was counted, or counts the messages when asked, plus the extra tokens', async () => {
    const messages: ChatTurn[] = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'How long is a piece of string?' }];
    const counted = tokenizer();
    expect(await promptEstimate({ messages, droppedTurns: 0, promptTokens: 42 }, 85, counted.load)()).toBe(127);
    expect(counted.calls.loaded).toBe(0);
    const uncounted = tokenizer();
    const estimate = promptEstimate({ messages, droppedTurns: 0, promptTokens: null }, 85, uncounted.load);
    expect(uncounted.calls.loaded).toBe(0);
    expect(await estimate()).toBe(countPromptTokens(messages, countTokens) + 85);
    expect(uncounted.calls.loaded).toBe(1);
  });
});

describe('titleFromMessage', () => {
  it('uses the first non-empty line, shortened on a word boundary', () => {
    expect(titleFromMessage('\n  How do I   sort a list?\nmore')).toBe('How do I sort a list?');
    const long = titleFromMessage('word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long.endsWith('…')).toBe(true);
    expect(titleFromMessage('   ')).toBe('New chat');
  });

  it('refuses a Continue whose answer does not fit, instead of sending the model only the request to continue', async () => {
    const answer: ChatTurn = { role: 'assistant', content: 'word '.repeat(3_000) };
    const turns: ChatTurn[] = [{ role: 'user', content: 'write a lot' }, answer];
    const options = { system: [], history: turns, userMessage: 'Continue exactly where your last answer stopped.', contextWindow: 2_000, reservedForAnswer: 500, tokenizer: tokenizer().load };
    // A question asked after it may leave the old answer out (as any long history)…
    expect((await buildContext(options)).droppedTurns).toBe(2);
    // …but Continue needs it.
    await expect(buildContext({ ...options, keepLast: true })).rejects.toMatchObject({ status: 422, code: 'context_too_long', message: expect.stringMatching(/^The answer to continue is about \d+ tokens/) });
    // One that fits is kept, even when older turns must go.
    const short: ChatTurn = { role: 'assistant', content: 'a short answer' };
    const kept = await buildContext({ ...options, history: [...turns, { role: 'user', content: 'again' }, short], keepLast: true });
    expect(kept.messages.at(-2)).toEqual(short);
  });
});
