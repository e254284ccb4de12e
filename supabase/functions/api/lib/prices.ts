/**
 * What a model costs: a dated table of list prices per provider and model (USD per million
 * tokens: input, cached input, output), overridable per deployment with MODEL_PRICES, and
 * the lookup that picks the price in force for one call. The arithmetic lives in cost.ts.
 *
 * Prices change; each entry says where it came from, when it was checked and how far it is
 * proven (see `provenance`; the per-provider notes below the interface). An operator who
 * pays something else (a negotiated rate, a self-hosted model with a running cost) sets
 * MODEL_PRICES, e.g.
 *   MODEL_PRICES='{"ollama/*":{"input":0,"output":0},"custom/my-llm":{"input":0.5,"output":1.5,"cached_input":0.1}}'
 * A model with no entry has no price: its calls are logged with cost_usd null ("unpriced"),
 * never a guessed 0.
 */
export interface ModelPrice {
  /** USD per 1M uncached input (prompt) tokens. */
  input: number;
  /** USD per 1M input tokens served from the provider's prompt cache; defaults to `input`. */
  cached_input: number;
  /** USD per 1M output (completion, including reasoning) tokens. */
  output: number;
  /** Where the figure comes from (a pricing page, "MODEL_PRICES"). */
  source: string;
  /** The day the figure was checked (YYYY-MM-DD). */
  as_of: string;
  /**
   * How far the figure is proven: read on the provider's own page (`provider_page`), only
   * corroborated by at least two independent write-ups that cite that page
   * (`secondary_sources`: unverified, re-check before relying on it), set by the operator
   * (`operator`), or not a market price at all (`not_a_price`: local and demo models).
   */
  provenance: 'provider_page' | 'secondary_sources' | 'operator' | 'not_a_price';
}

/*
 * Checked on 2026-12-01 from stored copies of public pages (no live web), per provider:
 * - Anthropic: the pricing page itself (platform.claude.com, "Model pricing": base input,
 *   cache hits & refreshes, output). Sonnet 4.5 is deprecated (retiring 2026-11-30) and
 *   Opus 4.1 retired outside Bedrock/Google Cloud: kept so their calls stay priced.
 * - OpenAI: its own pricing page was not in reach. The figures agree across write-ups that
 *   cite platform.openai.com/docs/pricing (e.g. hex.pm openai_responses' table read
 *   2025-06-03; Roo-Code's o4-mini entry), so they are kept but marked secondary_sources.
 * - OpenRouter: each model's own openrouter.ai page (input and output). Its cache-read price
 *   was not shown there, so cached input is charged at the input price (never understated).
 * - Groq: gpt-oss-120b corrected from $0.75 to $0.60 output (and $0.075 cache hits), as two
 *   independent reports of Groq's pricing and models pages agree; not read on groq.com here.
 *   The Llama 3.x entries could not be verified and were removed.
 * - DeepSeek: removed. DeepSeek's own page in reach lists older figures than the ones we had,
 *   and later reports describe renamed models with peak/off-peak prices, which a flat
 *   per-model entry cannot represent. Price it with MODEL_PRICES.
 * - Mistral: removed. The `-latest` aliases we list move between model generations with
 *   different prices, and Mistral's page was not in reach to pin them.
 * Removed entries are logged as unpriced (cost null), never as free.
 */
const ANTHROPIC = { source: 'https://platform.claude.com/docs/en/about-claude/pricing', as_of: '2026-12-01', provenance: 'provider_page' } as const;
const OPENAI = {
  source: 'https://platform.openai.com/docs/pricing (not reached; figures from write-ups citing it)',
  as_of: '2026-12-01',
  provenance: 'secondary_sources',
} as const;
const OPENROUTER = (model: string) =>
  ({ source: `https://openrouter.ai/${model} (cached input charged as input)`, as_of: '2026-12-01', provenance: 'provider_page' }) as const;
const GROQ = {
  source: 'https://groq.com/pricing (not reached; two reports of it and console.groq.com/docs/models agree)',
  as_of: '2026-12-01',
  provenance: 'secondary_sources',
} as const;

type Meta = Pick<ModelPrice, 'source' | 'as_of' | 'provenance'>;
const p = (input: number, cached_input: number, output: number, meta: Meta): ModelPrice => ({ input, cached_input, output, ...meta });

/**
 * Built-in list prices, keyed `<provider>/<model>`. `<provider>/*` covers every model of a
 * provider (Ollama runs on your own hardware: no per-token charge).
 */
