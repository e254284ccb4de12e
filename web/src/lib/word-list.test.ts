import { describe, expect, it } from 'vitest';
import { wordList } from './word-list';

describe('wordList', () => {
  it('joins names as a sentence says them', () => {
    expect(wordList([])).toBe('');
    expect(wordList(['client'])).toBe('client');
    expect(wordList(['client', 'topic'])).toBe('client and topic');
    expect(wordList(['a letter', 'a digit', 'a symbol'])).toBe('a letter, a digit and a symbol');
  });
});
