/**
 * The provider stream under the real Deno, after garbage collections: a stop and the idle
 * watchdog must still cut the provider's connection. In Deno 2.9.6 aborting fetch's signal no
 * longer reaches a response body once a major GC has run and nothing holds the Response (the
 * Request's dependent signal is then held only weakly; streamProvider keeps only the body), so
 * a stopped answer kept streaming, and kept being billed, until the provider finished:
 * tests/faults/function-process.test.ts failed that way in 2 of 4 clean runs.
 * The script: tests/fixtures/deno/provider-cut-after-gc.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../../../local/src/demo-provider.ts';
import { runDenoFixture } from '../../../../../tests/helpers/deno-fixture.ts';

let provider: FakeProvider;

beforeAll(async () => {
  // 3,000 chunks 20 ms apart: a minute of answer, so only a cut ends it within the test.
  provider = await startFakeProvider({ tokens: 3000, tokenDelayMs: 20 });
});
afterAll(() => provider?.stop());

/** Runs the script under Deno with GC exposed, resolving imports as the api function does. */
function runScript(mode: 'stop' | 'idle') {
  return runDenoFixture<{ outcome: string; reason?: string; textsAtCut: number; textsAfterCut: number }>(
    'provider-cut-after-gc.ts', [provider.url, mode], { v8Flags: '--expose-gc', timeoutMs: 120_000 },
  );
}

/** Whether the provider saw the connection of its request `index` closed early (within 5 s). */
async function cutSeen(index: number): Promise<boolean> {
  for (let i = 0; i < 100 && !provider.requests[index]?.aborted; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return provider.requests[index]?.aborted === true;
}

it('a stop after a GC ends the call with its reason and closes the provider connection', async () => {
  const index = provider.requests.length;
  const result = await runScript('stop');
  expect(result).toMatchObject({ outcome: 'rejected', reason: 'Error: stopped by the test' });
  expect(result.textsAtCut).toBeGreaterThanOrEqual(3);
  expect(await cutSeen(index)).toBe(true);
}, 150_000);

it('the idle watchdog after a GC ends a call whose provider went quiet, and closes its connection', async () => {
  const index = provider.requests.length;
  const release = provider.pauseAfterFirstToken();
  try {
    const result = await runScript('idle');
    expect(result).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^TimeoutError/) });
    expect(await cutSeen(index)).toBe(true);
  } finally {
    release();
  }
}, 150_000);
