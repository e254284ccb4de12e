import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { saveFinal } from './final-save.ts';
import type { FinalAnswer } from './turn-store.ts';
import { packUnits, type PackedUnits } from './units.ts';

const answer = {
  messageId: 'm1', userId: 'u1', sessionId: 's1', units: packUnits([{ kind: 'content', text: 'the whole answer' }]),
  status: 'complete', code: null, errorMessage: null, reasoningMs: null, promptTokens: 1, completionTokens: 3,
  ttftMs: 1, latencyMs: 2, providerMessageId: null,
  usageLog: { provider: 'demo', model: 'demo-model', promptId: null, promptVersion: null, touchCredential: false },
} satisfies FinalAnswer;

/**
 * A store whose database is away until `backAt` (on a clock the sleeps advance); `finishFails`
 * keeps the final write failing even then. Records what was written.
 */
function fakeDatabase({ backAt = Infinity, finishFails = false }: { backAt?: number; finishFails?: boolean }) {
  let clock = 0;
  const written: { finish: number[]; checkpoints: PackedUnits[] } = { finish: [], checkpoints: [] };
  const away = () => clock < backAt;
  const store = {
    finish: async () => {
      if (away() || finishFails) throw new Error('connection refused');
      written.finish.push(clock);
    },
    keepWhole: async (kept: FinalAnswer) => {
      if (away()) throw new Error('connection refused');
      written.checkpoints.push(kept.units);
    },
    replaceCheckpoints: async () => {
      throw new Error('only the whole answer with its outcome is expected here');
    },
  };
  const options = {
    store, log: createLogger(() => {}, 'silent'), windowMs: 300_000,
    now: () => clock, sleep: async (ms: number) => void (clock += ms),
  };
  return { options, written, elapsed: () => clock };
}

describe('saveFinal', () => {
  it('keeps trying through a database outage longer than a fixed count of tries allowed, and writes the answer once it is back', async () => {
    const db = fakeDatabase({ backAt: 35_000 });
    // Each failed try is reported (the turn then tells its views the answer is being saved).
    const retriedAt: number[] = [];
    expect(await saveFinal(answer, { ...db.options, hasRows: true, onRetry: () => void retriedAt.push(db.elapsed()) })).toBe('saved');
    expect(retriedAt[0]).toBe(0);
    expect(retriedAt.length).toBeGreaterThan(9);
    expect(db.written.finish).toHaveLength(1);
    // Written within one try's delay (at most 2 s) of the database coming back.
    expect(db.written.finish[0]).toBeGreaterThanOrEqual(35_000);
    expect(db.written.finish[0]).toBeLessThanOrEqual(37_000);
  });

  it('gives up once the window has passed with the database still away', async () => {
    const db = fakeDatabase({});
    expect(await saveFinal(answer, { ...db.options, hasRows: true, windowMs: 60_000 })).toBe('unsaved');
    expect(db.elapsed()).toBeGreaterThan(55_000);
    expect(db.elapsed()).toBeLessThanOrEqual(60_000);
    expect(db.written.checkpoints).toEqual([]);
  });

  it('when the database answers but the final write keeps failing, writes the whole answer as its checkpoints and then gives up sooner', async () => {
    const db = fakeDatabase({ backAt: 1_000, finishFails: true });
    // Given up as `kept`: the checkpoints hold it and its outcome, so it is settled as it ended.
    expect(await saveFinal(answer, { ...db.options, hasRows: true })).toBe('kept');
    expect(db.written.checkpoints).toEqual([answer.units]);
    expect(db.elapsed()).toBeLessThan(20_000);
  });

  it('gives up at once when the write is refused for what it holds (a data exception, a check, a value past a limit), which no retry changes', async () => {
    for (const code of ['22021', '23514', '22003', '54000']) {
      let tries = 0;
      const checkpoints: unknown[] = [];
      const refused = Object.assign(new Error('refused'), { code });
      const store = {
        finish: async () => {
          tries++;
          throw refused;
        },
        keepWhole: async (kept: FinalAnswer) => void checkpoints.push(kept.units),
        replaceCheckpoints: async () => void checkpoints.push('text alone'),
      };
      const db = fakeDatabase({});
      // Not `kept`: the settle would meet the same refusal, and store the text as interrupted.
      expect(await saveFinal(answer, { ...db.options, store, hasRows: true })).toBe('unsaved');
      expect(tries).toBe(1);
      expect(db.elapsed()).toBe(0);
      // The checkpoints may still take the text (the settle then keeps it).
      expect(checkpoints).toEqual([answer.units]);
    }
    // A connection's failure is still retried.
    const db = fakeDatabase({ backAt: 5_000 });
    expect(await saveFinal(answer, { ...db.options, hasRows: true })).toBe('saved');
  });

  it('keeps the text alone, to be settled as before, when its outcome is refused for what it holds', async () => {
    const kept: string[] = [];
    const store = {
      finish: async () => { throw new Error('lock timeout'); },
      keepWhole: async () => { throw Object.assign(new Error('violates check constraint'), { code: '23514' }); },
      replaceCheckpoints: async (_id: string, packed: PackedUnits) => void kept.push(packed.content),
    };
    const db = fakeDatabase({});
    expect(await saveFinal(answer, { ...db.options, store, hasRows: true, afterKeptTries: 2 })).toBe('unsaved');
    // Kept once (then the turn stops trying to keep it), and the turn gave up sooner.
    expect(kept).toEqual(['the whole answer']);
    expect(db.elapsed()).toBeLessThan(1_000);
  });

  it('writes no checkpoints for a turn whose rows were never written, and keeps trying its usage log', async () => {
    const db = fakeDatabase({ backAt: 35_000 });
    expect(await saveFinal(answer, { ...db.options, hasRows: false })).toBe('saved');
    expect(db.written.checkpoints).toEqual([]);
  });
});
