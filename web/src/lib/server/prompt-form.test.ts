import { describe, expect, it } from 'vitest';
import { parsePromptForm } from './prompt-form';

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries({ title: 'Greeting', content: 'Hello {{name}}', ...fields })) data.set(key, value);
  return data;
}

describe('parsePromptForm', () => {
  it('reads tags lowercased, trimmed and once each', () => {
    const parsed = parsePromptForm(form({ tags: 'Support, support , e2e,,' }));
    expect(parsed.success && parsed.data.tags).toEqual(['support', 'e2e']);
  });

  it('names a tag the API would refuse (too long, a space) instead of "Too big: expected string…"', () => {
    const long = parsePromptForm(form({ tags: `a, ${'c'.repeat(33)}` }));
    expect(long.error?.issues[0].message).toBe(`Tag “${'c'.repeat(33)}”: a tag is 1–32 characters of a-z, 0-9 and _ . + # -`);
    const spaced = parsePromptForm(form({ tags: 'Customer Support' }));
    expect(spaced.error?.issues[0].message).toBe('Tag “customer support”: a tag is 1–32 characters of a-z, 0-9 and _ . + # -');
    expect(parsePromptForm(form({ tags: 'c++, c#, gpt-4o, v1.2, a_b, ' + 'c'.repeat(32) })).success).toBe(true);
    const many = parsePromptForm(form({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(',') }));
    expect(many.error?.issues[0].message).toBe('Use at most 20 tags');
  });
});

describe('parsePromptForm: the template limit', () => {
  // QA9 #3: a 200 kB template got "Too big: expected string to have <=100000 characters".
  it('says a template over the limit in words, with the lengths', () => {
    const parsed = parsePromptForm(form({ content: 'word '.repeat(40_000) }));
    expect(parsed.error?.issues[0].message).toBe('This template is 200,000 characters; a template can be at most 100,000.');
  });
});
