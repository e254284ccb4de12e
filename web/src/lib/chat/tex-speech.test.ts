import { describe, expect, it } from 'vitest';
import { texToWords } from './tex-speech.ts';

describe('texToWords', () => {
  it('says letters, numbers, operators, powers and indices', () => {
    expect(texToWords('E = mc^2')).toBe('E equals m c squared');
    expect(texToWords('a^2 + b^3 = x_i')).toBe('a squared plus b cubed equals x sub i');
    expect(texToWords('2^{n+1} - 1')).toBe('2 to the power of n plus 1, minus 1');
    expect(texToWords('p \\le 0.05')).toBe('p is less than or equal to 0.05');
  });

  it('says fractions, roots, Greek letters, function names and text as ClearSpeak does', () => {
    expect(texToWords('\\frac{1}{2}')).toBe('1 over 2');
    expect(texToWords('\\frac{a+b}{2}')).toBe('the fraction with numerator a plus b, and denominator 2');
    expect(texToWords('\\sqrt{x^2+y^2}')).toBe('the square root of x squared plus y squared');
    expect(texToWords('\\sqrt[3]{8} = 2')).toBe('the cube root of 8 equals 2');
    expect(texToWords('e^{i\\pi} + 1 = 0')).toBe('e to the power of i pi, plus 1 equals 0');
    expect(texToWords('\\Delta v \\approx \\sin\\theta')).toBe('capital delta v is approximately sine theta');
    expect(texToWords('v = 3\\,\\text{km per hour}')).toBe('v equals 3 km per hour');
  });

  it('says big operators with their ranges', () => {
    expect(texToWords('\\sum_{k=1}^{n} k')).toBe('the sum from k equals 1 to n of k');
    expect(texToWords('\\int_0^1 x\\,dx')).toBe('the integral from 0 to 1 of x d x');
    expect(texToWords('\\lim_{x \\to 0} f(x)')).toBe('the limit as x approaches 0 of f open paren x close paren');
  });

  it('does not guess at what it cannot say: environments, alignments, unknown commands, long formulas, bad braces', () => {
    for (const tex of ['\\begin{pmatrix}1\\\\2\\end{pmatrix}', 'a &= b', '\\mathfrak{g}', 'x'.repeat(161), '\\frac{1}{2', '}', '\\text{a\\b}']) {
      expect(texToWords(tex)).toBeNull();
    }
  });
});
