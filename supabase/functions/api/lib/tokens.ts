/**
 * Token counting with a real BPE tokenizer (gpt-tokenizer, o200k), loaded on first use: its
 * rank tables are the heaviest thing the function holds (≈ 50–65 MB of the process's
 * memory once loaded), and most requests never need them — every route but chat, and most
 * chats too: a context whose UTF-8 bytes fit the window needs no counting (`utf8Length`),
 * and providers report usage themselves.
 */
type Count = (text: string) => number;

let loading: Promise<Count> | null = null;

/** The tokenizer's countTokens, imported once on first call. */
export function countTokensLazily(): Promise<Count> {
  loading ??= import('gpt-tokenizer').then((m) => m.countTokens as Count).catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
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

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
