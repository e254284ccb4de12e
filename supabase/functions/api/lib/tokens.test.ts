import { describe, expect, it } from 'vitest';
import { countTokens, encode } from 'gpt-tokenizer';
import { boundedSlices, CACHE_BUDGET_CHARS, countTokensPaced, loadTokenizer, MAX_RUN_CHARS, utf8Length } from './tokens.ts';

const samples = ['', 'hello world', 'café crème', 'Привет, мир', '日本語のテキスト', '🙂👍🏽 emoji', 'a\uD800b', 'x\uDC00', '\uD83D', 'mixed: ü € 😀 end', ' '.repeat(100), 'function f() { return 1; }\n'.repeat(20)];

describe('utf8Length', () => {
  it('is the length TextEncoder produces, lone surrogates included', () => {
    for (const text of samples) expect(utf8Length(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).length);
  });

  it('bounds the token count from above', () => {
    for (const text of samples) expect(countTokens(text), JSON.stringify(text)).toBeLessThanOrEqual(utf8Length(text));
  });
});

/** The tokenizer's own counts, special tokens as text (what the function always asks for). */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

/** Ordinary text of every kind: each is counted and encoded exactly as the tokenizer does whole. */
const ordinary: Record<string, string> = {
  prose: 'The quick brown fox jumps over the lazy dog. It was the best of times, it was the worst of times; naïve café.\n\n'.repeat(400),
  code: 'export function sum(values: number[]): number {\n  return values.reduce((total, v) => total + v, 0); // ok\n}\n\n/* ---------------------------------------------------------------- */\n'.repeat(200),
  cjk: '東京は日本の首都です。人口は約千四百万人で、世界でも有数の大都市です。\n'.repeat(300),
  emoji: 'Great job 🎉🎉 👍🏽 — see you 🙂! '.repeat(500),
  mixed: Array.from({ length: 2000 }, (_, i) => `Zeile ${i}: naïve café — 東京 🚀 <b>${i * 7}</b> Привет\r\n`).join(''),
  markdown: `| a | b |\n|---|---|\n| 1 | 2 |\n\n${'-'.repeat(80)}\n\n> quote\n\n\`\`\`\n${'  '.repeat(40)}x\n\`\`\`\n`.repeat(100),
  special: 'Documents end with <|endoftext|> in GPT-2. '.repeat(50),
};

/** Text the tokenizer would take a long run of in one piece (each 200,000 characters or more). */
const hostile: Record<string, string> = {
  letters: 'a'.repeat(200_000),
  upper: 'QUJD'.repeat(50_000),
  cjk: '日'.repeat(200_000),
  astralLetters: '𝐀'.repeat(100_000),
  emoji: '🙂'.repeat(100_000),
  punctuation: '!'.repeat(200_000),
  spaces: ' '.repeat(200_000),
  newlines: '\n'.repeat(200_000),
  slashNewline: '/\n'.repeat(100_000),
  marks: 'e\u0301'.repeat(100_000),
  punctuationAndMarks: '!!\u0305'.repeat(70_000),
  loneSurrogates: '\uD800'.repeat(200_000),
};

