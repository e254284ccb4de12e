/**
 * Token budgeting for attachment text, counted with the same tokenizer as the rest of the
 * context (gpt-tokenizer, o200k). Text over its budget is cut at a token boundary and says so:
 * the model and the user both see how much was left out.
 */
import { countTokens, decode, encode } from 'gpt-tokenizer';

export interface FittedText {
  text: string;
  tokens: number;
  /** Tokens of the whole text before cutting. */
  totalTokens: number;
  truncated: boolean;
}

export function fitText(text: string, maxTokens: number): FittedText {
  const tokens = encode(text);
  if (tokens.length <= maxTokens) return { text, tokens: tokens.length, totalTokens: tokens.length, truncated: false };
  const kept = decode(tokens.slice(0, Math.max(0, maxTokens)));
  return { text: kept, tokens: Math.max(0, maxTokens), totalTokens: tokens.length, truncated: true };
}

export { countTokens };
