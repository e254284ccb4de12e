import { describe, expect, it } from 'vitest';
import { lengthCounter, templateChars, tooLongText } from './text-length.ts';

describe('text length', () => {
  it('words a text over its limit with thousands separators, as the API does', () => {
    expect(tooLongText('message', 201_499, 32_000)).toBe('This message is 201,499 characters; a message can be at most 32,000.');
    expect(tooLongText('template', 200_000, 100_000)).toBe('This template is 200,000 characters; a template can be at most 100,000.');
  });

  it("counts a template's characters as its limit does (an emoji is one) near the limit", () => {
    expect(templateChars('🙂'.repeat(99_990))).toBe(99_990);
    expect(templateChars('🙂'.repeat(10))).toBe(20); // far from the limit: not counted exactly
  });

  it('shows the counter only near the limit, and says when the text is over it', () => {
    expect(lengthCounter(28_000, 32_000)).toBeNull();
    expect(lengthCounter(40_000, null)).toBeNull();
    expect(lengthCounter(28_800, 32_000)).toEqual({ text: '28,800 / 32,000 characters', over: false });
    expect(lengthCounter(32_000, 32_000)?.over).toBe(false);
    expect(lengthCounter(201_499, 32_000)).toEqual({ text: '201,499 / 32,000 characters', over: true });
  });
});
