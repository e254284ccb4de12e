import { describe, expect, it } from 'vitest';
import { KEEPALIVE_BUDGET, PendingDeletes, SESSIONS_PER_REQUEST, type PendingDeletesDeps } from './pending-deletes';

/**
 * A PendingDeletes whose toasts and requests are recorded; `refuse` names chats whose request the
 * API refuses. `hang`: requests never answer, as none does once the page is gone.
 */
function harness(refuse: Record<string, Error> = {}, { hang = false } = {}) {
  const sent: { ids: string[]; keepalive: boolean }[] = [];
  const offers = new Map<number, { message: string; undo: () => void; gone: () => void }>();
  const said: { kind: 'success' | 'error'; message: string }[] = [];
  const withdrawn: number[] = [];
  const page = { window: new EventTarget(), document: Object.assign(new EventTarget(), { visibilityState: 'visible' }) };
  let next = 1;
  const deps: PendingDeletesDeps = {
    send: async (ids, keepalive) => {
      sent.push({ ids, keepalive });
      if (hang) await new Promise(() => {});
      const refused = ids.find((id) => refuse[id]);
      if (refused) throw refuse[refused];
    },
    offerUndo: (message, undo, gone) => {
      offers.set(next, { message, undo, gone });
      return next++;
    },
    withdraw: (id) => void withdrawn.push(id),
    success: (message) => void said.push({ kind: 'success', message }),
    error: (message) => void said.push({ kind: 'error', message }),
    page,
  };
  const deletes = new PendingDeletes(deps);
  const deleted: string[] = [];
  let undone = 0;
  const hooks = { onDeleted: (id: string) => void deleted.push(id), onUndone: () => void undone++ };
  /** The newest toast offering Undo. */
  const toast = () => [...offers.values()].at(-1)!;
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { deletes, hooks, sent, said, withdrawn, page, deleted, undone: () => undone, toast, offers, settled };
}

const trip = { id: 'chat-trip', name: 'Trip' };
const notes = { id: 'chat-notes', name: 'Notes' };
/** `n` chats as the sidebar's Select would pick them. */
const many = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `Chat ${i}` }));

