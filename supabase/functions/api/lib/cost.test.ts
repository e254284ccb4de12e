// Cost arithmetic against the price table: exact, additive, monotonic, cache-aware; the
// table's lookup and the MODEL_PRICES override (custom and Ollama models given a price).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { callCostPico, callCostUsd, formatUsd, picoPerToken } from './cost.ts';
import { buildPriceTable, findPrice, PRICE_TABLE, type ModelPrice } from './prices.ts';

const meta = { source: 'test', as_of: '2026-01-01', provenance: 'operator' } as const;
// Prices as an operator writes them: USD per million tokens with up to 6 decimals.
const usdPerMillion = fc.integer({ min: 0, max: 100_000_000_000 }).map((micro) => micro / 1e6);
const price = fc.record({ input: usdPerMillion, cached_input: usdPerMillion, output: usdPerMillion }).map((p) => ({ ...p, ...meta }));
const tokens = fc.integer({ min: 0, max: 10_000_000 });
const call = fc.record({ promptTokens: tokens, cachedTokens: tokens, completionTokens: tokens });

/** The decimal string back to picodollars, to compare exactly. */
const pico = (usd: string) => BigInt(usd.replace('.', ''));

describe('callCost (property tests)', () => {
  it('matches the table arithmetic exactly: uncached input + cached input + output, per million', () => {
    fc.assert(
      fc.property(price, call, (p, t) => {
        const cached = Math.min(t.cachedTokens, t.promptTokens);
        const expected =
          BigInt(t.promptTokens - cached) * BigInt(Math.round(p.input * 1e6)) +
          BigInt(cached) * BigInt(Math.round(p.cached_input * 1e6)) +
          BigInt(t.completionTokens) * BigInt(Math.round(p.output * 1e6));
        expect(pico(callCostUsd(p, t)!)).toBe(expected);
      }),
    );
  });

  it('is additive: two calls cost what their summed tokens cost (no rounding drift)', () => {
    fc.assert(
      fc.property(price, tokens, tokens, tokens, tokens, (p, a, b, c, d) => {
        const one = callCostPico(p, { promptTokens: a, completionTokens: b });
        const two = callCostPico(p, { promptTokens: c, completionTokens: d });
        expect(one + two).toBe(callCostPico(p, { promptTokens: a + c, completionTokens: b + d }));
      }),
    );
  });

  it('never decreases when a call uses more tokens, and is never negative', () => {
    fc.assert(
      fc.property(price, call, tokens, (p, t, extra) => {
        const base = callCostPico(p, t);
        expect(base >= 0n).toBe(true);
        expect(callCostPico(p, { ...t, completionTokens: t.completionTokens + extra }) >= base).toBe(true);
        expect(callCostPico(p, { ...t, promptTokens: t.promptTokens + extra }) >= base).toBe(true);
      }),
    );
  });

  it('cached tokens cost less whenever the cached price is lower, and never more than the prompt', () => {
    fc.assert(
      fc.property(price, tokens, tokens, tokens, (p, prompt, cached, completion) => {
        const cheap = { ...p, cached_input: Math.min(p.cached_input, p.input) };
        const withCache = callCostPico(cheap, { promptTokens: prompt, cachedTokens: cached, completionTokens: completion });
        expect(withCache <= callCostPico(cheap, { promptTokens: prompt, completionTokens: completion })).toBe(true);
        // More cached tokens than prompt tokens is clamped: all of the prompt was cached.
        expect(callCostPico(p, { promptTokens: prompt, cachedTokens: prompt + cached, completionTokens: completion })).toBe(
          callCostPico(p, { promptTokens: prompt, cachedTokens: prompt, completionTokens: completion }),
        );
      }),
    );
  });

  it('formats any picodollar amount as a 12-place decimal that parses back to the same number', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), (amount) => {
        const text = formatUsd(amount);
        expect(text).toMatch(/^\d+\.\d{12}$/);
        expect(pico(text)).toBe(amount);
      }),
    );
  });
});

