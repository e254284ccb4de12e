import { describe, expect, it } from 'vitest';
import { plainTitle } from './plain-title.ts';

describe('plainTitle', () => {
  it('shows what a reader sees, not the markdown', () => {
    expect(plainTitle('Explain **recursion** and _tail calls_ …')).toBe('Explain recursion and tail calls …');
    expect(plainTitle('# Fix `npm ci` in [CI](https://example.com/ci)')).toBe('Fix npm ci in CI');
    expect(plainTitle('![a diagram](x.png) of ~~old~~ new <b>flow</b>')).toBe('a diagram of old new flow');
    expect(plainTitle('> quoted *question*\n\nsecond paragraph')).toBe('quoted question');
    expect(plainTitle('- first **item**\n- second')).toBe('first item');
  });

  it('takes the first non-empty line, collapses whitespace, and stops at 60 characters on a word', () => {
    expect(plainTitle('\n\n  How do I   sort a list?\nmore')).toBe('How do I sort a list?');
    const long = plainTitle('word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long.endsWith('word…')).toBe(true);
  });

  it('keeps code a user pasted as its text, and falls back to "New chat" when nothing is readable', () => {
    expect(plainTitle('```js\nconsole.log(1)\n```')).toBe('console.log(1)');
    expect(plainTitle('   ')).toBe('New chat');
    expect(plainTitle('<div></div>')).toBe('New chat');
    expect(plainTitle('---')).toBe('New chat');
  });

  it('keeps characters that look like markdown but are not', () => {
    expect(plainTitle('2 * 3 * 4 = 24, and a_b_c')).toBe('2 * 3 * 4 = 24, and a_b_c');
    expect(plainTitle('Is \\*this\\* escaped?')).toBe('Is *this* escaped?');
  });

  it('titles a message nested past what the lexer can parse from its words, without throwing', () => {
    // marked recurses once per level: a few thousand `>` or `- ` overflow the stack.
    expect(plainTitle(`${'>'.repeat(5000)} deep thoughts`)).toBe('deep thoughts');
    expect(plainTitle(`${'- '.repeat(5000)}a list`)).toBe('a list');
  });
});
