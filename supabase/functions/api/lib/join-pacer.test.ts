import { expect, it, vi } from 'vitest';
import { createJoinPacer } from './join-pacer.ts';

it("joins at once while a second's budget lasts, then in turn as it refills, skipping joins no longer wanted", async () => {
  const pacer = createJoinPacer(5); // a budget of 5, one more every 200 ms
  const joined: number[] = [];
  const unwanted = new Set([6]);
  for (let i = 0; i < 8; i++) pacer.request(() => void joined.push(i), () => !unwanted.has(i));
  expect(joined).toEqual([0, 1, 2, 3, 4]);
  // The rest wait their turn, in order; the one no longer wanted (its turn ended) is skipped.
  await vi.waitFor(() => expect(joined).toEqual([0, 1, 2, 3, 4, 5, 7]), { timeout: 5_000, interval: 20 });
  // Once the queue is empty and the budget has refilled, a join goes at once again.
  await new Promise((resolve) => setTimeout(resolve, 250));
  pacer.request(() => void joined.push(8), () => true);
  expect(joined.at(-1)).toBe(8);
});
