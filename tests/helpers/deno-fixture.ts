/**
 * Runs a script of tests/fixtures/deno under the real Deno, resolving imports as the api
 * function does (its deno.json, no node_modules), and returns the JSON of its last line of output.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DENO_BIN, processEnv } from '../../local/src/functions/deno-command.ts';
import { DATA_DIR, ROOT } from '../../local/src/paths.ts';

export async function runDenoFixture<T>(script: string, args: string[], options: { v8Flags?: string; timeoutMs: number }): Promise<T> {
  const functionsDir = path.join(ROOT, 'supabase/functions');
  const { stdout } = await promisify(execFile)(
    DENO_BIN,
    [
      'run', '--allow-net', '--allow-read', '--allow-env', '--no-prompt',
      ...(options.v8Flags ? [`--v8-flags=${options.v8Flags}`] : []),
      '--node-modules-dir=none', `--config=${path.join(functionsDir, 'api/deno.json')}`, '--no-lock',
      path.join(ROOT, 'tests/fixtures/deno', script), ...args,
    ],
    { env: processEnv({ env: {}, functionsDir, denoDir: path.join(DATA_DIR, 'deno') }), timeout: options.timeoutMs },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}
