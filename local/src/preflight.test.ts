// Before `npm start` starts anything: a taken port is named with what to do. The web app's
// port used to be found taken only once everything else was up (a Node stack trace, then "the
// web app exited during start-up (code 1)", and no way to choose another port); a Postgres left
// by a killed start was answered with `pg_ctl stop`, which refuses to run as root.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './db/embedded.ts';
import { getFreePort } from './ports.ts';
import { checkPorts, MAX_TRUSTED_PROXY_DEPTH, runningPostgres, trustedProxyDepthFrom, webPortFrom } from './preflight.ts';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-preflight-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function occupiedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

const failure = (promise: Promise<unknown>) => promise.then(() => 'passed', (error: unknown) => String(error));

it('takes the web port from MRPROMPT_WEB_PORT, 3000 without it, and refuses what is not a port', () => {
  expect(webPortFrom({})).toBe(3000);
  expect(webPortFrom({ MRPROMPT_WEB_PORT: '3100' })).toBe(3100);
  expect(() => webPortFrom({ MRPROMPT_WEB_PORT: 'http://x' })).toThrow('MRPROMPT_WEB_PORT must be a port number (1-65535), not "http://x"');
  expect(() => webPortFrom({ MRPROMPT_WEB_PORT: '70000' })).toThrow(/must be a port number/);
});

it('names a taken web port before anything starts, with the way to choose another', async () => {
  const plan = { apiPort: await getFreePort(), dbPort: await getFreePort(), dataDir: tempDir() };
  expect(await failure(checkPorts({ ...plan, webPort: await getFreePort() }))).toBe('passed');
  const taken = await occupiedPort();
  expect(await failure(checkPorts({ ...plan, webPort: taken }))).toContain(
    `port ${taken} (the web app) is in use by another program: stop it, or choose another port with MRPROMPT_WEB_PORT=<port> npm start.`,
  );
});

it('says how to move the API and the database off a taken port', async () => {
  const dataDir = tempDir();
  const taken = await occupiedPort();
  expect(await failure(checkPorts({ apiPort: taken, dataDir }))).toContain('[api] port in supabase/config.toml');
  const db = await failure(checkPorts({ apiPort: await getFreePort(), dbPort: taken, dataDir }));
  expect(db).toContain(`port ${taken} (the database) is in use by another program`);
  expect(db).toContain('DATABASE_URL');
  // With DATABASE_URL there is no embedded database, so its port is not ours to check.
  expect(await failure(checkPorts({ apiPort: await getFreePort(), dataDir }))).toBe('passed');
});

it('finds a Postgres left running on the data folder and gives a command that stops it', async () => {
  const dataDir = tempDir();
  const port = await getFreePort();
  const db = await startEmbeddedPostgres({ dir: path.join(dataDir, 'db'), port });
  cleanup.push(() => db.stop());
  const found = runningPostgres(path.join(dataDir, 'db'));
  expect(found).toMatchObject({ port });
  const said = await failure(checkPorts({ apiPort: await getFreePort(), dbPort: port, dataDir }));
  expect(said).toContain(`a Postgres is still running on ${path.join(dataDir, 'db')} (pid ${found!.pid}, port ${port})`);
  expect(said).toContain(`Stop it with \`kill -INT ${found!.pid}\``);
  // The command given works, for root too (pg_ctl does not).
  process.kill(found!.pid, 'SIGINT');
  await expect.poll(() => runningPostgres(path.join(dataDir, 'db')), { timeout: 15_000 }).toBeUndefined();
  expect(await failure(checkPorts({ apiPort: await getFreePort(), dbPort: port, dataDir }))).toBe('passed');
}, 60_000);

it('does not take a stale postmaster.pid, whose pid may be someone else now, for a running Postgres', () => {
  const dir = path.join(tempDir(), 'db');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'postmaster.pid'), `${process.pid}\n${dir}\n0\n54322\n`);
  expect(runningPostgres(dir)).toBeUndefined();
  writeFileSync(path.join(dir, 'postmaster.pid'), `999999999\n${dir}\n0\n54322\n`);
  expect(runningPostgres(dir)).toBeUndefined();
});

// QA10 #4: a depth that is not a whole number in range was used as it came (-1: every web
// sign-in a 500; 1.5: everyone one address) or quietly dropped ("two").
it('takes MRPROMPT_TRUSTED_PROXY_DEPTH as a whole number of proxies, and refuses anything else', () => {
  expect(trustedProxyDepthFrom({})).toBeUndefined();
  expect(trustedProxyDepthFrom({ MRPROMPT_TRUSTED_PROXY_DEPTH: '' })).toBeUndefined();
  expect(trustedProxyDepthFrom({ MRPROMPT_TRUSTED_PROXY_DEPTH: '0' })).toBe(0);
  expect(trustedProxyDepthFrom({ MRPROMPT_TRUSTED_PROXY_DEPTH: ' 2 ' })).toBe(2);
  expect(trustedProxyDepthFrom({ MRPROMPT_TRUSTED_PROXY_DEPTH: String(MAX_TRUSTED_PROXY_DEPTH) })).toBe(MAX_TRUSTED_PROXY_DEPTH);
  for (const wrong of ['-1', 'two', '1.5', '1e1', '0x2', String(MAX_TRUSTED_PROXY_DEPTH + 1)]) {
    expect(() => trustedProxyDepthFrom({ MRPROMPT_TRUSTED_PROXY_DEPTH: wrong }), wrong)
      .toThrow(`MRPROMPT_TRUSTED_PROXY_DEPTH must be a whole number from 0 to ${MAX_TRUSTED_PROXY_DEPTH}, the reverse proxies of your own in front of Mr.Prompt (1 for one, such as Caddy or nginx), not "${wrong}"`);
  }
});
