import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createLogger } from '../log.ts';
import type { Turn, TurnEnd, TurnEvent } from './turn.ts';
import { DELTA_FLUSH_MS, turnView } from './turn-view.ts';
import type { Unit } from './units.ts';

/** What turnView needs of a Turn: units and an end, pushed by the test. */
function fakeTurn() {
  const listeners = new Set<(event: TurnEvent) => void>();
  const units: Unit[] = [];
  const turn = {
    subscribe(afterSeq: number, listener: (event: TurnEvent) => void) {
      for (const unit of units) if (unit.seq > afterSeq) listener({ type: 'unit', unit });
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as Turn;
  const push = (text: string) => {
    const unit: Unit = { seq: units.length + 1, kind: 'content', text };
    units.push(unit);
    for (const l of listeners) l({ type: 'unit', unit });
  };
  const end = (e: TurnEnd) => {
    for (const l of listeners) l({ type: 'end', end: e });
  };
  return { turn, push, end, units };
}

const done: TurnEnd = { status: 'complete', code: null, error: null, finishReason: 'stop', usage: null };
const decoder = new TextDecoder();

function parse(chunks: string[]): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  for (const c of chunks) parser.feed(c);
  return events;
}

describe('turnView', () => {
  it('writes the first delta at once and coalesces the next ones into one write, in order, before done', async () => {
    // The flush interval on a clock of the test's own: on a loaded machine reading the first
    // delta could take longer than DELTA_FLUSH_MS, and the next one then went out alone.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    onTestFinished(() => void vi.useRealTimers());
    const { turn, push, end } = fakeTurn();
    const stream = turnView({ messageId: 'm1', meta: { session_id: 's1' }, afterSeq: 0, turn, keepaliveMs: 60_000, log: createLogger(() => {}, 'silent') });
    const reader = stream.getReader();
    const read = async () => decoder.decode((await reader.read()).value);

    expect(parse([await read()]).map((e) => e.event)).toEqual(['meta']);
    push('Hel');
    const first = await read();
    expect(parse([first]).map((e) => e.data)).toEqual(['{"seq":1,"text":"Hel"}']);
    // Deltas within the flush interval wait, then go out together as one chunk.
    push('lo');
    push(', ');
    push('world');
    const reading = read();
    await vi.advanceTimersByTimeAsync(DELTA_FLUSH_MS);
    const batch = await reading;
    expect(parse([batch]).map((e) => [e.event, e.id, e.data])).toEqual([
      ['delta', '2', '{"seq":2,"text":"lo"}'],
      ['delta', '3', '{"seq":3,"text":", "}'],
      ['delta', '4', '{"seq":4,"text":"world"}'],
    ]);
    // The end does not wait for the interval: waiting deltas, then done, in one write.
    push('!');
    end(done);
    const last = await read();
    expect(parse([last]).map((e) => e.event)).toEqual(['delta', 'done']);
    expect((await reader.read()).done).toBe(true);
  });

  it('replays stored units after afterSeq with no gap and no duplicate', async () => {
    const { turn, push, end } = fakeTurn();
    for (const t of ['a', 'b', 'c', 'd']) push(t);
    const stream = turnView({ messageId: 'm1', afterSeq: 2, turn, keepaliveMs: 60_000, log: createLogger(() => {}, 'silent') });
    const chunks: string[] = [];
    const reader = stream.getReader();
    const reading = (async () => {
      for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(decoder.decode(r.value));
    })();
    push('e');
    end(done);
    await reading;
    expect(parse(chunks).map((e) => `${e.event}:${e.id ?? ''}`)).toEqual(['delta:3', 'delta:4', 'delta:5', 'done:']);
  });
});
