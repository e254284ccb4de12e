import { describe, expect, it } from 'vitest';
import { speakableText, speechChunks } from './speech.ts';

describe('speakableText', () => {
  it('reads the words without markdown symbols, links by their text, images by their description', () => {
    expect(speakableText('# Title\n\nSome **bold** and _soft_ words, `x = 1`, a [link](https://example.com) and ![a cat](cat.png).'))
      .toBe('Title\nSome bold and soft words, x = 1, a link and a cat.');
  });

  it('names code blocks instead of spelling them out, and reads lists, quotes and tables', () => {
    const md = 'Try this:\n\n```ts\nconst a = 1;\n```\n\n- first\n- second\n\n> quoted\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n```\nplain\n```';
    expect(speakableText(md)).toBe('Try this:\n(A ts code block.)\nfirst\nsecond\nquoted\na, b\n1, 2\n(A code block.)');
  });

  it('says simple formulas in words and names the others, as it names code blocks', () => {
    const md = 'The energy is $E = mc^2$ and the sum is\n\n$$\n\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}\n$$\n\n' +
      'A matrix \\(\\begin{pmatrix}1 & 0\\end{pmatrix}\\) costs US$5 or $5 and $10.\n\n\\[\n\\begin{aligned}a &= b\\end{aligned}\n\\]';
    expect(speakableText(md)).toBe([
      'The energy is E equals m c squared and the sum is',
      'the sum from k equals 1 to n of k equals the fraction with numerator n open paren n plus 1 close paren, and denominator 2.',
      'A matrix (a formula) costs US$5 or $5 and $10.',
      '(A formula.)',
    ].join('\n'));
  });

  it('has nothing to say for an empty answer or a rule', () => {
    expect(speakableText('')).toBe('');
    expect(speakableText('---')).toBe('');
  });
});

describe('speechChunks', () => {
  it('keeps lines apart and fills pieces up to the limit at sentence ends', () => {
    expect(speechChunks('One. Two! Three?\nFour.', 10)).toEqual(['One. Two!', 'Three?', 'Four.']);
    expect(speechChunks('Short line.', 220)).toEqual(['Short line.']);
  });

  it('cuts a sentence longer than the limit at spaces, and a word longer than it anywhere', () => {
    expect(speechChunks('aaa bbb ccc ddd', 8)).toEqual(['aaa bbb', 'ccc ddd']);
    expect(speechChunks('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(speechChunks('', 10)).toEqual([]);
  });
});
