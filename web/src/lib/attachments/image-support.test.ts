import { describe, expect, it } from 'vitest';
import { imageSupport, unreadableImagesNote } from './image-support';

describe('imageSupport', () => {
  it('trusts the catalog for the models it lists', () => {
    expect(imageSupport({ vision: true })).toBe('reads');
    expect(imageSupport({ vision: false })).toBe('blind');
  });

  it('takes a model the catalog does not list (gpt-5, a custom or Ollama model) as unknown, not blind', () => {
    expect(imageSupport(undefined)).toBe('unknown');
  });
});

describe('unreadableImagesNote', () => {
  it('holds a send only for images a model the catalog lists as blind cannot read, naming each', () => {
    expect(unreadableImagesNote('blind', 'GPT-3.5', ['a.png', 'b.jpg'])).toBe('GPT-3.5 cannot read images: remove "a.png", "b.jpg" or pick a model that can. Nothing was sent.');
    expect(unreadableImagesNote('blind', 'GPT-3.5', [])).toBe('');
    expect(unreadableImagesNote('unknown', 'my-model', ['a.png'])).toBe('');
    expect(unreadableImagesNote('reads', 'GPT-4o', ['a.png'])).toBe('');
  });
});
