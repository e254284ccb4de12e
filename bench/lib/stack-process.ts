/**
 * The stack (gateway, Auth, Realtime, Storage, the functions' Deno processes) in its own Node
 * process, as `npm start` runs it. The benchmark's clients then do not share an event loop
 * with the gateway they measure, as no real client does — and as the direct baseline's
 * provider already runs in a process of its own (provider-process.ts). With the stack in the
 * benchmark's process, a burst of 200 chats spent most of its time to the first token before
 * the gateway even saw the requests: the same loop was busy creating the clients' requests
 * and parsing their streams.
 *
 *   const stack = await spawnStack({ databaseUrl, apiPort, keys, functionsDir });
 *   await stack.functionPid('api'); await stack.stop();
 *
 * Options (keys included) travel over the IPC channel, never on the command line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StackKeys } from '../../local/src/keys/index.ts';
import { startStack, type Stack } from '../../local/src/stack.ts';

export interface StackProcessOptions {
  databaseUrl: string;
  apiPort: number;
  keys: StackKeys;
  functionsDir: string;
  /** Print the stack's log lines (BENCH_DEBUG). */
  debug?: boolean;
}

export interface StackHandle {
  apiUrl: string;
  keys: StackKeys;
  /** The process the stack (gateway, Auth, Realtime, Storage) runs in. */
  pid: number;
  /** The process id of a function's Deno process (undefined: not running). */
  functionPid(slug: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

type ToChild = { type: 'start'; options: StackProcessOptions } | { type: 'pid'; id: number; slug: string } | { type: 'stop' };
type FromChild = { type: 'ready'; apiUrl: string } | { type: 'failed'; message: string } | { type: 'pid'; id: number; pid: number | null } | { type: 'stopped' };

export async function spawnStack(options: StackProcessOptions): Promise<StackHandle> {
  // Node with tsx's loader directly (not the tsx CLI, which runs a second process): the IPC
  // channel then reaches this module.
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, (pid: number | undefined) => void>();
  let stopped: (() => void) | null = null;
  let nextId = 0;
  const ready = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the stack process exited (${code})`)));
    child.on('message', (message: FromChild) => {
      if (message.type === 'ready') resolve(message.apiUrl);
      else if (message.type === 'failed') reject(new Error(`the stack did not start: ${message.message}`));
      else if (message.type === 'pid') {
        waiting.get(message.id)?.(message.pid ?? undefined);
        waiting.delete(message.id);
      } else if (message.type === 'stopped') stopped?.();
    });
  });
  child.send({ type: 'start', options } satisfies ToChild);
  const apiUrl = await ready;
  return {
    apiUrl,
    keys: options.keys,
    pid: child.pid!,
    functionPid: (slug) =>
      new Promise((resolve) => {
        const id = ++nextId;
        waiting.set(id, resolve);
        child.send({ type: 'pid', id, slug } satisfies ToChild);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        stopped = () => child.disconnect();
        child.send({ type: 'stop' } satisfies ToChild);
        // A stack that does not stop within 20 s is killed.
        setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let stack: Stack | null = null;
  const send = (message: FromChild) => process.send?.(message);
  process.on('message', (message: ToChild) => {
    if (message.type === 'start') {
      const o = message.options;
      startStack({
        databaseUrl: o.databaseUrl, apiPort: o.apiPort, webPort: false, keys: o.keys, functionsDir: o.functionsDir,
        log: (line) => o.debug && console.log(line),
      }).then(
        (started) => {
          stack = started;
          send({ type: 'ready', apiUrl: started.apiUrl });
        },
        (error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
    } else if (message.type === 'pid') {
      send({ type: 'pid', id: message.id, pid: stack?.functions.status().find((fn) => fn.slug === message.slug)?.pid ?? null });
    } else if (message.type === 'stop') {
      void (stack?.stop() ?? Promise.resolve()).finally(() => {
        send({ type: 'stopped' });
        process.exit(0);
      });
    }
  });
  // The benchmark went away: stop with it.
  process.on('disconnect', () => void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(0)));
}
