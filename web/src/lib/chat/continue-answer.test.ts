// Continue only for an answer with text: one stopped while the model was still thinking offers Regenerate (QA 3 #8).
import { describe, expect, it } from 'vitest';
import { hasTextToContinue } from './continue-answer.ts';

describe('hasTextToContinue', () => {
  it('is true for an answer cut after some text', () => {
    expect(hasTextToContinue({ sender: 'assistant', content: 'Here is the first half' })).toBe(true);
  });
  it('is false for an answer stopped before any text (reasoning only), or with only white space', () => {
    expect(hasTextToContinue({ sender: 'assistant', content: '' })).toBe(false);
    expect(hasTextToContinue({ sender: 'assistant', content: ' \n ' })).toBe(false);
  });
  it('is false for a question', () => {
    expect(hasTextToContinue({ sender: 'user', content: 'Go on' })).toBe(false);
  });
});
