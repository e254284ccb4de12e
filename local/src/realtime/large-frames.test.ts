// The large-frame budget's accounting (the contract test tests/contract/realtime-large-frames.test.ts
// sends real frames through the stack): a ping or pong between the fragments of a message frees
// only its own bytes (security review 6 #2), and a socket that sends nothing but pings is never
// charged, however long it lives.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { clientControlFrameBytes, createLargeFrameBudget } from './large-frames.ts';

const limits = { largeFrameBytes: 1000, maxLargeFrameBytesPerAddress: 2500, maxLargeFrameBytes: 10_000 };

function socket(budget: ReturnType<typeof createLargeFrameBudget>, address = '198.51.100.7') {
  const stream = new PassThrough();
  let refused = false;
  const watch = budget.watch(stream, address, () => { refused = true; });
  return { receive: (bytes: number) => stream.emit('data', Buffer.alloc(bytes)), watch, refused: () => refused };
}

describe('large-frame budget', () => {
  it('keeps counting a message whose fragments have pings between them', () => {
    const budget = createLargeFrameBudget(limits);
    const [a, b, c] = [socket(budget), socket(budget), socket(budget)];
    for (const s of [a, b, c]) {
      for (let i = 0; i < 3; i++) {
        s.receive(400); // a fragment
        s.receive(clientControlFrameBytes(4));
        s.watch.control(Buffer.alloc(4)); // a ping between fragments
      }
    }
    // 1,200 bytes of each message held: the third socket would take the address past 2,500.
    expect([a.refused(), b.refused(), c.refused()]).toEqual([false, false, true]);
    a.watch.ended(); // a's message ended: its bytes are free again
    const d = socket(budget);
    d.receive(1200);
    expect(d.refused()).toBe(false);
  });

  it('never charges a socket that sends only pings', () => {
    const budget = createLargeFrameBudget({ ...limits, maxLargeFrameBytesPerAddress: 1, maxLargeFrameBytes: 1 });
    const s = socket(budget);
    for (let i = 0; i < 10_000; i++) {
      s.receive(clientControlFrameBytes(125));
      s.watch.control(Buffer.alloc(125));
    }
    expect(s.refused()).toBe(false);
  });
});
