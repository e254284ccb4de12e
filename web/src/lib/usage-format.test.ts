import { describe, expect, it } from 'vitest';
import { cachedAndReasoning, formatBytes, formatCost, formatCount, formatDuration, formatTokens, formatUsd, thoughtForLabel, tokenParts, usagePurpose, usageSource } from './usage-format.ts';

describe('formatDuration', () => {
  it('shows milliseconds under a second, tenths of seconds under a minute, then minutes', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(42.4)).toBe('42 ms');
    expect(formatDuration(999.4)).toBe('999 ms');
    expect(formatDuration(1000)).toBe('1.0 s');
    expect(formatDuration(5_249)).toBe('5.2 s');
    expect(formatDuration(59_949)).toBe('59.9 s');
    expect(formatDuration(59_950)).toBe('1 min 0 s');
    expect(formatDuration(150_400)).toBe('2 min 30 s');
  });
});

describe('thoughtForLabel (QA 5 #9)', () => {
  it('says "less than a second" under a second, where it said "1 s" for 68 ms, then seconds as the footer shows them', () => {
    expect(thoughtForLabel(0)).toBe('Thought for less than a second');
    expect(thoughtForLabel(68)).toBe('Thought for less than a second');
    expect(thoughtForLabel(999)).toBe('Thought for less than a second');
    expect(thoughtForLabel(1000)).toBe('Thought for 1.0 s');
    expect(thoughtForLabel(4_240)).toBe('Thought for 4.2 s');
    expect(thoughtForLabel(65_000)).toBe('Thought for 1 min 5 s');
  });
});

describe('formatUsd', () => {
  it('shows cents from a cent up and two significant digits below', () => {
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(1.234)).toBe('$1.23');
    expect(formatUsd(0.00029)).toBe('$0.00029');
    expect(formatUsd(0.000076)).toBe('$0.000076');
  });

  it('keeps two significant digits from a cent to a dollar, where it rounded to whole cents (QA 6 #4)', () => {
    // "$0.02 spent this month of $0.03 (53 %)": the figures now agree with the percentage.
    expect(formatUsd(0.016)).toBe('$0.016');
    expect(formatUsd(0.0219)).toBe('$0.022');
    expect(formatUsd(0.0153)).toBe('$0.015');
    expect(formatUsd(0.03)).toBe('$0.03');
    expect(formatUsd(0.0099)).toBe('$0.0099');
    expect(formatUsd(0.1)).toBe('$0.10');
    expect(formatUsd(0.0996)).toBe('$0.10');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.123)).toBe('$0.12');
    expect(formatUsd(0.999)).toBe('$1.00');
    expect(formatUsd(1)).toBe('$1.00');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(-0.016)).toBe('-$0.016');
  });

  it('groups thousands, as a budget or a busy month reaches them', () => {
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(1_000_000)).toBe('$1,000,000.00');
    expect(formatUsd(999.999)).toBe('$1,000.00');
  });
});

describe('formatCost', () => {
  it('never shows calls to a model without a price as free', () => {
    expect(formatCost(0, 4, 4)).toBe('unpriced');
    expect(formatCost(1.2, 3, 10)).toBe('$1.20 + 3 unpriced');
    expect(formatCost(0, 1200, 5000)).toBe('$0 + 1,200 unpriced');
    expect(formatCost(0.5, 0, 2)).toBe('$0.50');
    expect(formatCost(0, 0, 0)).toBe('$0');
  });
});

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(12_345_678)).toBe('12,345,678');
  });
});

describe('formatBytes', () => {
  it('shows bytes, whole kilobytes, then megabytes to one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1_572_864)).toBe('1.5 MB');
  });
});

describe('formatTokens', () => {
  it('says "1 token", not "1 tokens", and groups thousands', () => {
    expect(formatTokens(1)).toBe('1 token');
    expect(formatTokens(0)).toBe('0 tokens');
    expect(formatTokens(32)).toBe('32 tokens');
    expect(formatTokens(12_045)).toBe('12,045 tokens');
  });
});

describe('usagePurpose (QA 6 #6)', () => {
  it('names what a call was for, the naming of a chat included; an unrecorded purpose says nothing', () => {
    expect(usagePurpose('title')).toBe('Chat title');
    expect(usagePurpose('chat')).toBe('Chat answer');
    expect(usagePurpose('gateway')).toBe('API (chat completions)');
    expect(usagePurpose('embedding')).toBe('File embeddings');
    expect(usagePurpose(null)).toBeNull();
  });
});

describe('tokenParts (QA 6 #13)', () => {
  it('says the cached part of the input and the reasoning part of the output when there are any', () => {
    expect(tokenParts({ in: 1000, cached: 400, out: 500, reasoning: 200 })).toBe('1,000 in (400 cached), 500 out (200 reasoning)');
    expect(tokenParts({ in: 1000, cached: 0, out: 500, reasoning: null })).toBe('1,000 in, 500 out');
    expect(tokenParts({ in: null, cached: null, out: 12, reasoning: 3 })).toBe('12 out (3 reasoning)');
  });
});

describe('cachedAndReasoning (QA 6 #13)', () => {
  it("says the cached share of the input, so a user sees whether caching works, and the reasoning tokens", () => {
    expect(cachedAndReasoning({ in: 1000, cached: 400, out: 500, reasoning: 200 })).toBe('400 cached (40 % of input) · 200 reasoning');
    expect(cachedAndReasoning({ in: 3000, cached: 0, out: 500, reasoning: 1200 })).toBe('1,200 reasoning');
    expect(cachedAndReasoning({ in: 3000, cached: 1000, out: 500, reasoning: 0 })).toBe('1,000 cached (33 % of input)');
    expect(cachedAndReasoning({ in: 3000, cached: 0, out: 500, reasoning: 0 })).toBe('');
  });
});

describe('usageSource (QA 6 #12)', () => {
  const key = { api_key_id: '00000000-0000-4000-8000-000000000001', api_key_name: 'laptop', api_key_revoked: false };
  it('names the web app, and a key by its name and prefix: two keys may share a name', () => {
    expect(usageSource({ api_key_id: null, api_key_name: null, api_key_prefix: null, api_key_revoked: null })).toBe('Web app');
    expect(usageSource({ ...key, api_key_prefix: 'mrp_5YFPa1b2' })).toBe('API key laptop · mrp_5YFPa1b2…');
    expect(usageSource({ ...key, api_key_prefix: 'mrp_Zz9-_xy0' })).not.toBe(usageSource({ ...key, api_key_prefix: 'mrp_5YFPa1b2' }));
    expect(usageSource({ ...key, api_key_prefix: 'mrp_5YFPa1b2', api_key_revoked: true })).toBe('API key laptop · mrp_5YFPa1b2… (revoked)');
    expect(usageSource({ ...key, api_key_name: null, api_key_prefix: null })).toBe('API key (removed)');
  });
});