describe('callCost examples', () => {
  it('prices a gpt-4o-mini call from the table', () => {
    const p = findPrice(PRICE_TABLE, 'openai', 'gpt-4o-mini');
    // 200 uncached × $0.15/M + 1000 cached × $0.075/M + 300 × $0.60/M = $0.000285
    expect(callCostUsd(p, { promptTokens: 1200, cachedTokens: 1000, completionTokens: 300 })).toBe('0.000285000000');
    expect(callCostUsd(p, { promptTokens: 1_000_000, completionTokens: 1_000_000 })).toBe('0.750000000000');
  });

  it('has no price (null, not 0) for an unknown model, and refuses nonsense', () => {
    expect(findPrice(PRICE_TABLE, 'custom', 'my-model')).toBeNull();
    expect(callCostUsd(null, { promptTokens: 5, completionTokens: 5 })).toBeNull();
    const p: ModelPrice = { input: 1, cached_input: 1, output: 1, ...meta };
    expect(() => callCostPico(p, { promptTokens: -1, completionTokens: 0 })).toThrow(RangeError);
    expect(() => callCostPico(p, { promptTokens: 1.5, completionTokens: 0 })).toThrow(RangeError);
    expect(() => picoPerToken(Number.NaN)).toThrow(RangeError);
  });

  it('every built-in entry is dated and sourced, and Ollama is free', () => {
    for (const [key, entry] of Object.entries(PRICE_TABLE)) {
      expect(entry.as_of, key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.source.length, key).toBeGreaterThan(3);
    }
    expect(callCostUsd(findPrice(PRICE_TABLE, 'ollama', 'llama3.2'), { promptTokens: 9999, completionTokens: 9999 })).toBe('0.000000000000');
  });

  it('says how far each built-in price is proven, and leaves unverifiable providers unpriced', () => {
    const ownDomain: Record<string, RegExp> = { anthropic: /^https:\/\/platform\.claude\.com\//, openrouter: /^https:\/\/openrouter\.ai\// };
    for (const [key, entry] of Object.entries(PRICE_TABLE)) {
      const provider = key.split('/')[0];
      if (entry.provenance === 'provider_page') expect(entry.source, key).toMatch(ownDomain[provider]);
      // An entry not read on the provider's own page says so in its source.
      if (entry.provenance === 'secondary_sources') expect(entry.source, key).toMatch(/not reached/);
      if (entry.provenance === 'not_a_price') expect(['ollama', 'demo'], key).toContain(provider);
      expect(entry.provenance, key).not.toBe('operator');
    }
    // Removed on 2026-12-01 because their current prices could not be verified.
    expect(findPrice(PRICE_TABLE, 'deepseek', 'deepseek-chat')).toBeNull();
    expect(findPrice(PRICE_TABLE, 'mistral', 'mistral-large-latest')).toBeNull();
    expect(findPrice(PRICE_TABLE, 'groq', 'openai/gpt-oss-120b')).toMatchObject({ input: 0.15, cached_input: 0.075, output: 0.6 });
  });
});

describe('MODEL_PRICES', () => {
  const key = Buffer.alloc(32, 7).toString('base64');
  const base = { SUPABASE_URL: 'http://localhost:54321', SUPABASE_DB_URL: 'postgres://x', CREDENTIALS_ENCRYPTION_KEYS: `1:${key}` };

  it('gives custom and Ollama models a price and replaces built-in entries', () => {
    const config = loadConfig({
      ...base,
      MODEL_PRICES: JSON.stringify({
        'custom/my-llm': { input: 0.5, output: 1.5 },
        'ollama/*': { input: 0.01, output: 0.02, source: 'our GPU bill', as_of: '2026-11-01' },
        'openai/gpt-4o-mini': { input: 0.1, cached_input: 0.05, output: 0.4 },
      }),
    });
    expect(findPrice(config.prices, 'custom', 'my-llm')).toMatchObject({ input: 0.5, cached_input: 0.5, output: 1.5, source: 'MODEL_PRICES', provenance: 'operator' });
    expect(findPrice(config.prices, 'ollama', 'qwen2.5-coder')).toMatchObject({ input: 0.01, source: 'our GPU bill', as_of: '2026-11-01' });
    expect(findPrice(config.prices, 'openai', 'gpt-4o-mini')).toMatchObject({ input: 0.1, output: 0.4 });
    expect(findPrice(config.prices, 'openai', 'gpt-4o')).toEqual(PRICE_TABLE['openai/gpt-4o']);
  });

  it('refuses a malformed table with a readable error', () => {
    for (const bad of ['not json', '{"gpt-4o":{"input":1,"output":1}}', '{"openai/x":{"input":-1,"output":1}}', '{"openai/x":{"input":1}}', '{"openai/x":{"input":0.0000001,"output":1}}']) {
      expect(() => loadConfig({ ...base, MODEL_PRICES: bad }), bad).toThrow(/MODEL_PRICES/);
    }
    expect(buildPriceTable({})).toEqual({ ...PRICE_TABLE });
  });
});
