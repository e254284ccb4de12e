/**
 * Cost arithmetic: what one call cost in USD, from its token counts and a ModelPrice.
 * Exact: prices (USD per million tokens, at most 6 decimals) become integer picodollars per
 * token, so sums never drift and a cost splits into parts that add up to the cent and below.
 * The result is a decimal string with 12 places, stored as-is in a numeric column.
 *
 *   callCostUsd(findPrice(table, 'openai', 'gpt-4o-mini'), { promptTokens: 1200, cachedTokens: 1000, completionTokens: 300 })
 *   // '0.000285000000'
 */
import type { ModelPrice } from './prices.ts';

export interface CallTokens {
  /** Every input token, cached ones included (as providers report prompt_tokens). */
  promptTokens: number;
  /** The part of promptTokens served from the provider's prompt cache. */
  cachedTokens?: number;
  completionTokens: number;
}

const PICO_PER_USD = 10n ** 12n;

/** USD per million tokens → picodollars per token (exact for up to 6 decimals). */
export function picoPerToken(usdPerMillion: number): bigint {
  if (!Number.isFinite(usdPerMillion) || usdPerMillion < 0) throw new RangeError('a price is a finite, non-negative number');
  return BigInt(Math.round(usdPerMillion * 1e6));
}

function count(n: number | undefined, what: string): bigint {
  const value = n ?? 0;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer`);
  return BigInt(value);
}

/** The call's cost in picodollars. Cached tokens beyond the prompt count as prompt tokens. */
export function callCostPico(price: ModelPrice, tokens: CallTokens): bigint {
  const prompt = count(tokens.promptTokens, 'promptTokens');
  const cachedRaw = count(tokens.cachedTokens, 'cachedTokens');
  const cached = cachedRaw > prompt ? prompt : cachedRaw;
  const completion = count(tokens.completionTokens, 'completionTokens');
  return (prompt - cached) * picoPerToken(price.input) + cached * picoPerToken(price.cached_input) + completion * picoPerToken(price.output);
}

/** Picodollars as a USD decimal string with 12 places ('0.000285000000'). */
export function formatUsd(pico: bigint): string {
  const sign = pico < 0n ? '-' : '';
  const abs = pico < 0n ? -pico : pico;
  return `${sign}${abs / PICO_PER_USD}.${(abs % PICO_PER_USD).toString().padStart(12, '0')}`;
}

/** The call's cost in USD as a decimal string, or null when the model has no price. */
export function callCostUsd(price: ModelPrice | null, tokens: CallTokens): string | null {
  return price ? formatUsd(callCostPico(price, tokens)) : null;
}
