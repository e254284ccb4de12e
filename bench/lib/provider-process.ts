/**
 * The fake provider in its own Node process, so the benchmark's client and the gateway do
 * not share an event loop with it: `READY <url>` on stdout once it listens.
 *
 *   const provider = await spawnFakeProvider({ ttftMs: 50, tokenDelayMs: 5, tokens: 100 });
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { binPath } from '../../local/src/paths.ts';
import { startFakeProvider, type FakeProviderOptions } from '../../local/src/demo-provider.ts';

export async function spawnFakeProvider(options: FakeProviderOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(binPath('tsx'), [fileURLToPath(import.meta.url), JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake provider exited (${code})`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('READY ')) resolve(line.slice(6));
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const provider = await startFakeProvider(JSON.parse(process.argv[2] ?? '{}') as FakeProviderOptions);
  console.log(`READY ${provider.url}`);
  process.stdin.on('end', () => process.exit(0)); // the parent went away
  process.stdin.resume();
  process.on('SIGTERM', () => void provider.stop().finally(() => process.exit(0)));
}
