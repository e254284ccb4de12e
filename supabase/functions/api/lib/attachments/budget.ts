/**
 * Token budgeting for attachment text, counted with the same tokenizer as the rest of the
 * context (lib/tokens.ts: o200k, never handed a run long enough to be slow). Text over its
 * budget is cut at a token boundary and says so: the model and the user both see how much was
 * left out.
 *
 * Tokenizing is CPU on the function's one event loop, and a file may hold 20 MB of text for a
 * budget of a few thousand tokens. So text up to COUNT_ALL_CHARS is counted whole (an exact
 * total, as it always was), longer text only as far as its budget can use — at most
 * (budget + 1) × MAX_CHARS_PER_TOKEN characters, which always hold more tokens than the
 * budget — and its total is estimated from the part counted. Either way the work goes in
 * slices of SLICE_TOKENS with a turn of the event loop between them, so other requests'
 * streams keep flowing while a large file is fitted.
 */
import { loadTokenizer, prefix, type Tokenizer } from '../tokens.ts';

/** What fitText uses of the tokenizer (a test wraps the real one to see how much it is asked). */
export type FitTokenizer = Pick<Tokenizer, 'encodeGenerator' | 'decode'>;

/** The most UTF-16 units one o200k token stands for: its longest tokens are 128 bytes. */
export const MAX_CHARS_PER_TOKEN = 128;
/** Text up to this long is tokenized whole, so its total is exact (≈ 100 ms of CPU at most). */
export const COUNT_ALL_CHARS = 1_000_000;
/** Tokens encoded between two turns of the event loop (a few milliseconds of CPU). */
export const SLICE_TOKENS = 16_384;

/** Lets timers and I/O run (other requests' streams) before going on: a task, not a microtask. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** How much of a text fitText may read for a budget of `maxTokens`: what an extractor needs to keep. */
export function charsFor(maxTokens: number): number {
  return Math.max(COUNT_ALL_CHARS, (Math.max(0, maxTokens) + 1) * MAX_CHARS_PER_TOKEN);
}

export interface FittedText {
  text: string;
  tokens: number;
  /** Tokens of the whole text before cutting: counted, or estimated when `estimated`. */
  totalTokens: number;
  /** The total is an estimate: the text was longer than it was worth counting. */
  estimated: boolean;
  truncated: boolean;
}

export interface FitOptions {
  /** The share of the whole text that `text` is (below 1: the extractor kept only its start). */
  fraction?: number;
  tokenizer?: () => Promise<FitTokenizer>;
}

export async function fitText(text: string, maxTokens: number, options: FitOptions = {}): Promise<FittedText> {
  const { encodeGenerator, decode } = await (options.tokenizer ?? loadTokenizer)();
  const fraction = options.fraction ?? 1;
  const budget = Math.max(0, maxTokens);
  const countAll = fraction >= 1 && text.length <= COUNT_ALL_CHARS;
  const source = countAll ? text : prefix(text, (budget + 1) * MAX_CHARS_PER_TOKEN);
  // Counting all of it, only the budget's tokens are kept; otherwise all counted (≤ budget + one word).
  const keep = countAll ? budget : Infinity;
  const kept: number[] = [];
  let counted = 0;
  let slice = 0;
  for (const piece of encodeGenerator(source)) {
    for (let i = 0; i < piece.length && kept.length < keep; i++) kept.push(piece[i]!);
    counted += piece.length;
    if (!countAll && counted > budget) break;
    if ((slice += piece.length) >= SLICE_TOKENS) {
      slice = 0;
      await yieldToEventLoop();
    }
  }
  const exact = countAll || (source.length === text.length && fraction >= 1 && counted <= budget);
  if (exact && counted <= budget) return { text, tokens: counted, totalTokens: counted, estimated: false, truncated: false };
  const cut = decode(kept.slice(0, budget));
  if (exact) return { text: cut, tokens: budget, totalTokens: counted, estimated: false, truncated: true };
  // The tokens per character of the part counted, over the whole text.
  const covered = Math.max(1, decode(kept).length);
  const totalTokens = Math.max(counted, Math.round((counted * text.length) / covered / fraction));
  return { text: cut, tokens: budget, totalTokens, estimated: true, truncated: true };
}

/**
 * Shares `budget` tokens among a message's text files: smallest first (by bytes), each an even
 * share of what is left, so what a small file does not use goes to the larger ones after it —
 * in attach order a long file before a one-line note got half the budget and the note's unused
 * half was lost. `fit` reads file `index` into at most `share` tokens and says how many it used;
 * the results come back in the files' own order.
 */
export async function shareBudget<T extends { tokens: number }>(sizes: number[], budget: number, fit: (index: number, share: number) => Promise<T>): Promise<T[]> {
  const order = sizes.map((size, index) => ({ size, index })).sort((a, b) => a.size - b.size || a.index - b.index);
  const results: T[] = new Array(sizes.length);
  let remaining = Math.max(0, budget);
  for (const [taken, { index }] of order.entries()) {
    const result = await fit(index, Math.floor(remaining / (order.length - taken)));
    remaining -= result.tokens;
    results[index] = result;
  }
  return results;
}