describe('PendingDeletes', () => {
  it('hides a chat at once and sends its delete only when the toast offering Undo goes', async () => {
    const h = harness();
    h.deletes.delete([trip], h.hooks);
    expect(h.deletes.hides(trip.id)).toBe(true);
    expect(h.deletes.pending).toBe(true);
    expect(h.toast().message).toBe('Deleted “Trip”.');
    expect(h.sent).toEqual([]);

    h.toast().gone();
    await h.settled();
    expect(h.sent).toEqual([{ ids: [trip.id], keepalive: false }]);
    expect(h.deleted).toEqual([trip.id]);
    // Deleted for good: a list read that still holds it does not bring it back.
    expect(h.deletes.hides(trip.id)).toBe(true);
    expect(h.deletes.pending).toBe(false);
    expect(h.said).toEqual([]);
  });

  it('Undo puts the chat back and sends nothing, even when its toast goes afterwards', async () => {
    const h = harness();
    h.deletes.delete([trip], h.hooks);
    const { undo, gone } = h.toast();
    undo();
    gone();
    await h.settled();
    expect(h.deletes.hides(trip.id)).toBe(false);
    expect(h.sent).toEqual([]);
    expect(h.undone()).toBe(1);
    expect(h.said).toEqual([{ kind: 'success', message: '“Trip” is back.' }]);
    expect(h.deletes.pending).toBe(false);
  });

  it('several deletes in a row each keep their own Undo', async () => {
    const h = harness();
    h.deletes.delete([trip], h.hooks);
    h.deletes.delete([notes], h.hooks);
    const [first, second] = [...h.offers.values()];
    expect([first!.message, second!.message]).toEqual(['Deleted “Trip”.', 'Deleted “Notes”.']);
    first!.undo();
    second!.gone();
    await h.settled();
    expect(h.deletes.hides(trip.id)).toBe(false);
    expect(h.sent).toEqual([{ ids: [notes.id], keepalive: false }]);
  });

  it('sends what waits as one keepalive request when the page is hidden away (pagehide), once', async () => {
    const h = harness();
    h.deletes.delete([trip], h.hooks);
    h.deletes.delete([notes], h.hooks);
    h.page.window.dispatchEvent(new Event('pagehide'));
    expect(h.sent).toEqual([{ ids: [trip.id, notes.id], keepalive: true }]);
    // Their toasts go without sending again, and nothing more is heard once nothing waits.
    expect(h.withdrawn).toEqual([1, 2]);
    for (const offer of h.offers.values()) offer.gone();
    h.page.window.dispatchEvent(new Event('pagehide'));
    h.page.window.dispatchEvent(new Event('beforeunload'));
    await h.settled();
    expect(h.sent).toHaveLength(1);
    expect(h.deleted).toEqual([trip.id, notes.id]);
  });

  it('a page closed right after "10 chats deleted." sends all ten before its event returns, though no request answers', () => {
    const h = harness({}, { hang: true });
    const ten = many(10);
    h.deletes.delete(ten, h.hooks);
    expect(h.toast().message).toBe('10 chats deleted.');
    h.page.window.dispatchEvent(new Event('beforeunload'));
    // Nothing awaited: what has not started by now never leaves a page that is going.
    expect(h.sent).toEqual([{ ids: ten.map((c) => c.id), keepalive: true }]);
  });

  it(`more chats than one request takes go in requests of ${SESSIONS_PER_REQUEST}, all started at once; past keepalive's budget as ordinary requests`, () => {
    const h = harness({}, { hang: true });
    h.deletes.delete(many(250), h.hooks);
    h.page.document.visibilityState = 'hidden';
    h.page.document.dispatchEvent(new Event('visibilitychange'));
    expect(h.sent.map((r) => [r.ids.length, r.keepalive])).toEqual([[100, true], [100, true], [50, true]]);
    expect(new Set(h.sent.flatMap((r) => r.ids)).size).toBe(250);

    // Thousands: the browser refuses a keepalive request past 64 KiB of bodies in flight.
    const big = harness({}, { hang: true });
    big.deletes.delete(many(3000), big.hooks);
    big.page.window.dispatchEvent(new Event('pagehide'));
    expect(big.sent.flatMap((r) => r.ids)).toHaveLength(3000);
    const kept = big.sent.filter((r) => r.keepalive);
    expect(kept.length).toBeGreaterThan(5);
    expect(kept.reduce((bytes, r) => bytes + JSON.stringify({ ids: r.ids }).length, 0)).toBeLessThanOrEqual(KEEPALIVE_BUDGET);
    expect(big.sent.slice(0, kept.length).every((r) => r.keepalive)).toBe(true);
  });

  it('sends what waits when the tab is hidden, not when it is shown', async () => {
    const h = harness();
    h.deletes.delete([trip], h.hooks);
    h.page.document.dispatchEvent(new Event('visibilitychange'));
    expect(h.sent).toEqual([]);
    h.page.document.visibilityState = 'hidden';
    h.page.document.dispatchEvent(new Event('visibilitychange'));
    await h.settled();
    expect(h.sent).toEqual([{ ids: [trip.id], keepalive: true }]);
  });

  it('a delete the API refuses brings the chat back and says why', async () => {
    const h = harness({ [trip.id]: new Error('Try again later') });
    h.deletes.delete([trip], h.hooks);
    h.toast().gone();
    await h.settled();
    expect(h.deletes.hides(trip.id)).toBe(false);
    expect(h.deleted).toEqual([]);
    expect(h.said).toEqual([{ kind: 'error', message: 'Could not delete “Trip”: Try again later. It is back in your chats.' }]);
  });

  it('several chats deleted together share one Undo, and a refused request names the chats back', async () => {
    const h = harness({ [trip.id]: new Error('Try again later') });
    const three = { id: 'chat-three', name: 'Three' };
    h.deletes.delete([trip, three, notes], h.hooks);
    expect(h.toast().message).toBe('3 chats deleted.');
    h.toast().undo();
    expect([trip, three, notes].some((c) => h.deletes.hides(c.id))).toBe(false);
    expect(h.said.at(-1)).toEqual({ kind: 'success', message: '3 chats are back.' });

    h.deletes.delete([trip, three, notes], h.hooks);
    h.toast().gone();
    await h.settled();
    expect(h.sent.at(-1)).toEqual({ ids: [trip.id, three.id, notes.id], keepalive: false });
    expect(h.deleted).toEqual([]);
    expect([trip, three, notes].some((c) => h.deletes.hides(c.id))).toBe(false);
    // One request, refused: none of the three went, for one reason, said once.
    expect(h.said.at(-1)).toEqual({ kind: 'error', message: 'Could not delete 3 chats: Try again later. They are back in your chats.' });
  });

  it('of several toasts flushed together, each hears only of its own chats', async () => {
    const h = harness({ [trip.id]: new Error('Try again later') });
    const bulk = many(150);
    h.deletes.delete([trip], h.hooks);
    h.deletes.delete(bulk, h.hooks);
    await h.deletes.flush();
    // The first request (Trip and 99 others) was refused; the second went through.
    expect(h.sent.map((r) => r.ids.length)).toEqual([100, 51]);
    expect(h.deleted).toEqual(bulk.slice(99).map((c) => c.id));
    expect(h.said.map((s) => s.message)).toEqual([
      'Could not delete “Trip”: Try again later. It is back in your chats.',
      '51 of 150 chats deleted; 99 could not be: “Chat 0” (Try again later), “Chat 1” (Try again later), “Chat 2” (Try again later), 96 more. They are back in your chats.',
    ]);
  });

  it('a chat already waiting is not deleted twice', () => {
    const h = harness();
    h.deletes.delete([trip], h.hooks);
    h.deletes.delete([trip], h.hooks);
    expect(h.offers.size).toBe(1);
  });
});