export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = {
  'anthropic/claude-sonnet-4-5': p(3, 0.3, 15, ANTHROPIC),
  'anthropic/claude-opus-4-1': p(15, 1.5, 75, ANTHROPIC),
  'anthropic/claude-3-5-haiku-latest': p(0.8, 0.08, 4, ANTHROPIC),
  'openai/gpt-4.1': p(2, 0.5, 8, OPENAI),
  'openai/gpt-4.1-mini': p(0.4, 0.1, 1.6, OPENAI),
  'openai/gpt-4o': p(2.5, 1.25, 10, OPENAI),
  'openai/gpt-4o-mini': p(0.15, 0.075, 0.6, OPENAI),
  'openai/o4-mini': p(1.1, 0.275, 4.4, OPENAI),
  // Embeddings (project files ranked by meaning): input tokens only.
  'openai/text-embedding-3-small': p(0.02, 0.02, 0, OPENAI),
  'openrouter/openai/gpt-4o-mini': p(0.15, 0.15, 0.6, OPENROUTER('openai/gpt-4o-mini')),
  'openrouter/anthropic/claude-sonnet-4.5': p(3, 3, 15, OPENROUTER('anthropic/claude-sonnet-4.5')),
  'groq/openai/gpt-oss-120b': p(0.15, 0.075, 0.6, GROQ),
  'ollama/*': p(0, 0, 0, { source: 'local model: no per-token charge', as_of: '2026-12-01', provenance: 'not_a_price' }),
  // Not a real price: the offline demo provider is priced so the cost and budget features
  // can be tried (and tested) without a paid key.
  'demo/*': p(1, 0.5, 2, { source: 'demo provider (illustrative, not a real price)', as_of: '2026-11-30', provenance: 'not_a_price' }),
};

/** One MODEL_PRICES entry: USD per million tokens (at most 6 decimals), and where it comes from. */
export interface PriceOverride {
  input: number;
  cached_input?: number;
  output: number;
  source?: string;
  as_of?: string;
}

export type PriceOverrides = Record<string, PriceOverride>;

const KEY = /^[a-z][a-z0-9_-]{1,31}\/(\*|[^\s]{1,200})$/;
const ENTRY_FIELDS = new Set(['input', 'cached_input', 'output', 'source', 'as_of']);

// Up to 6 decimals per million tokens (a millionth of a cent per token at most precise).
function usdPerMillion(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'expected a number';
  if (value < 0 || value > 100_000) return 'must be between 0 and 100000';
  return Math.abs(value * 1e6 - Math.round(value * 1e6)) > 1e-6 * Math.max(1, value) ? 'at most 6 decimals' : null;
}

function isDay(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/**
 * The MODEL_PRICES env value: a JSON object `{"<provider>/<model>|<provider>/*": {input, output, cached_input?, source?, as_of?}}`.
 * Checked by hand, not with zod: it is read at every cold start (config.ts). `problem` names the first bad field.
 */
export function parsePriceOverrides(value: unknown): { overrides: PriceOverrides } | { problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'expected a JSON object' };
  const overrides: PriceOverrides = {};
  for (const [key, entry] of Object.entries(value)) {
    if (!KEY.test(key)) return { problem: `${key}: keys are <provider>/<model> or <provider>/*` };
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { problem: `${key}: expected an object` };
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).find((field) => !ENTRY_FIELDS.has(field));
    if (unknown) return { problem: `${key}: unrecognized key "${unknown}"` };
    for (const field of ['input', 'output', 'cached_input'] as const) {
      if (field === 'cached_input' && fields[field] === undefined) continue;
      const problem = usdPerMillion(fields[field]);
      if (problem) return { problem: `${key}.${field}: ${problem}` };
    }
    if (fields.source !== undefined && (typeof fields.source !== 'string' || fields.source.length > 200)) return { problem: `${key}.source: a text of at most 200 characters` };
    if (fields.as_of !== undefined && !isDay(fields.as_of)) return { problem: `${key}.as_of: a date YYYY-MM-DD` };
    overrides[key] = fields as unknown as PriceOverride;
  }
  return { overrides };
}

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
      provenance: 'operator',
    };
  }
  return table;
}

/** The price for one call: the exact model, else the provider's wildcard, else null (unpriced). */
export function findPrice(table: Record<string, ModelPrice>, provider: string, model: string): ModelPrice | null {
  return table[`${provider}/${model}`] ?? table[`${provider}/*`] ?? null;
}
