import { describe, expect, it } from 'vitest';
import { countTokens } from 'gpt-tokenizer';
import { buildContext, countMessageTokens, titleFromMessage, type ChatTurn } from './context.ts';

const history = (n: number): ChatTurn[] =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `turn ${i} `.repeat(50) }));

describe('buildContext', () => {
  it('keeps everything when it fits', () => {
    const built = buildContext({ system: ['Be brief.'], history: history(4), userMessage: 'hi', contextWindow: 100_000, reservedForAnswer: 1000, countTokens });
    expect(built.droppedTurns).toBe(0);
    expect(built.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(built.messages.at(-1)?.content).toBe('hi');
  });

  it('drops the oldest turns first and reports how many', () => {
    const turns = history(10);
    const perTurn = countMessageTokens(turns[0], countTokens);
    const built = buildContext({ system: [], history: turns, userMessage: 'latest', contextWindow: Math.ceil((perTurn * 3.5 + 20) / 0.95), reservedForAnswer: 0, countTokens });
    expect(built.droppedTurns).toBe(7);
    expect(built.messages.slice(0, 3)).toEqual(turns.slice(7));
  });

  it('refuses when the message alone is too long for the model', () => {
    expect(() => buildContext({ system: [], history: [], userMessage: 'word '.repeat(5000), contextWindow: 2000, reservedForAnswer: 500, countTokens })).toThrow(/context window/);
  });

  it('skips empty system parts', () => {
    const built = buildContext({ system: ['', '  ', 'Use metric units.'], history: [], userMessage: 'x', contextWindow: 8000, reservedForAnswer: 100, countTokens });
    expect(built.messages.filter((m) => m.role === 'system')).toHaveLength(1);
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
});