/** The longest run in `text` of code points that each match `kind`. */
function longestRun(text: string, kind: RegExp): number {
  let longest = 0;
  let run = 0;
  for (const char of text) {
    run = kind.test(char) ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

const RUNS = { letters: /[\p{L}\p{M}]/u, punctuation: /[^\s\p{L}\p{N}]/u, whitespace: /\s/u, breaks: /[\r\n/]/u };

describe('boundedSlices', () => {
  it('cuts every long run to at most the cap, in slices that make up the text, never inside a surrogate pair', () => {
    for (const [name, text] of Object.entries(hostile)) {
      const slices = [...boundedSlices(text)];
      expect(slices.join(''), name).toBe(text);
      expect(slices.length, name).toBeGreaterThan(1);
      let at = 0;
      for (const slice of slices) {
        for (const [run, kind] of Object.entries(RUNS)) expect(longestRun(slice, kind), `${name}: ${run}`).toBeLessThanOrEqual(MAX_RUN_CHARS);
        const pairCut = /[\uD800-\uDBFF]/.test(text[at - 1] ?? '') && /[\uDC00-\uDFFF]/.test(text[at]!);
        expect(pairCut, `${name}: cut at ${at}`).toBe(false);
        at += slice.length;
      }
    }
  });

  it('cuts only inside runs longer than the cap', () => {
    const text = `${'word '.repeat(100)}${'x'.repeat(MAX_RUN_CHARS * 2 + 10)} ${'more words '.repeat(100)}`;
    const slices = [...boundedSlices(text)];
    expect(slices.map((s) => s.length)).toEqual([500 + MAX_RUN_CHARS, MAX_RUN_CHARS, 10 + 1 + 1100]);
  });

  it('yields ordinary text whole', () => {
    for (const [name, text] of Object.entries(ordinary)) expect([...boundedSlices(text)], name).toEqual([text]);
    expect([...boundedSlices('')]).toEqual([]);
  });
});

describe('loadTokenizer', () => {
  it('counts and encodes ordinary text (prose, code, CJK, emoji) exactly as the tokenizer does whole', async () => {
    const tokenizer = await loadTokenizer();
    for (const [name, text] of Object.entries(ordinary)) {
      expect(tokenizer.countTokens(text), name).toBe(countTokens(text, AS_TEXT));
      expect(tokenizer.encode(text), name).toEqual(encode(text, AS_TEXT));
      expect([...tokenizer.encodeGenerator(text)].flat(), name).toEqual(encode(text, AS_TEXT));
      expect(tokenizer.decode(tokenizer.encode(text)), name).toBe(text);
    }
  });

  it('changes the count of text with long runs only where it cuts them, by a token or two a cut', async () => {
    const tokenizer = await loadTokenizer();
    // Short enough for the tokenizer to count whole.
    const text = `${ordinary.prose!.slice(0, 2000)}${'a'.repeat(4096)} and ${'Zz'.repeat(1500)}, ${'='.repeat(3000)}\n${ordinary.code!.slice(0, 2000)}`;
    const cuts = [...boundedSlices(text)].length - 1;
    expect(cuts).toBeGreaterThan(20);
    expect(Math.abs(tokenizer.countTokens(text) - countTokens(text, AS_TEXT))).toBeLessThanOrEqual(2 * cuts);
  });

  it('takes text that looks like a special token as the text it is', async () => {
    const tokenizer = await loadTokenizer();
    expect(tokenizer.countTokens('say <|endoftext|> now')).toBe(9);
    expect(tokenizer.decode(tokenizer.encode('say <|endoftext|> now'))).toBe('say <|endoftext|> now');
  });

  // Without the bounds these never finish in a test run: the tokenizer's work grows with the
  // square of a run's length (128 KB of one letter took 9.5 s; 1 MB would take many minutes).
  it('counts, encodes and decodes 1 MB runs of one letter, one emoji, one punctuation mark or whitespace', async () => {
    const tokenizer = await loadTokenizer();
    const letters = 'a'.repeat(1_000_000);
    // As whole: 'a' × 4096 is 512 tokens of 8 letters, and a cut every 256 letters falls between them.
    expect(countTokens('a'.repeat(4096))).toBe(512);
    expect(tokenizer.countTokens(letters)).toBe(125_000);
    for (const text of [letters, '🙂'.repeat(500_000), '!'.repeat(1_000_000), ' \n'.repeat(500_000), '/\n'.repeat(500_000)]) {
      const tokens = tokenizer.encode(text);
      expect(tokens.length).toBe(tokenizer.countTokens(text));
      expect(tokenizer.decode(tokens)).toBe(text);
    }
  }, 300_000);
});

describe('the merge cache', () => {
  // gpt-tokenizer's cache of encoded pieces (its default export's BPE core; not part of its
  // typed API, read here to see what the process holds).
  async function cachedChars(): Promise<number> {
    const core = (await import('gpt-tokenizer')).default as unknown as { bytePairEncodingCoreProcessor: { mergeCache?: Map<string, number[]> } };
    const cache = core.bytePairEncodingCoreProcessor.mergeCache;
    expect(cache).toBeInstanceOf(Map);
    let chars = 0;
    for (const key of cache!.keys()) chars += key.length;
    return chars;
  }

  it('holds no more text than its budget however much text no one wrote twice is counted', async () => {
    const tokenizer = await loadTokenizer();
    // Random letters outside the BMP, 200 to a word: every piece new, each 400 UTF-16 units.
    const randomWords = (chars: number) => {
      let text = '';
      while (text.length < chars) {
        for (let i = 0; i < 200; i++) text += String.fromCodePoint(0x20000 + Math.floor(Math.random() * 0xa6df));
        text += ' ';
      }
      return text;
    };
    let most = 0;
    for (let call = 0; call < 12; call++) {
      const text = randomWords(CACHE_BUDGET_CHARS / 4);
      if (call % 2) tokenizer.countTokens(text);
      else for (const piece of tokenizer.encodeGenerator(text)) expect(piece.length).toBeGreaterThan(0);
      most = Math.max(most, await cachedChars());
    }
    // Three times the budget went through; between calls the cache held at most the budget.
    expect(most).toBeGreaterThan(CACHE_BUDGET_CHARS / 2);
    expect(most).toBeLessThanOrEqual(CACHE_BUDGET_CHARS);
  }, 300_000);

  it('keeps the tokens of a text counted twice the same', async () => {
    const tokenizer = await loadTokenizer();
    const prose = 'The quick brown fox jumps over the lazy dog. '.repeat(20_000);
    expect(tokenizer.countTokens(prose)).toBe(countTokens(prose));
    expect(tokenizer.countTokens(prose)).toBe(countTokens(prose));
  });
});

describe('countTokensPaced', () => {
  it('counts as countTokens does, letting the event loop run while it counts a long text', async () => {
    const tokenizer = await loadTokenizer();
    const prose = 'Ordinary prose, with code: `const x = 1;` and 日本語 and 🙂. '.repeat(2_000);
    expect(await countTokensPaced(prose)).toBe(tokenizer.countTokens(prose));
    // 300,000 random letters outside the BMP, 100 to a word: seconds of BPE for the cache to miss.
    let text = '';
    while (text.length < 300_000) {
      for (let i = 0; i < 100; i++) text += String.fromCodePoint(0x20000 + Math.floor(Math.random() * 0xa6df));
      text += ' ';
    }
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    const counting = countTokensPaced(text);
    let timerRanBeforeTheEnd = false;
    const tokens = await counting.then((n) => {
      timerRanBeforeTheEnd = timerRan;
      return n;
    });
    expect(timerRanBeforeTheEnd).toBe(true);
    expect(tokens).toBe(tokenizer.countTokens(text));
    expect(await countTokensPaced('')).toBe(0);
  }, 120_000);
});
