/**
 * Token counting with a real BPE tokenizer (gpt-tokenizer, o200k), the one way the function
 * counts, encodes and cuts text: the chat's context and its own counts, attachments, project
 * files and the gateway all go through `loadTokenizer`.
 *
 * It is loaded on first use: its rank tables are the heaviest thing the function holds
 * (≈ 50–65 MB of the process's memory once loaded), and most requests never need them — every
 * route but chat, and most chats too: a context whose UTF-8 bytes fit the window needs no
 * counting (`utf8Length`), and providers report usage themselves.
 *
 * BPE on one pre-tokenizer piece costs about the square of the piece's length, and a piece is
 * a whole run of letters, of punctuation or of whitespace: 128 KB of `a` took 9.5 s, 5 MB did
 * not finish in 10 minutes, all of it on the function's one event loop (every other user's
 * stream stopped meanwhile). So the text is handed over in slices that hold no such run longer
 * than MAX_RUN_CHARS (`boundedSlices`): the work is then linear in the text's length. A cut
 * changes the count only where it falls — inside such a run, which no ordinary text has —
 * since o200k's longest token (128 bytes) is far shorter than the cap.
 *
 * gpt-tokenizer also keeps every piece it has encoded, with its tokens, in a merge cache that
 * lives as long as the process and is bounded only by its number of entries (100,000): 22–40
 * bytes of heap per character handed over, so a few megabytes of text no one wrote twice (a
 * gateway caller's own provider answering a million random letters per call) filled a 256 MB
 * function and took every user's streams down with it. The cache is emptied each time the BPE
 * has been handed CACHE_BUDGET_CHARS more (`handedOver`): between calls it holds at most that
 * much text, during one at most that plus the slice at hand. Ordinary text, whose words repeat
 * within a page, keeps the speed the cache gives.
 */

/** The longest run of letters, of punctuation or of whitespace the BPE is handed, in code points. */
export const MAX_RUN_CHARS = 256;

/** How much text, in UTF-16 code units, the BPE's merge cache may have seen before it is emptied. */
export const CACHE_BUDGET_CHARS = 500_000;

/** gpt-tokenizer's API as the function uses it: every text bounded, special tokens as text. */
export interface Tokenizer {
  countTokens(text: string): number;
  encode(text: string): number[];
  /** The tokens a few at a time (a pre-tokenizer piece each), so a caller can yield between them. */
  encodeGenerator(text: string): Generator<number[], void, undefined>;
  decode(tokens: Iterable<number>): string;
}

type Count = (text: string) => number;
type Gpt = typeof import('gpt-tokenizer');

/** Text that looks like a special token (`<|endoftext|>`) is encoded as the text it is. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

let loading: Promise<Tokenizer> | null = null;

/** The tokenizer, imported once on first call. */
export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= import('gpt-tokenizer').then((m) => bounded(m)).catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** The tokenizer's countTokens, imported once on first call. */
export async function countTokensLazily(): Promise<Count> {
  return (await loadTokenizer()).countTokens;
}

/** The most counting, in milliseconds, countTokensPaced does before letting the event loop run. */
export const PACED_WORK_MS = 10;

/** How many tokens countTokensPaced counts between two readings of the clock. */
const CLOCK_EVERY_TOKENS = 32;

/**
 * The tokens of text no one here wrote (a provider's answer, a gateway caller's prompt),
 * counted a piece at a time with a turn of the event loop every PACED_WORK_MS: a million
 * characters that share no piece with any text before them take the BPE 1.5–3 s, which the
 * function's one event loop would otherwise give to them alone while every other stream waited.
 */
export async function countTokensPaced(text: string): Promise<number> {
  const { encodeGenerator } = await loadTokenizer();
  let tokens = 0;
  let unclocked = 0;
  let since = performance.now();
  for (const piece of encodeGenerator(text)) {
    tokens += piece.length;
    // The clock is read every CLOCK_EVERY_TOKENS tokens: a piece's cost grows with its tokens
    // (a 250-letter word no text had before is a hundred or more and 1–4 ms of BPE), where a
    // count of pieces let 256 such words (0.4–1 s) pass between two readings.
    if ((unclocked += piece.length) < CLOCK_EVERY_TOKENS) continue;
    unclocked = 0;
    if (performance.now() - since >= PACED_WORK_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      since = performance.now();
    }
  }
  return tokens;
}

function bounded(gpt: Pick<Gpt, 'countTokens' | 'encodeGenerator' | 'decode' | 'clearMergeCache'>): Tokenizer {
  let handed = 0;
  /** After the BPE has had `slice`: the cache is emptied once what it has seen passes the budget. */
  function handedOver(slice: string) {
    handed += slice.length;
    if (handed > CACHE_BUDGET_CHARS) {
      gpt.clearMergeCache();
      handed = 0;
    }
  }
  function* encodeGenerator(text: string): Generator<number[], void, undefined> {
    for (const slice of boundedSlices(text)) {
      try {
        yield* gpt.encodeGenerator(slice, AS_TEXT);
      } finally {
        handedOver(slice);
      }
    }
  }
  return {
    countTokens(text) {
      let tokens = 0;
      for (const slice of boundedSlices(text)) {
        tokens += gpt.countTokens(slice, AS_TEXT);
        handedOver(slice);
      }
      return tokens;
    },
    encode(text) {
      const tokens: number[] = [];
      for (const piece of encodeGenerator(text)) for (let i = 0; i < piece.length; i++) tokens.push(piece[i]!);
      return tokens;
    },
    encodeGenerator,
    decode: (tokens) => gpt.decode(tokens),
  };
}

