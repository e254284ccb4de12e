// A formula in words, for Read aloud: "E = mc^2" is "E equals m c squared", a sum or a fraction
// is said the way ClearSpeak (the MathSpeak style screen readers use) says it — "the sum from k
// equals 1 to n of k", "the fraction with numerator …, and denominator 2". It covers the TeX an
// answer's inline math mostly is (letters, numbers, operators, powers, indices, fractions,
// roots, Greek letters, big operators, function names); anything else (environments, matrices,
// alignments, commands it does not know) and long formulas are not guessed at: the caller says
// "a formula" instead, as code blocks are named rather than spelled out. MathJax's
// speech-rule-engine does all of TeX but needs KaTeX's MathML and megabytes of rules in the
// page for a button most answers never use.

const WORDS: Record<string, string> = {
  '=': 'equals', '+': 'plus', '-': 'minus', '*': 'times', '/': 'over', '<': 'is less than', '>': 'is greater than',
  ',': ',', '.': 'point', '!': 'factorial', "'": 'prime', '(': 'open paren', ')': 'close paren', '[': 'open bracket',
  ']': 'close bracket', '|': 'bar', ':': ':', ';': ',',
  '\\cdot': 'times', '\\times': 'times', '\\div': 'divided by', '\\pm': 'plus or minus', '\\mp': 'minus or plus',
  '\\le': 'is less than or equal to', '\\leq': 'is less than or equal to', '\\ge': 'is greater than or equal to',
  '\\geq': 'is greater than or equal to', '\\ne': 'is not equal to', '\\neq': 'is not equal to',
  '\\approx': 'is approximately', '\\sim': 'is similar to', '\\equiv': 'is equivalent to', '\\propto': 'is proportional to',
  '\\ll': 'is much less than', '\\gg': 'is much greater than',
  '\\to': 'approaches', '\\rightarrow': 'goes to', '\\Rightarrow': 'implies', '\\implies': 'implies', '\\iff': 'if and only if',
  '\\in': 'is in', '\\notin': 'is not in', '\\subset': 'is a subset of', '\\subseteq': 'is a subset of', '\\cup': 'union',
  '\\cap': 'intersection', '\\forall': 'for all', '\\exists': 'there exists', '\\infty': 'infinity',
  '\\partial': 'partial', '\\nabla': 'nabla', '\\ldots': 'dot dot dot', '\\dots': 'dot dot dot', '\\cdots': 'dot dot dot',
  '\\circ': 'degrees', '\\degree': 'degrees', '\\%': 'percent', '\\{': 'open brace', '\\}': 'close brace', '\\lvert': 'bar',
  '\\rvert': 'bar', '\\mid': 'given', '\\langle': 'open angle', '\\rangle': 'close angle', '\\hbar': 'h bar', '\\ell': 'ell',
  '\\sin': 'sine', '\\cos': 'cosine', '\\tan': 'tangent', '\\log': 'log', '\\ln': 'natural log', '\\exp': 'exp',
  '\\max': 'max', '\\min': 'min', '\\det': 'determinant', '\\gcd': 'gcd',
};

const GREEK = 'alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega';
for (const name of GREEK.split(' ')) WORDS[`\\${name}`] = name.replace(/^var/, '').replace(/^[A-Z]/, (c) => `capital ${c.toLowerCase()}`);

/** Spacing and sizing commands, said as nothing. */
const SILENT = new Set(['\\,', '\\;', '\\:', '\\!', '\\ ', '\\quad', '\\qquad', '\\left', '\\right', '\\big', '\\Big', '\\bigl', '\\bigr', '\\displaystyle', '\\limits']);
/** Commands whose argument is said as it is written (words, units, a function's name). */
const TEXT = new Set(['\\text', '\\mathrm', '\\textrm', '\\mathit', '\\textit', '\\mathbf', '\\textbf', '\\operatorname', '\\mathsf']);
/** Commands that only style their argument (said as the argument). */
const STYLE = new Set(['\\boldsymbol', '\\mathbb', '\\mathcal', '\\vec', '\\hat', '\\bar', '\\overline', '\\tilde', '\\dot']);
const BIG: Record<string, string> = { '\\sum': 'the sum', '\\prod': 'the product', '\\int': 'the integral', '\\oint': 'the contour integral', '\\lim': 'the limit' };

/** Longer formulas are named, not read: a listener cannot hold them. */
const MAX_TEX = 160;

class Unsayable extends Error {}

interface Spoken {
  words: string;
  /** One letter, number or symbol: can be a power or a fraction's part without a pause. */
  simple: boolean;
}

