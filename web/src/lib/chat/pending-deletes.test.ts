import { describe, expect, it } from 'vitest';
import { PendingDeletes, type PendingDeletesDeps } from './pending-deletes';

class NotFound extends Error {}

/** A PendingDeletes whose toasts and requests are recorded; `refuse` names chats the API refuses. */
function harness(refuse: Record<string, Error> = {}) {
  const sent: { id: string; unloading: boolean }[] = [];
  const offers = new Map<number, { message: string; undo: () => void; gone: () => void }>();
  const said: { kind: 'success' | 'error'; message: string }[] = [];
  const withdrawn: number[] = [];
  const page = { window: new EventTarget(), document: Object.assign(new EventTarget(), { visibilityState: 'visible' }) };
  let next = 1;
  const deps: PendingDeletesDeps = {
    send: async (id, unloading) => {
      sent.push({ id, unloading });
      if (refuse[id]) throw refuse[id];
    },
    offerUndo: (message, undo, gone) => {
      offers.set(next, { message, undo, gone });
      return next++;
    },
    withdraw: (id) => void withdrawn.push(id),
    success: (message) => void said.push({ kind: 'success', message }),
    error: (message) => void said.push({ kind: 'error', message }),
    alreadyGone: (err) => err instanceof NotFound,
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
    expect(h.sent).toEqual([{ id: trip.id, unloading: false }]);
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
    expect(h.sent).toEqual([{ id: notes.id, unloading: false }]);
  });

  it('sends what waits as keepalive requests when the page is hidden away (pagehide), once', async () => {
    const h = harness();
    h.deletes.delete([trip], h.hooks);
    h.deletes.delete([notes], h.hooks);
    h.page.window.dispatchEvent(new Event('pagehide'));
    await h.settled();
    expect(h.sent).toEqual([{ id: trip.id, unloading: true }, { id: notes.id, unloading: true }]);
    // Their toasts go without sending again, and nothing more is heard once nothing waits.
    expect(h.withdrawn).toEqual([1, 2]);
    for (const offer of h.offers.values()) offer.gone();
    h.page.window.dispatchEvent(new Event('pagehide'));
    h.page.window.dispatchEvent(new Event('beforeunload'));
    await h.settled();
    expect(h.sent).toHaveLength(2);
    expect(h.deleted).toEqual([trip.id, notes.id]);
  });

  it('sends what waits when the tab is hidden, not when it is shown', async () => {
    const h = harness();
    h.deletes.delete([trip], h.hooks);
    h.page.document.dispatchEvent(new Event('visibilitychange'));
    expect(h.sent).toEqual([]);
    h.page.document.visibilityState = 'hidden';
    h.page.document.dispatchEvent(new Event('visibilitychange'));
    await h.settled();
    expect(h.sent).toEqual([{ id: trip.id, unloading: true }]);
  });

  it('a delete the API refuses brings the chat back and says why; one deleted elsewhere already counts as deleted', async () => {
    const h = harness({ [trip.id]: new Error('Try again later'), [notes.id]: new NotFound('Session not found') });
    h.deletes.delete([trip], h.hooks);
    h.toast().gone();
    await h.settled();
    expect(h.deletes.hides(trip.id)).toBe(false);
    expect(h.deleted).toEqual([]);
    expect(h.said).toEqual([{ kind: 'error', message: 'Could not delete “Trip”: Try again later. It is back in your chats.' }]);

    h.deletes.delete([notes], h.hooks);
    h.toast().gone();
    await h.settled();
    expect(h.deletes.hides(notes.id)).toBe(true);
    expect(h.deleted).toEqual([notes.id]);
  });

  it('several chats deleted together share one Undo, and a partial failure names the ones back', async () => {
    const three = { id: 'chat-three', name: 'Three' };
    const h = harness({ [three.id]: new Error('Try again later') });
    h.deletes.delete([trip, three, notes], h.hooks);
    expect(h.toast().message).toBe('3 chats deleted.');
    h.toast().undo();
    expect([trip, three, notes].some((c) => h.deletes.hides(c.id))).toBe(false);
    expect(h.said.at(-1)).toEqual({ kind: 'success', message: '3 chats are back.' });

    h.deletes.delete([trip, three, notes], h.hooks);
    h.toast().gone();
    await h.settled();
    expect(h.deleted.sort()).toEqual([notes.id, trip.id].sort());
    expect(h.deletes.hides(three.id)).toBe(false);
    expect(h.said.at(-1)).toEqual({ kind: 'error', message: '2 of 3 chats deleted; 1 could not be: “Three” (Try again later). It is back in your chats.' });
  });

  it('a chat already waiting is not deleted twice', () => {
    const h = harness();
    h.deletes.delete([trip], h.hooks);
    h.deletes.delete([trip], h.hooks);
    expect(h.offers.size).toBe(1);
  });
});
