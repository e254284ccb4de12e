/**
 * `npm start` prints one progress line per start-up step (local/src/progress.ts). A first
 * start into an empty data folder initialises the embedded Postgres and applies the
 * migrations; a second start only starts it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generateKeys } from '../../local/src/keys/index.ts';
import { getFreePort } from '../../local/src/ports.ts';
import { createProgress } from '../../local/src/progress.ts';
import { startStack } from '../../local/src/stack.ts';
import { NO_FUNCTIONS } from '../helpers/stack.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-progress-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startAndStop(): Promise<string[]> {
  const chunks: string[] = [];
  const stack = await startStack({
    dataDir,
    dbPort: await getFreePort(),
    apiPort: await getFreePort(),
    webPort: false,
    functionsDir: NO_FUNCTIONS,
    keys: await generateKeys(),
    log: () => {},
    progress: createProgress({ isTTY: false, write: (text: string) => chunks.push(text) }),
  });
  await stack.stop();
  return chunks.join('').split('\n').filter(Boolean).map((line) => line.replace(/ {2}\d+\.\d s$/, '  <s>'));
}

it('reports each start-up step once, with its time: initdb and migrations on the first start only', { timeout: 180_000 }, async () => {
  expect(await startAndStop()).toEqual([
    '  ✓ Initialising the database (first start)  <s>',
    '  ✓ Applying migrations and seed  <s>',
    expect.stringMatching(/^ {2}✓ Starting auth and realtime behind http:\/\/127\.0\.0\.1:\d+ {2}<s>$/),
  ]);
  expect(await startAndStop()).toEqual([
    '  ✓ Starting Postgres  <s>',
    expect.stringMatching(/^ {2}✓ Starting auth and realtime behind http:\/\/127\.0\.0\.1:\d+ {2}<s>$/),
  ]);
});
