// The web app's process is up when it says it listens on its port, not when the port merely
// answers: a port handed out as free can be taken by another process first, and then the web
// app exits (EADDRINUSE) while someone else's server answers there.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebProcess, type WebProcess } from './web-process.ts';

let other: http.Server;
let port: number;
beforeAll(async () => {
  other = http.createServer((_req, res) => res.end('not the web app'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  port = (other.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => other.close(() => resolve()));
});

it('starts (vite dev) and is up once it says it listens on its port', async () => {
  const free = http.createServer();
  await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
  const freePort = (free.address() as AddressInfo).port;
  await new Promise<void>((resolve) => free.close(() => resolve()));
  const web = await startWebProcess({ port: freePort, apiUrl: 'http://127.0.0.1:9', publishableKey: 'sb_publishable_test', dev: true });
  try {
    expect(web.url).toBe(`http://127.0.0.1:${freePort}`);
    expect((await fetch(web.url)).status).toBeLessThan(600);
  } finally {
    await web.stop();
  }
}, 120_000);

it('a port another server took makes the start fail, instead of passing that server off as the web app', async () => {
  const lines: string[] = [];
  let started: WebProcess | null = null;
  const outcome = await startWebProcess({ port, apiUrl: 'http://127.0.0.1:9', publishableKey: 'sb_publishable_test', dev: true, log: (line) => lines.push(line) })
    .then((web) => ((started = web), 'started'), (error: unknown) => String(error));
  await (started as WebProcess | null)?.stop();
  expect(outcome).toMatch(/the web app exited during start-up/);
  expect(lines.join('\n')).toMatch(/in use/i);
}, 120_000);
