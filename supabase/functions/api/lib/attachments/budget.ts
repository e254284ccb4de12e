/**
 * Token budgeting for attachment text, counted with the same tokenizer as the rest of the
 * context (gpt-tokenizer, o200k). Text over its budget is cut at a token boundary and says so:
 * the model and the user both see how much was left out.
 */
type Tokenizer = typeof import('gpt-tokenizer');

let loading: Promise<Tokenizer> | null = null;

/** gpt-tokenizer, imported on first use (its rank tables are heavy; most requests never count). */
export function tokenizer(): Promise<Tokenizer> {
  loading ??= import('gpt-tokenizer').catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

export interface FittedText {
  text: string;
  tokens: number;
  /** Tokens of the whole text before cutting. */
  totalTokens: number;
  truncated: boolean;
}

export async function fitText(text: string, maxTokens: number): Promise<FittedText> {
  const { encode, decode } = await tokenizer();
  const tokens = encode(text);
  if (tokens.length <= maxTokens) return { text, tokens: tokens.length, totalTokens: tokens.length, truncated: false };
  const kept = decode(tokens.slice(0, Math.max(0, maxTokens)));
  return { text: kept, tokens: Math.max(0, maxTokens), totalTokens: tokens.length, truncated: true };
}
