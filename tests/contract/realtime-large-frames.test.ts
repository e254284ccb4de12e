/**
 * Large WebSocket frames being received at once (local/src/realtime/large-frames.ts): frames go
 * up to hosted's 5,000,000 bytes, but one client's sockets may not have more than 16 MiB of
 * frames over 1 MiB on their way in at once (64 MiB in all); the socket past it is closed with
 * 1013. Raw sockets with the publishable key only, through the gateway, from one address
 * (X-Forwarded-For behind one trusted proxy), as security review 4 #2 sent them.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FUNCTIONS, startTestStack, type TestStack } from '../helpers/stack.ts';
import { printStackLogOnFailure } from './realtime-channels.ts';
import { realtimeSocketUrl } from './realtime-helpers.ts';

let stack: TestStack;
printStackLogOnFailure(() => stack);

beforeAll(async () => {
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS, trustedProxyDepth: 1 });
});

afterAll(async () => {
  await stack?.stop();
});

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * `count` sockets from `address`, each sending one Phoenix heartbeat padded to about 4.9 MB at
 * once (tests/fixtures/realtime-heavy-frames.ts, a process of its own): how each ended,
 * 'answered' or the close code.
 */
async function sendHeavy(address: string, count: number, mode: 'whole' | 'fragments-ping' = 'whole'): Promise<('answered' | number)[]> {
  const url = realtimeSocketUrl(stack, stack.keys.publishableKey, '1.0.0');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/fixtures/realtime-heavy-frames.ts'), url, address, String(count), mode], { cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the client failed (${code}): ${err}`);
  return JSON.parse(out) as ('answered' | number)[];
}

describe('large frames being received at once', () => {
  // Without the fix all 100 frames were read whole and answered, about 490 MB held at once.
  it('100 sockets of one address sending 4.9 MB frames at once: most are closed with 1013; one such frame alone is answered', async () => {
    const address = '198.51.100.23';
    const ends = await sendHeavy(address, 100);
    const closed = ends.filter((end) => end === 1013).length;
    const answered = ends.filter((end) => end === 'answered').length;
    expect(closed + answered).toBe(100);
    expect(closed).toBeGreaterThanOrEqual(80);
    expect(answered).toBeGreaterThanOrEqual(1);

    // The budget is free again: one frame of that address, and one of another, are read whole.
    expect(await sendHeavy(address, 1)).toEqual(['answered']);
    expect(await sendHeavy('198.51.100.24', 1)).toEqual(['answered']);
  });

  // Security review 6 #2: a ping after each fragment made the budget forget the fragments `ws`
  // still held, so all 100 messages were held at once (~450 MB; 150 sockets held ~675 MB).
  // The bytes of an unfinished message count until it ends, whatever comes between: at most
  // 16 MiB of them (three or four such messages) are held for the address at once.
  it('a ping between the fragments of a 4.9 MB message does not free them: most of 100 are closed with 1013', async () => {
    const address = '198.51.100.25';
    const ends = await sendHeavy(address, 100, 'fragments-ping');
    const closed = ends.filter((end) => end === 1013).length;
    const answered = ends.filter((end) => end === 'answered').length;
    expect(closed + answered).toBe(100);
    expect(closed).toBeGreaterThanOrEqual(80);
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(await sendHeavy(address, 1, 'fragments-ping')).toEqual(['answered']);
  });
});
