import { describe, expect, it } from 'vitest';
import { typedSlash } from './slash-input';

describe('a / typed into the empty box from an on-screen keyboard', () => {
  it('is one typed or committed into an empty box', () => {
    expect(typedSlash('', '/', 'insertText')).toBe(true);
    expect(typedSlash('', '/', 'insertCompositionText')).toBe(true);
  });

  it('is not a paste or a drop, even of a lone "/"', () => {
    expect(typedSlash('', '/', 'insertFromPaste')).toBe(false);
    expect(typedSlash('', '/', 'insertFromDrop')).toBe(false);
  });

  it('is not a longer text, a / typed after other text, or what is left after deleting', () => {
    expect(typedSlash('', '/help', 'insertText')).toBe(false);
    expect(typedSlash('a', 'a/', 'insertText')).toBe(false);
    expect(typedSlash('/x', '/', 'deleteContentBackward')).toBe(false);
    // All the text selected and replaced by "/": the box was not empty, as a hardware "/" would not open it either.
    expect(typedSlash('draft', '/', 'insertText')).toBe(false);
  });
});