/**
 * `text` in consecutive slices, none holding a run longer than `cap` code points of letters and
 * marks (\p{L}\p{M}), of punctuation ([^\s\p{L}\p{N}], which takes in marks too), of whitespace,
 * or of \r, \n and / (o200k's pre-tokenizer lets punctuation take a run of those after it).
 * Those are the runs its pieces are made of (digits go three at a time), so no piece is longer
 * than about twice the cap. A slice ends only where such a run would grow past the cap, never
 * inside a surrogate pair; text without one is yielded whole, as it is.
 */
export function* boundedSlices(text: string, cap = MAX_RUN_CHARS): Generator<string, void, undefined> {
  let start = 0;
  for (const cut of cutsIn(text, cap)) {
    yield text.slice(start, cut);
    start = cut;
  }
  if (start === 0) {
    if (text) yield text;
  } else yield text.slice(start);
}

/** Where boundedSlices cuts `text`: each index at which a run would grow past `cap`. */
function cutsIn(text: string, cap: number): number[] {
  const cuts: number[] = [];
  if (text.length <= cap) return cuts;
  const known = (kinds ??= new Uint8Array(0x110000));
  // Each run's length so far, in code points.
  let letters = 0;
  let punctuation = 0;
  let spaces = 0;
  let breaks = 0;
  for (let i = 0; i < text.length; i++) {
    const at = i;
    let point = text.charCodeAt(i);
    if (point >= 0xd800 && point <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      point = 0x10000 + ((point - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
    }
    let kind = known[point]!;
    if (kind === 0) known[point] = kind = lookUpKind(point) | KNOWN;
    letters = kind & LETTER ? letters + 1 : 0;
    punctuation = kind & PUNCTUATION ? punctuation + 1 : 0;
    spaces = kind & SPACE ? spaces + 1 : 0;
    breaks = point === 0x0a || point === 0x0d || point === 0x2f ? breaks + 1 : 0;
    if (letters > cap || punctuation > cap || spaces > cap || breaks > cap) {
      cuts.push(at);
      // The next slice starts with this code point: each run it belongs to is 1 long there.
      letters = Math.min(letters, 1);
      punctuation = Math.min(punctuation, 1);
      spaces = Math.min(spaces, 1);
      breaks = Math.min(breaks, 1);
    }
  }
  return cuts;
}

// A code point's kinds, as bits: a mark is a letter and punctuation both.
const LETTER = 1;
const PUNCTUATION = 2;
const SPACE = 4;
/** Set on every kind looked up, so that 0 means "not yet". */
const KNOWN = 0x80;
/** The kinds of every code point seen so far (1.1 MB, made on first use). */
let kinds: Uint8Array | null = null;

/** The same classes as the tokenizer's pre-tokenizer regex (a lone surrogate is punctuation there too). */
function lookUpKind(point: number): number {
  const char = String.fromCodePoint(point);
  if (/\s/u.test(char)) return SPACE;
  if (/\p{M}/u.test(char)) return LETTER | PUNCTUATION;
  if (/\p{L}/u.test(char)) return LETTER;
  if (/\p{N}/u.test(char)) return 0;
  return PUNCTUATION;
}

/**
 * The UTF-8 length of `text`, without encoding it. Byte-level BPE splits a text's UTF-8
 * bytes into tokens of at least one byte each, so this is an upper bound of its token count.
 */
export function utf8Length(text: string): number {
  // One byte per UTF-16 unit to start with, then what each wider character adds.
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1; // 2 bytes
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2; // a pair: two units, 4 bytes
      i++;
    } else bytes += 2; // 3 bytes (a lone surrogate becomes U+FFFD, also 3)
  }
  return bytes;
}

/**
 * A token count without the tokenizer, from the text's length: 4 UTF-8 bytes a token (o200k on
 * English prose; other scripts have fewer bytes a token, code more). For what can only be
 * estimated from lengths: the prompt size a turn records at its start, which the database logs
 * if the turn's process dies (private.settle_abandoned_answers, which counts the kept answer by
 * the same rule: supabase/migrations/20261207010000_log_usage_of_unfinished_turns.sql).
 */
export function roughTokenCount(text: string): number {
  return Math.ceil(utf8Length(text) / BYTES_PER_TOKEN);
}

const BYTES_PER_TOKEN = 4;

/** The first `length` UTF-16 units of `text`, not splitting a surrogate pair. */
export function prefix(text: string, length: number): string {
  if (text.length <= length) return text;
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
