// PendingDeletes with the app's real toasts: what the two do together decides when a delete is
// sent. `$state` is a rune only Svelte's compiler knows; outside it a plain value does, since these
// tests read the toasts' list and need no rendering.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { toast as Toasts } from '$lib/toast.svelte';
import { PendingDeletes, UNDO_MS } from './pending-deletes';

let toast: typeof Toasts;
beforeAll(async () => {
  vi.stubGlobal('$state', <T>(value: T) => value);
  ({ toast } = await import('$lib/toast.svelte'));
});
afterEach(() => {
  for (const item of toast.items) toast.withdraw(item.id);
  vi.useRealTimers();
});

/** PendingDeletes wired to the real toasts as lib/chat/delete-chat.ts wires them; `sent`: the deletes sent. */
function harness() {
  const sent: string[] = [];
  const deletes = new PendingDeletes({
    send: async (ids) => void sent.push(...ids),
    offerUndo: (message, undo, gone) => toast.success(message, { undo, onGone: gone, lifetimeMs: UNDO_MS }),
    withdraw: (id) => toast.withdraw(id),
    success: (message) => void toast.success(message),
    error: (message) => void toast.error(message),
  });
  return { deletes, sent, settled: () => new Promise((resolve) => setTimeout(resolve, 0)) };
}

describe('PendingDeletes with the real toasts', () => {
  it('two chats with the same title deleted in a row each keep their own toast and Undo', async () => {
    const h = harness();
    const first = { id: 'chat-1', name: 'New chat' };
    const second = { id: 'chat-2', name: 'New chat' };
    h.deletes.delete([first]);
    h.deletes.delete([second]);
    await h.settled();
    expect(h.sent).toEqual([]);
    const offers = toast.items.filter((t) => t.message === 'Deleted “New chat”.');
    expect(offers).toHaveLength(2);

    // Ctrl+Z (the newest Undo) and then the older toast's own button bring back both.
    expect(toast.undo()).toBe(true);
    expect(toast.undo(offers[0]!.id)).toBe(true);
    await h.settled();
    expect(h.deletes.hides(first.id)).toBe(false);
    expect(h.deletes.hides(second.id)).toBe(false);
    expect(h.sent).toEqual([]);
  });

  it('two batches of the same size each keep their own toast', async () => {
    const h = harness();
    h.deletes.delete([{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }]);
    h.deletes.delete([{ id: 'c', name: 'C' }, { id: 'd', name: 'D' }]);
    await h.settled();
    expect(toast.items.filter((t) => t.message === '2 chats deleted.')).toHaveLength(2);
    expect(h.sent).toEqual([]);
    expect(h.deletes.pending).toBe(true);
  });

  it('each delete is still sent when its own toast goes', async () => {
    vi.useFakeTimers();
    const h = harness();
    h.deletes.delete([{ id: 'chat-1', name: 'Trip' }]);
    vi.advanceTimersByTime(1000);
    h.deletes.delete([{ id: 'chat-2', name: 'Trip' }]);
    await vi.advanceTimersByTimeAsync(UNDO_MS - 1000);
    expect(h.sent).toEqual(['chat-1']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.sent).toEqual(['chat-1', 'chat-2']);
  });

  it('a plain message shown twice in a row is still one toast', () => {
    toast.error('Could not save: the API is unreachable.');
    toast.error('Could not save: the API is unreachable.');
    expect(toast.items.filter((t) => t.message === 'Could not save: the API is unreachable.')).toHaveLength(1);
  });
});
