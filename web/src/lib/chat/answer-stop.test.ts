// Stop from this tab: not offered while the answer is only being saved, and a stop that failed
// is said only while the answer it was meant for still runs. `$state` is a rune only Svelte's
// compiler knows; outside it a plain value does, since these tests render nothing.
import { describe, expect, it, vi } from 'vitest';
import { SvelteSet } from 'svelte/reactivity';
import type { Message } from '../api/index.ts';

const stops = vi.hoisted(() => ({ calls: [] as string[], fail: null as Error | null }));
vi.mock('$lib/chat/chat-stream', () => ({
  stopTurn: async (id: string) => {
    stops.calls.push(id);
    if (stops.fail) throw stops.fail;
    return 'stopped';
  },
}));

vi.mock('$lib/chat/turn-sender', () => ({ errorText: (err: unknown) => (err instanceof Error ? err.message : String(err)) }));

vi.stubGlobal('$state', <T>(value: T) => value);
const { AnswerStop } = await import('./answer-stop.svelte.ts');

function answer(id: string): Message {
  return {
    id, session_id: 's1', sender: 'assistant', content: 'the whole text', status: 'streaming', error: null,
    provider: 'demo', model: 'demo-model', token_count: null, created_at: '2026-12-07T00:00:00Z', seq: 3,
  } as Message;
}

function harness() {
  const state = { running: answer('a1') as Message | undefined };
  const saving = new SvelteSet<string>();
  const named: number[] = [];
  const stopper = new AnswerStop(() => state.running, saving, () => void named.push(1));
  return { state, saving, stopper, named };
}

describe('AnswerStop', () => {
  it('stops a running answer and marks it stopped', async () => {
    stops.calls.length = 0;
    stops.fail = null;
    const { state, stopper } = harness();
    const target = state.running!;
    await stopper.stop();
    expect(stops.calls).toEqual(['a1']);
    expect(target.status).toBe('stopped');
  });

  it('offers nothing to stop while the answer is whole and being saved', async () => {
    stops.calls.length = 0;
    stops.fail = null;
    const { state, saving, stopper } = harness();
    expect(stopper.savingNow).toBe(false);
    saving.add('a1');
    expect(stopper.savingNow).toBe(true);
    expect(stopper.isSaving('a1')).toBe(true);
    await stopper.stop();
    expect(stops.calls).toEqual([]);
    expect(state.running!.status).toBe('streaming');
  });

  it('says a failed stop only while the answer it was for still runs', async () => {
    stops.calls.length = 0;
    stops.fail = new Error('The database is not reachable right now');
    const { state, stopper } = harness();
    await stopper.stop();
    expect(stopper.failed).toBe('Could not stop the answer: The database is not reachable right now');
    // The answer then completes: the notice about stopping it no longer holds.
    state.running = undefined;
    expect(stopper.failed).toBeNull();
    // Another answer runs later: the old failure is not said beside it.
    state.running = answer('a2');
    expect(stopper.failed).toBeNull();
  });

  it("waits for this tab's own answer to be named before stopping it", async () => {
    stops.calls.length = 0;
    stops.fail = null;
    const { state, stopper, named } = harness();
    state.running = answer('pending-1');
    await stopper.stop();
    expect(named).toEqual([1]);
    expect(stops.calls).toEqual([]);
  });
});
