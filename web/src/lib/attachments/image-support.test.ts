import { describe, expect, it } from 'vitest';
import { imageSupport } from './image-support';

describe('imageSupport', () => {
  it('trusts the catalog for the models it lists', () => {
    expect(imageSupport({ vision: true })).toBe('reads');
    expect(imageSupport({ vision: false })).toBe('blind');
  });

  it('takes a model the catalog does not list (gpt-5, a custom or Ollama model) as unknown, not blind', () => {
    expect(imageSupport(undefined)).toBe('unknown');
  });
});