/** The words for `tex`, or null when it is not one this pass can say. */
export function texToWords(tex: string): string | null {
  if (tex.length > MAX_TEX) return null;
  const found = [...tex.matchAll(/\\[a-zA-Z]+|\\.|\d+(?:\.\d+)?|\S/g)];
  const tokens = found.map((m) => m[0]);
  let at = 0;

  const sequence = (): Spoken => {
    const parts: string[] = [];
    while (at < tokens.length && tokens[at] !== '}') parts.push(atom().words);
    return { words: parts.filter(Boolean).join(' '), simple: parts.filter(Boolean).length <= 1 };
  };
  /** A command's or script's argument: a braced group, or the one token after it (`x^2`, `\frac12`). */
  const argument = (): Spoken => {
    if (tokens[at] !== '{') return atom(false);
    at++;
    const inner = sequence();
    if (tokens[at++] !== '}') throw new Unsayable();
    return inner;
  };
  /** A \text-like argument as written, spaces kept (`\text{km per hour}`). */
  const rawText = (): string => {
    if (tokens[at] !== '{') return tokens[at++] ?? '';
    let depth = 0;
    const start = found[at]!.index! + 1;
    for (; at < tokens.length; at++) {
      if (tokens[at] === '{') depth++;
      else if (tokens[at] === '}' && --depth === 0) break;
    }
    if (tokens[at] !== '}') throw new Unsayable();
    const text = tex.slice(start, found[at++]!.index!);
    if (/[\\{}$]/.test(text)) throw new Unsayable();
    return text;
  };
  const scripts = (): { sub?: Spoken; sup?: Spoken } => {
    const out: { sub?: Spoken; sup?: Spoken } = {};
    while ((tokens[at] === '_' && !out.sub) || (tokens[at] === '^' && !out.sup)) {
      const kind = tokens[at++] === '_' ? 'sub' : 'sup';
      out[kind] = argument();
    }
    return out;
  };
  const atom = (withScripts = true): Spoken => {
    const token = tokens[at++];
    if (token === undefined || token === '}' || token === '&' || token === '\\\\') throw new Unsayable();
    let base: Spoken;
    if (token === '{') {
      at--;
      base = argument();
    } else if (token in BIG) {
      const { sub, sup } = scripts();
      const name = BIG[token]!;
      const range = token === '\\lim' ? (sub ? ` as ${sub.words}` : '') : sub && sup ? ` from ${sub.words} to ${sup.words}` : sub ? ` over ${sub.words}` : '';
      return { words: `${name}${range} of`, simple: false };
    } else if (token === '\\frac' || token === '\\dfrac' || token === '\\tfrac') {
      const top = argument();
      const bottom = argument();
      base = top.simple && bottom.simple
        ? { words: `${top.words} over ${bottom.words}`, simple: false }
        : { words: `the fraction with numerator ${top.words}, and denominator ${bottom.words},`, simple: false };
    } else if (token === '\\sqrt') {
      let index = '';
      if (tokens[at] === '[') {
        const close = tokens.indexOf(']', at);
        if (close < 0) throw new Unsayable();
        index = tokens.slice(at + 1, close).join('');
        at = close + 1;
      }
      const inner = argument();
      const root = index === '' ? 'square' : index === '3' ? 'cube' : /^\d+$|^[a-z]$/.test(index) ? `${index}th` : null;
      if (!root) throw new Unsayable();
      base = { words: `the ${root} root of ${inner.words}${inner.simple ? '' : ','}`, simple: false };
    } else if (TEXT.has(token)) {
      base = { words: rawText().trim(), simple: true };
    } else if (STYLE.has(token)) {
      base = argument();
    } else if (SILENT.has(token)) {
      return { words: '', simple: true };
    } else if (token in WORDS) {
      base = { words: WORDS[token]!, simple: true };
    } else if (/^[a-zA-Z0-9.]+$/.test(token)) {
      base = { words: token, simple: true };
    } else {
      throw new Unsayable();
    }
    const { sub, sup } = withScripts ? scripts() : {};
    let words = base.words;
    if (sub) words += ` sub ${sub.words}${sub.simple ? '' : ','}`;
    if (sup) {
      words += sup.words === '2' ? ' squared' : sup.words === '3' ? ' cubed' : sup.words === 'prime' ? ' prime'
        : ` to the power of ${sup.words}${sup.simple ? '' : ','}`;
    }
    return { words, simple: base.simple && !sub && !sup };
  };
  try {
    const spoken = sequence();
    if (at < tokens.length || !spoken.words) return null;
    return spoken.words.replace(/\s+,/g, ',').replace(/,+/g, ',').replace(/,\s*$/, '').replace(/\s+/g, ' ').trim();
  } catch (err) {
    if (err instanceof Unsayable) return null;
    throw err;
  }
}
