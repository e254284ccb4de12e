import { describe, expect, it } from 'vitest';
import {
  cachedListFailure, cachedModels, cacheListFailure, cacheModels, cacheSize, FAILED_LIST_TTL_MS, LISTED_MODELS_TTL_MS, MAX_CACHED_CHARS, MAX_LISTED_MODELS, readListedModels,
} from './provider-models.ts';

describe('readListedModels', () => {
  it('keeps entries that name a model, once each, sorted, with the name and context the provider gives', () => {
    expect(
      readListedModels([
        { id: 'z-model', object: 'model' },
        { id: 'a/model', name: 'A: Model', context_length: 131072 },
        { id: 'z-model', name: 'dup' },
        { id: 'same', name: 'same', context_window: 8192 },
        { id: '' },
        { name: 'no id' },
        null,
        'text',
        { id: 'odd', context_length: -1, name: 42 },
      ]),
    ).toEqual([
      { id: 'a/model', name: 'A: Model', context_window: 131072 },
      { id: 'odd', name: null, context_window: null },
      { id: 'same', name: null, context_window: 8192 },
      { id: 'z-model', name: null, context_window: null },
    ]);
  });

  it('cuts a very long list', () => {
    const many = Array.from({ length: MAX_LISTED_MODELS + 50 }, (_, i) => ({ id: `m-${i}` }));
    expect(readListedModels(many)).toHaveLength(MAX_LISTED_MODELS);
  });
});

describe('the cache', () => {
  it('answers until the entry is older than the TTL', () => {
    const models = [{ id: 'm', name: null, context_window: null }];
    cacheModels('k', models, 1_000);
    expect(cachedModels('k', 1_000 + LISTED_MODELS_TTL_MS)).toBe(models);
    expect(cachedModels('k', 1_001 + LISTED_MODELS_TTL_MS)).toBeNull();
    expect(cachedModels('k', 1_000)).toBeNull(); // expired entries are dropped
  });

  it('keeps a failed list for FAILED_LIST_TTL_MS, shorter than a list, and a list replaces it', () => {
    expect(FAILED_LIST_TTL_MS).toBeLessThan(LISTED_MODELS_TTL_MS);
    const failure = { code: 'provider_unreachable' as const, message: 'Could not get the models from Ollama; try again later' };
    cacheListFailure('f', failure, 1_000);
    expect(cachedListFailure('f', 1_000 + FAILED_LIST_TTL_MS)).toBe(failure);
    expect(cachedModels('f', 1_000 + FAILED_LIST_TTL_MS)).toBeNull();
    expect(cachedListFailure('f', 1_001 + FAILED_LIST_TTL_MS)).toBeNull();
    cacheListFailure('g', failure, 1_000);
    const models = [{ id: 'm', name: null, context_window: null }];
    cacheModels('g', models, 2_000);
    expect(cachedListFailure('g', 2_000)).toBeNull();
    expect(cachedModels('g', 2_000)).toBe(models);
  });

  it('holds at most MAX_CACHED_CHARS in all, dropping the oldest lists first', () => {
    const big = Array.from({ length: MAX_LISTED_MODELS }, (_, i) => ({ id: `${'x'.repeat(180)}-${i}`, name: 'n'.repeat(200), context_window: null }));
    for (let i = 0; i < 20; i++) cacheModels(`user-${i}`, big, 5_000);
    expect(cacheSize().chars).toBeLessThanOrEqual(MAX_CACHED_CHARS);
    expect(cachedModels('user-19', 5_000)).toBe(big);
    expect(cachedModels('user-0', 5_000)).toBeNull();
  });
});
