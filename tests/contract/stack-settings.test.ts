// `npm start` refuses settings the stack or the api function cannot use, saying which and why,
// instead of "Mr.Prompt is running" and then failing every request: the function's own parser
// reads supabase/functions/.env at start (QA10 #3), and MRPROMPT_TRUSTED_PROXY_DEPTH must be
// a whole number of proxies (QA10 #4).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startTestStack } from '../helpers/stack.ts';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

/** A functions folder holding an `api` function (never booted here) and this .env. */
function functionsDirWith(dotenv: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-settings-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'api'));
  writeFileSync(path.join(dir, 'api', 'index.ts'), 'Deno.serve(() => new Response("never booted"));\n');
  writeFileSync(path.join(dir, '.env'), dotenv);
  return dir;
}

it('refuses to start when the api function could not read its settings, naming each one', async () => {
  const functionsDir = functionsDirWith('MAX_MESSAGE_CHARS=abc\nMODEL_PRICES={"custom/x":{"input":"cheap"}}\n');
  const failure = await startTestStack({ functionsDir }).then(
    async (stack) => {
      await stack.stop();
      return 'started';
    },
    (error: Error) => error.message,
  );
  expect(failure).toContain('Invalid API configuration');
  expect(failure).toContain('MAX_MESSAGE_CHARS: expected a number, received "abc"');
  expect(failure).toContain('MODEL_PRICES: not a valid price table (custom/x.input: expected a number)');
  expect(failure).toContain('Fix it in supabase/functions/.env');
});

it('starts with settings the function reads', async () => {
  const stack = await startTestStack({ functionsDir: functionsDirWith('MAX_MESSAGE_CHARS=50\n') });
  expect(stack.env.MAX_MESSAGE_CHARS).toBe('50');
  expect(stack.warnings).toEqual([]);
  await stack.stop();
});

it('refuses a trusted proxy depth that is not a whole number of proxies', async () => {
  const saved = process.env.MRPROMPT_TRUSTED_PROXY_DEPTH;
  cleanup.push(() => {
    if (saved === undefined) delete process.env.MRPROMPT_TRUSTED_PROXY_DEPTH;
    else process.env.MRPROMPT_TRUSTED_PROXY_DEPTH = saved;
  });
  process.env.MRPROMPT_TRUSTED_PROXY_DEPTH = '-1';
  await expect(startTestStack({ functionsDir: functionsDirWith('') })).rejects.toThrow('MRPROMPT_TRUSTED_PROXY_DEPTH must be a whole number from 0 to 10');
});
