import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { createBroadcaster, type BroadcastMessage } from '../realtime-broadcast.ts';
import { UnitBatcher } from './unit-batcher.ts';
import type { UnitKind } from './units.ts';

/** A batcher whose `ready` the test fires by hand (the outbox's request answering). */
function manual() {
  const waiting: (() => void)[] = [];
  const units: { kind: UnitKind; text: string }[] = [];
  const batcher = new UnitBatcher((cut) => waiting.push(cut), (kind, text) => units.push({ kind, text }));
  const fire = () => waiting.splice(0).forEach((cut) => cut());
  return { batcher, units, fire, waiting };
}

describe('UnitBatcher', () => {
  it('cuts the first unit at once, later ones when the feed is ready: text that came meanwhile joins one unit', () => {
    const { batcher, units, fire, waiting } = manual();
    batcher.add('content', 'Hi');
    expect(units).toEqual([{ kind: 'content', text: 'Hi' }]); // the first token waits for nobody
    expect(waiting).toHaveLength(0);
    batcher.add('content', ' the');
    expect(waiting).toHaveLength(1);
    batcher.add('content', 're');
    batcher.add('content', ',');
    expect(waiting).toHaveLength(1); // one request for readiness per unit, not per chunk
    expect(units).toHaveLength(1);
    fire();
    expect(units.map((u) => u.text)).toEqual(['Hi', ' there,']);
    batcher.add('content', ' world');
    fire();
    expect(units.map((u) => u.text)).toEqual(['Hi', ' there,', ' world']);
  });

  it('the first unit is cut at once even while the feed is busy, unless it is half an emoji', () => {
    const { batcher, units, fire, waiting } = manual();
    batcher.add('reasoning', '\ud83d'); // a high surrogate alone: nothing whole to cut yet
    expect(units).toEqual([]);
    expect(waiting).toHaveLength(0);
    batcher.add('reasoning', '\ude00 hm');
    expect(units).toEqual([{ kind: 'reasoning', text: '😀 hm' }]);
    batcher.add('content', 'Yes');
    expect(units).toHaveLength(1);
    fire();
    expect(units).toEqual([{ kind: 'reasoning', text: '😀 hm' }, { kind: 'content', text: 'Yes' }]);
  });

  it('never mixes answer and reasoning in one unit', () => {
    const { batcher, units, fire } = manual();
    batcher.add('reasoning', 'hm, ');
    batcher.add('reasoning', 'think ');
    batcher.add('reasoning', 'more');
    batcher.add('content', 'Yes');
    batcher.add('content', '!');
    fire();
    expect(units).toEqual([{ kind: 'reasoning', text: 'hm, ' }, { kind: 'reasoning', text: 'think more' }, { kind: 'content', text: 'Yes!' }]);
  });

  it('keeps half an emoji back until its other half, unless the stream ended', () => {
    const { batcher, units, fire } = manual();
    const emoji = '😀';
    batcher.add('content', `ok ${emoji[0]}`);
    fire();
    expect(units).toEqual([{ kind: 'content', text: 'ok ' }]);
    batcher.add('content', `${emoji[1]} done`);
    fire();
    expect(units[1]).toEqual({ kind: 'content', text: `${emoji} done` });
    batcher.add('content', emoji[0]!);
    batcher.cut(true);
    expect(units[2]).toEqual({ kind: 'content', text: emoji[0] });
  });

  it('a late readiness after the final cut changes nothing', () => {
    const { batcher, units, fire } = manual();
    batcher.add('content', 'all');
    batcher.cut(true);
    fire();
    expect(units).toEqual([{ kind: 'content', text: 'all' }]);
  });

  it('with the real outbox: chunk by chunk while requests answer quickly, coalesced while one is out, every seq once and in order', async () => {
    const requests: { messages: BroadcastMessage[]; answer: () => void }[] = [];
    const fetch = ((_url: string, init: RequestInit) =>
      new Promise<Response>((resolve) => {
        requests.push({ messages: (JSON.parse(String(init.body)) as { messages: BroadcastMessage[] }).messages, answer: () => resolve(new Response(null, { status: 202 })) });
      })) as unknown as typeof globalThis.fetch;
    const outbox = createBroadcaster({ supabaseUrl: 'http://sb.test', secretKey: 'k', fetch, log: createLogger(() => {}, 'silent') });
    let seq = 0;
    const batcher = new UnitBatcher((cut) => outbox.whenReady(cut), (_kind, text) => outbox.send({ topic: 's', event: 'delta', payload: { seq: ++seq, text } }));
    const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

    batcher.add('content', 'a');
    await tick();
    expect(requests.map((r) => r.messages.map((m) => m.payload.text))).toEqual([['a']]); // at once
    for (const chunk of ['b', 'c', 'd']) batcher.add('content', chunk); // the request is still out
    await tick();
    expect(requests).toHaveLength(1);
    requests[0]!.answer();
    await tick();
    expect(requests[1]!.messages.map((m) => m.payload)).toEqual([{ seq: 2, text: 'bcd' }]);
    requests[1]!.answer();
    await tick();
    batcher.add('content', 'e'); // idle again: at once
    await tick();
    expect(requests[2]!.messages.map((m) => m.payload)).toEqual([{ seq: 3, text: 'e' }]);
    requests[2]!.answer();
    await outbox.flush();
  });
});
