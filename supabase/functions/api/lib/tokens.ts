/**
 * Token counting with a real BPE tokenizer (gpt-tokenizer, o200k), loaded on first use: its
 * rank tables are the heaviest module the function has, and most requests (every route but
 * chat) never count a token, so they should not pay for it at boot.
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
