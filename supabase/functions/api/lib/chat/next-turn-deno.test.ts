/**
 * nextTurn under the real Deno: a request started with fetch leaves for the server only when
 * the current turn of the event loop ends, so the chat route awaits nextTurn() right after
 * starting the provider call and does the rest of its work (the rows' statement, its response)
 * after that. The script: tests/fixtures/deno/next-turn-send.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDenoFixture } from '../../../../../tests/helpers/deno-fixture.ts';

let server: http.Server;
let url: string;
/** When each request's body arrived, by the body. */
const received = new Map<string, number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.set(body, Date.now());
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function run(mode: 'yield' | 'no-yield') {
  const { busyFrom, busyTo } = await runDenoFixture<{ busyFrom: number; busyTo: number }>('next-turn-send.ts', [url, mode], { timeoutMs: 60_000 });
  return { busyFrom, busyTo, receivedAt: received.get(mode)! };
}

it('without it, a started request waits for the rest of the turn', async () => {
  const { busyTo, receivedAt } = await run('no-yield');
  expect(receivedAt).toBeGreaterThanOrEqual(busyTo);
}, 90_000);

it('after it, the request has left before the work that follows begins', async () => {
  const { busyFrom, busyTo, receivedAt } = await run('yield');
  // Received during the 300 ms of busy work at the latest, not after it (the server's process is idle meanwhile).
  expect(receivedAt).toBeLessThan(busyTo - 200);
  expect(receivedAt).toBeGreaterThan(busyFrom - 5_000);
}, 90_000);
