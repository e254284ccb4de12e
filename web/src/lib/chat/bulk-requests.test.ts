import { describe, expect, it } from 'vitest';
import { boundedAll, bulkSummary } from './bulk-requests';

describe('boundedAll', () => {
  it('runs every request, never more than the limit at once, and keeps the items order', async () => {
    let running = 0;
    let most = 0;
    const outcomes = await boundedAll([5, 1, 4, 2, 3, 1, 2], 3, async (ms) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
    });
    expect(most).toBe(3);
    expect(outcomes.map((o) => o.item)).toEqual([5, 1, 4, 2, 3, 1, 2]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('a failed request is an outcome with its reason, and the others still run', async () => {
    const outcomes = await boundedAll(['a', 'b', 'c'], 2, async (id) => {
      if (id === 'b') throw new Error('Session not found');
    });
    expect(outcomes).toEqual([{ item: 'a', ok: true }, { item: 'b', ok: false, error: 'Session not found' }, { item: 'c', ok: true }]);
  });

  it('nothing to do is nothing done', async () => {
    expect(await boundedAll([], 4, async () => {})).toEqual([]);
  });
});

describe('bulkSummary', () => {
  const name = (id: string) => id.toUpperCase();
  it('all done: a success with the count', () => {
    expect(bulkSummary([{ item: 'a', ok: true }, { item: 'b', ok: true }, { item: 'c', ok: true }], name, 'deleted')).toEqual({ ok: true, message: '3 chats deleted.' });
    expect(bulkSummary([{ item: 'a', ok: true }], name, 'moved to Travel')).toEqual({ ok: true, message: '1 chat moved to Travel.' });
  });

  it('some failed: an error saying how many were done and naming those that were not, with why', () => {
    const summary = bulkSummary([{ item: 'a', ok: true }, { item: 'b', ok: false, error: 'Session not found' }, { item: 'c', ok: true }], name, 'deleted');
    expect(summary).toEqual({ ok: false, message: '2 of 3 chats deleted; 1 could not be: “B” (Session not found).' });
  });

  it('all failed, and past three failures the rest are counted', () => {
    const failed = ['a', 'b', 'c', 'd', 'e'].map((item) => ({ item, ok: false as const, error: 'offline' }));
    expect(bulkSummary(failed, name, 'deleted').message).toBe('No chat deleted; 5 could not be: “A” (offline), “B” (offline), “C” (offline), 2 more.');
  });
});
