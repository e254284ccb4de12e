import { describe, expect, it } from 'vitest';
import { countWords, moveActive } from './search-results.ts';

describe('search results', () => {
  it('moves the active option with the arrows, wrapping at either end', () => {
    expect(moveActive(-1, 1, 3)).toBe(0);
    expect(moveActive(-1, -1, 3)).toBe(2);
    expect(moveActive(2, 1, 3)).toBe(0);
    expect(moveActive(0, -1, 3)).toBe(2);
    expect(moveActive(-1, 1, 0)).toBe(-1);
  });

  it('says how many of how many matches are shown', () => {
    expect(countWords(20, 480, 'exact')).toBe('20 of 480');
    expect(countWords(3, 3, 'exact')).toBe('3');
    expect(countWords(20, 1000, 'at_least')).toBe('20 of 1,000+');
    expect(countWords(4, 12, 'at_most')).toBe('4 of at most 12');
  });
});
