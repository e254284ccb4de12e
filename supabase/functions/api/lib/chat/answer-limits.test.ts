import { describe, expect, it } from 'vitest';
import { fittingPart, storableText } from './answer-limits.ts';

describe('storableText', () => {
  it('turns every NUL into U+FFFD and leaves other text as it is', () => {
    expect(storableText('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
    const plain = 'plain text ✓ 😀';
    expect(storableText(plain)).toBe(plain);
  });
});

describe('fittingPart', () => {
  it('keeps what fits and never ends inside a surrogate pair', () => {
    expect(fittingPart('abcdef', 10)).toBe('abcdef');
    expect(fittingPart('abcdef', 3)).toBe('abc');
    expect(fittingPart('abcdef', 0)).toBe('');
    // 😀 is two UTF-16 units: room for one of them keeps neither.
    expect(fittingPart('ab😀c', 3)).toBe('ab');
    expect(fittingPart('ab😀c', 4)).toBe('ab😀');
  });
});
