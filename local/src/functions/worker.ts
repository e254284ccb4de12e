/**
 * One function's Deno process and its life: boot (bounded by a timeout), readiness on a
 * port the process reports, restart with backoff after a crash or a failed boot, reload,
 * and a stop that leaves no process behind (the process group is killed; the bootstrap
 * also exits when our end of its stdin closes, should this Node process die first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import readline from 'node:readline';
import { DENO_BIN, runArgs } from './deno-command.ts';
import type { FunctionSpec } from './discovery.ts';

export type WorkerState = 'idle' | 'booting' | 'ready' | 'failed' | 'stopped';

export interface WorkerOptions {
  spec: FunctionSpec;
  env: Record<string, string>;
  log: (line: string) => void;
  /** Runs before every boot (bundle up to date, or dependencies cached); resolves to the
   * module to run — a bundle's entry — or undefined for the function's sources. */
  prepare?: () => Promise<string | undefined>;
  /** A process not listening by then is killed and counts as a failed boot. */
  bootTimeoutMs?: number;
}

const READY_LINE = /^MRPROMPT_FUNCTION_READY port=(\d+)$/;
const MAX_BACKOFF_MS = 30_000;
const STOP_GRACE_MS = 3_000;

export class FunctionWorker {
  state: WorkerState = 'idle';
  /** Keep-alive connections to the current process (replaced on every boot). */
  agent = new http.Agent({ keepAlive: true });
  port: number | undefined;
  /** The module the current process runs: a bundle's entry, or undefined for the sources. */
  entry: string | undefined;
  restarts = 0;
  private child: ChildProcess | undefined;
  private failures = 0;
  private generation = 0;
  private readyAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private listeners = new Set<() => void>();
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: WorkerOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The port of a ready process, starting it if needed and waiting at most `waitMs`;
   * undefined when it is still booting by then, or failed. */
  async acquire(waitMs: number): Promise<number | undefined> {
    if (this.state === 'idle') this.start();
    const deadline = Date.now() + waitMs;
    while (this.state === 'booting' && Date.now() < deadline) {
      await this.changed(deadline - Date.now());
    }
    return this.state === 'ready' ? this.port : undefined;
  }

  /** Restarts the process now if it runs or is meant to (dev-mode reload). */
  async reload(): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped') return;
    this.failures = 0;
    // Requests arriving meanwhile wait for the new process instead of failing.
    this.setState('booting');
    await this.kill();
    if (!this.isStopped()) this.start();
  }

  async stop(): Promise<void> {
    this.setState('stopped');
    await this.kill();
  }

  /** Re-read after an await: stop() may have run meanwhile. */
  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  private start(): void {
    clearTimeout(this.timer);
    this.setState('booting');
    // Only the newest start spawns: a reload during a rebuild must not boot the older bundle.
    const generation = ++this.generation;
    const prepared = this.options.prepare?.() ?? Promise.resolve(undefined);
    void prepared.catch(() => undefined).then((entry) => {
      if (generation === this.generation && this.state === 'booting' && !this.child) this.spawnProcess(entry);
    });
  }

  private spawnProcess(entry: string | undefined): void {
    const { spec, log } = this.options;
    const started = performance.now();
    const child = spawn(DENO_BIN, runArgs(spec, entry), {
      cwd: spec.dir,
      env: this.options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so stop() reaches anything it spawned, and a terminal's
      // Ctrl-C reaches us first (we then stop it in order).
      detached: true,
    });
    this.child = child;
    this.entry = entry;
    this.agent = new http.Agent({ keepAlive: true });
    const prefix = `functions/${spec.slug}:`;
    const bootTimer = setTimeout(() => {
      log(`${prefix} not listening after ${this.options.bootTimeoutMs ?? 60_000} ms; killing it`);
      killGroup(child, 'SIGKILL');
    }, this.options.bootTimeoutMs ?? 60_000);

    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = READY_LINE.exec(line);
      if (ready && this.child === child && this.state === 'booting') {
        clearTimeout(bootTimer);
        this.port = Number(ready[1]);
        this.readyAt = Date.now();
        log(`${prefix} ready in ${Math.round(performance.now() - started)} ms (pid ${child.pid})`);
        this.setState('ready');
      } else if (!ready) {
        log(`${prefix} ${line}`);
      }
    });
    readline.createInterface({ input: child.stderr! }).on('line', (line) => log(`${prefix} ${line}`));
    child.stdin!.on('error', () => {}); // EPIPE once the process is gone

    this.exited = new Promise((resolve) => {
      let settled = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(bootTimer);
        resolve();
        if (this.child !== child) return;
        this.child = undefined;
        this.port = undefined;
        this.agent.destroy();
        if (this.state === 'stopped') return;
        this.onUnexpectedExit(code, signal);
      };
      child.once('error', (error) => {
        log(`${prefix} could not start deno: ${error.message}`);
        // A process that never started emits no 'close'.
        if (child.pid === undefined) finish(null, null);
      });
      child.once('close', finish);
    });
  }

  /** A crash or failed boot: answer 503 for a while, then start again. */
  private onUnexpectedExit(code: number | null, signal: NodeJS.Signals | null): void {
    const { log, spec } = this.options;
    // A process that served for a while before crashing starts over from a short delay.
    if (this.readyAt && Date.now() - this.readyAt > MAX_BACKOFF_MS) this.failures = 0;
    this.readyAt = 0;
    this.failures += 1;
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** (this.failures - 1));
    log(`functions/${spec.slug}: exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
    this.setState('failed');
    this.timer = setTimeout(() => {
      if (this.state !== 'failed') return;
      this.restarts += 1;
      this.start();
    }, delay);
  }

  /** SIGTERM (lets waitUntil work finish), then SIGKILL after a grace period. */
  private async kill(): Promise<void> {
    clearTimeout(this.timer);
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.port = undefined;
    this.agent.destroy();
    const exited = this.exited;
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, 'SIGTERM');
      const force = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(force);
    }
    // Whatever it spawned and left in its group goes too.
    killGroup(child, 'SIGKILL');
  }

  private setState(state: WorkerState): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener();
  }

  private changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.listeners.add(done);
    });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
