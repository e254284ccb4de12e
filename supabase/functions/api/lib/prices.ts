/**
 * What a model costs: a dated table of list prices per provider and model (USD per million
 * tokens: input, cached input, output), overridable per deployment with MODEL_PRICES, and
 * the lookup that picks the price in force for one call. The arithmetic lives in cost.ts.
 *
 * Prices change; each entry says where it came from and when it was read. An operator who
 * pays something else (a negotiated rate, a self-hosted model with a running cost) sets
 * MODEL_PRICES, e.g.
 *   MODEL_PRICES='{"ollama/*":{"input":0,"output":0},"custom/my-llm":{"input":0.5,"output":1.5,"cached_input":0.1}}'
 * A model with no entry has no price: its calls are logged with cost_usd null ("unpriced"),
 * never a guessed 0.
 */
import { z } from 'zod';

export interface ModelPrice {
  /** USD per 1M uncached input (prompt) tokens. */
  input: number;
  /** USD per 1M input tokens served from the provider's prompt cache; defaults to `input`. */
  cached_input: number;
  /** USD per 1M output (completion, including reasoning) tokens. */
  output: number;
  /** Where the figure comes from (a pricing page, "MODEL_PRICES"). */
  source: string;
  /** The day the figure was read (YYYY-MM-DD). */
  as_of: string;
}

const OPENAI = { source: 'https://openai.com/api/pricing/', as_of: '2025-10-01' };
const ANTHROPIC = { source: 'https://docs.anthropic.com/en/docs/about-claude/pricing (cache read)', as_of: '2025-10-01' };
const GROQ = { source: 'https://groq.com/pricing', as_of: '2025-10-01' };
const DEEPSEEK = { source: 'https://api-docs.deepseek.com/quick_start/pricing (V3.2, cache hit/miss)', as_of: '2025-10-01' };
const MISTRAL = { source: 'https://mistral.ai/pricing#api-pricing', as_of: '2025-10-01' };
const OPENROUTER = { source: 'https://openrouter.ai/models (pass-through list price)', as_of: '2025-10-01' };

const p = (input: number, cached_input: number, output: number, meta: { source: string; as_of: string }): ModelPrice => ({
  input,
  cached_input,
  output,
  ...meta,
});

/**
 * Built-in list prices, keyed `<provider>/<model>`. `<provider>/*` covers every model of a
 * provider (Ollama runs on your own hardware: no per-token charge).
 */
export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = {
  'openai/gpt-4.1': p(2, 0.5, 8, OPENAI),
  'openai/gpt-4.1-mini': p(0.4, 0.1, 1.6, OPENAI),
  'openai/gpt-4o': p(2.5, 1.25, 10, OPENAI),
  'openai/gpt-4o-mini': p(0.15, 0.075, 0.6, OPENAI),
  'openai/o4-mini': p(1.1, 0.275, 4.4, OPENAI),
  'anthropic/claude-sonnet-4-5': p(3, 0.3, 15, ANTHROPIC),
  'anthropic/claude-opus-4-1': p(15, 1.5, 75, ANTHROPIC),
  'anthropic/claude-3-5-haiku-latest': p(0.8, 0.08, 4, ANTHROPIC),
  'groq/llama-3.3-70b-versatile': p(0.59, 0.59, 0.79, GROQ),
  'groq/llama-3.1-8b-instant': p(0.05, 0.05, 0.08, GROQ),
  'groq/openai/gpt-oss-120b': p(0.15, 0.15, 0.75, GROQ),
  'deepseek/deepseek-chat': p(0.28, 0.028, 0.42, DEEPSEEK),
  'deepseek/deepseek-reasoner': p(0.28, 0.028, 0.42, DEEPSEEK),
  'mistral/mistral-large-latest': p(2, 2, 6, MISTRAL),
  'mistral/mistral-small-latest': p(0.1, 0.1, 0.3, MISTRAL),
  'mistral/codestral-latest': p(0.3, 0.3, 0.9, MISTRAL),
  'openrouter/openai/gpt-4o-mini': p(0.15, 0.075, 0.6, OPENROUTER),
  'openrouter/anthropic/claude-sonnet-4.5': p(3, 0.3, 15, OPENROUTER),
  'ollama/*': p(0, 0, 0, { source: 'local model: no per-token charge', as_of: '2025-10-01' }),
  // Not a real price: the offline demo provider is priced so the cost and budget features
  // can be tried (and tested) without a paid key.
  'demo/*': p(1, 0.5, 2, { source: 'demo provider (illustrative, not a real price)', as_of: '2026-11-30' }),
};

// Up to 6 decimals per million tokens (a millionth of a cent per token at most precise).
const usdPerMillion = z.number().min(0).max(100_000).multipleOf(0.000001, 'at most 6 decimals');

const overrideEntry = z.strictObject({
  input: usdPerMillion,
  cached_input: usdPerMillion.optional(),
  output: usdPerMillion,
  source: z.string().max(200).optional(),
  as_of: z.iso.date().optional(),
});

const KEY = /^[a-z][a-z0-9_-]{1,31}\/(\*|[^\s]{1,200})$/;

/** The MODEL_PRICES env value: a JSON object `{"<provider>/<model>|<provider>/*": {input, output, cached_input?}}`. */
export const modelPricesSchema = z.record(z.string().regex(KEY, 'keys are <provider>/<model> or <provider>/*'), overrideEntry);

export type PriceOverrides = z.infer<typeof modelPricesSchema>;

/** The built-in table with the deployment's overrides on top (an override replaces an entry whole). */
export function buildPriceTable(overrides: PriceOverrides = {}, today = new Date()): Record<string, ModelPrice> {
  const table: Record<string, ModelPrice> = { ...PRICE_TABLE };
  for (const [key, o] of Object.entries(overrides)) {
    table[key] = {
      input: o.input,
      cached_input: o.cached_input ?? o.input,
      output: o.output,
      source: o.source ?? 'MODEL_PRICES',
      as_of: o.as_of ?? today.toISOString().slice(0, 10),
    };
  }
  return table;
}

/** The price for one call: the exact model, else the provider's wildcard, else null (unpriced). */
export function findPrice(table: Record<string, ModelPrice>, provider: string, model: string): ModelPrice | null {
  return table[`${provider}/${model}`] ?? table[`${provider}/*`] ?? null;
}
