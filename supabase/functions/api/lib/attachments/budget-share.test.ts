// How a message's text files share the attachment budget: what a small file leaves unused goes
// to the larger ones, whatever order they were attached in (QA: a long file, then a one-line
// note, got half the budget while the other half went unused).
import { describe, expect, it } from 'vitest';
import { shareBudget } from './budget.ts';

/** Files of `lengths` tokens (bytes in proportion), each cut to its share. */
async function share(lengths: number[], budget: number) {
  const fitted = await shareBudget(lengths.map((n) => n * 4), budget, async (index, share) => ({ tokens: Math.min(lengths[index]!, share) }));
  return fitted.map((f) => f.tokens);
}

describe('shareBudget', () => {
  it('gives a long file what a tiny file after it does not use', async () => {
    expect(await share([179_000, 1], 6000)).toEqual([5999, 1]);
    expect(await share([1, 179_000], 6000)).toEqual([1, 5999]);
  });

  it('splits evenly between files that each need more than their share, and uses the whole budget', async () => {
    expect(await share([50_000, 200, 80_000], 6000)).toEqual([2900, 200, 2900]);
    expect(await share([100, 200], 6000)).toEqual([100, 200]);
  });
});
