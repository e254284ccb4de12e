/**
 * The benchmark's own world: an embedded Postgres in a temp folder on a free port (bootstrap
 * and migrations applied), the fake provider configured as the issue asks (50 ms to the
 * first token, 100 tokens 5 ms apart), and the stack started on it with the real API
 * function, whose chat rate limit is raised through its env so the load is not refused.
 * Beside `api`, the functions folder holds bench/functions/bench-passthrough (the path's floor:
 * no app code, see its header). The stack runs in a process of its own, as `npm start` runs it (stack-process.ts);
 * BENCH_STACK_IN_PROCESS=1 runs it inside the benchmark's process instead (how figures before
 * 2026-12-01 10:30 UTC were taken), to compare.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres, { type Sql } from 'postgres';
import { startDatabase, type Database } from '../../local/src/db/index.ts';
import { generateKeys, signAccessToken } from '../../local/src/keys/index.ts';
import { getFreePort } from '../../local/src/ports.ts';
import { startStack } from '../../local/src/stack.ts';
import { createAuthUser } from '../../tests/helpers/actors.ts';
import { functionsDirWithEnv } from '../../tests/faults/helpers.ts';
import { spawnFakeProvider } from './provider-process.ts';
import { spawnStack, type StackHandle } from './stack-process.ts';

export interface BenchEnvironment {
  db: Database;
  sql: Sql;
  provider: { url: string; stop(): Promise<void> };
  stack?: StackHandle;
  startStack(): Promise<StackHandle>;
  /** A new user and an access token for it. */
  user(): Promise<{ id: string; token: string }>;
  stop(): Promise<void>;
}

/**
 * `/prose N` answers with the first N words of bench/fixtures/answer-prose.md: real prose,
 * Markdown and code, which Postgres compresses as it would a model's answer (the WAL section's
 * long answers). A frozen copy of the README's start as of 2026-12-06, not the README itself:
 * every edit of the README moved the answer — and the WAL section's baseline — with it (one
 * that made it 494 B shorter turned the same WAL from ×2.99 into ×3.05).
 */
export const PROSE_FILE = 'bench/fixtures/answer-prose.md';
export const PROVIDER = { ttftMs: 50, tokenDelayMs: 5, tokens: 100, proseFile: fileURLToPath(new URL(`../../${PROSE_FILE}`, import.meta.url)) };

export async function startBenchEnvironment(log: (line: string) => void): Promise<BenchEnvironment> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-bench-'));
  const db = await startDatabase({ dir: path.join(root, 'db'), port: await getFreePort() });
  log(`bench: database ready (${Object.entries(db.timings).map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ')})`);
  const sql = postgres(db.url, { max: 4, onnotice: () => {} });
  const provider = await spawnFakeProvider(PROVIDER);
  const functionsDir = await functionsDirWithEnv({
    DEMO_PROVIDER_URL: provider.url,
    CHAT_RATE_CAPACITY: '10000000',
    CHAT_RATE_REFILL_PER_SECOND: '1000000',
    // The spacing of Realtime broadcast requests, for runs that measure it (default: the function's).
    ...(process.env.BENCH_BROADCAST_MIN_INTERVAL_MS ? { CHAT_BROADCAST_MIN_INTERVAL_MS: process.env.BENCH_BROADCAST_MIN_INTERVAL_MS } : {}),
    // Live answers over REST only (0), for runs that compare it with the Realtime WebSocket.
    ...(process.env.BENCH_BROADCAST_SOCKET_CHANNELS ? { CHAT_BROADCAST_SOCKET_CHANNELS: process.env.BENCH_BROADCAST_SOCKET_CHANNELS } : {}),
    ...(process.env.BENCH_BROADCAST_JOINS_PER_SECOND ? { CHAT_BROADCAST_JOINS_PER_SECOND: process.env.BENCH_BROADCAST_JOINS_PER_SECOND } : {}),
  });
  // A copy, not a link: like the CLI, discovery lists real folders (and config.toml's functions).
  await fs.cp(fileURLToPath(new URL('../functions/bench-passthrough', import.meta.url)), path.join(functionsDir.dir, 'bench-passthrough'), { recursive: true });
  const env: BenchEnvironment = {
    db,
    sql,
    provider,
    async startStack() {
      const options = { databaseUrl: db.url, apiPort: await getFreePort(), keys: await generateKeys(), functionsDir: functionsDir.dir };
      if (process.env.BENCH_STACK_IN_PROCESS) {
        const stack = await startStack({ ...options, webPort: false, log: (line) => process.env.BENCH_DEBUG && log(line) });
        env.stack = { apiUrl: stack.apiUrl, keys: stack.keys, pid: process.pid, functionPid: async (slug) => stack.functions.status().find((fn) => fn.slug === slug)?.pid, stop: () => stack.stop() };
      } else {
        env.stack = await spawnStack({ ...options, debug: Boolean(process.env.BENCH_DEBUG) });
      }
      return env.stack;
    },
    async user() {
      if (!env.stack) throw new Error('start the stack first');
      const user = await createAuthUser(sql);
      // Signed in as Auth signs people in: the token names a live session, which every
      // request's first statement checks (public.require_live_session), as in production.
      const [session] = await sql<{ id: string }[]>`insert into auth.sessions (id, user_id, created_at, updated_at) values (gen_random_uuid(), ${user.id}, now(), now()) returning id`;
      const claims = { sub: user.id, email: user.email, session_id: session!.id, iss: `${env.stack.apiUrl}/auth/v1` };
      return { id: user.id, token: await signAccessToken(env.stack.keys, claims, { expiresInSeconds: 4 * 3600 }) };
    },
    async stop() {
      await env.stack?.stop();
      await provider.stop();
      await sql.end({ timeout: 5 });
      await db.stop();
      await functionsDir.remove();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  return env;
}

/** One process's line of /proc/<pid>/stat: its name, parent, process group and CPU clock ticks (10 ms). */
interface ProcStat {
  name: string;
  ppid: number;
  pgrp: number;
  /** utime + stime (fields 14 and 15): all its threads. */
  ticks: number;
  /** cutime + cstime (fields 16 and 17): its children that ended and were reaped. */
  reapedTicks: number;
}

/** The process's stat, or null when it ended while we looked. */
async function procStat(pid: string): Promise<ProcStat | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // The fields after the parenthesised command name: state, ppid, pgrp, …, utime (12th),
    // stime, cutime, cstime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      ticks: Number(fields[11]) + Number(fields[12]),
      reapedTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null;
  }
}

/** The ids of every process now running. */
async function pids(): Promise<string[]> {
  return (await fs.readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
}

/**
 * CPU time (ms, user + system, all threads) a process has used, from /proc/<pid>/stat; with
 * `group`, plus every process in its process group.
 */
export async function cpuMs(pid: number, options: { group?: boolean } = {}): Promise<number> {
  let ticks = 0;
  for (const entry of options.group ? await pids() : [String(pid)]) {
    const stat = await procStat(entry);
    if (stat && (Number(entry) === pid || stat.pgrp === pid)) ticks += stat.ticks;
  }
  return ticks * 10;
}

/** Resident memory (MB) of a process and everything in its process group, from /proc. */
export async function groupRssMb(pid: number): Promise<{ rss: number; hwm: number }> {
  let rss = 0;
  let hwm = 0;
  for (const entry of await pids()) {
    const stat = await procStat(entry);
    if (!stat || (stat.pgrp !== pid && Number(entry) !== pid)) continue;
    try {
      const status = await fs.readFile(`/proc/${entry}/status`, 'utf8');
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      hwm += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      // the process ended while we looked
    }
  }
  return { rss, hwm };
}

/** CPU time (ms) the bench's processes have used, by what they are (cpuByRole). */
export interface RoleCpu {
  /** The bench's own process: the clients (and the bench's samplers). */
  client: number;
  /** The fake provider's processes. */
  provider: number;
  /** The stack's process (gateway, Auth, Realtime, Storage), its Deno functions left out. */
  stack: number;
  /** The app's function (its process group). */
  fn: number;
  /** The pass-through function (its process group), when it runs. */
  passthrough: number;
  /** Every Postgres process: the backends, the WAL sender, the background workers. */
  postgres: number;
}

export const ROLES = ['client', 'provider', 'stack', 'fn', 'passthrough', 'postgres'] as const satisfies readonly (keyof RoleCpu)[];

/**
 * One look at /proc: the CPU (user + system, all threads, and that of reaped children) used so
 * far by each of the bench's processes, by role. Everything is a descendant of the bench's
 * process: Postgres processes by their name, the provider by its script, functions by their
 * process group (`fnPid`, `passthroughPid`), the stack's process and whatever else it runs.
 */
export async function cpuByRole(ids: { stackPid: number; fnPid?: number; passthroughPid?: number }): Promise<RoleCpu> {
  const procs = new Map<number, ProcStat & { provider: boolean }>();
  for (const entry of await pids()) {
    const stat = await procStat(entry);
    if (!stat) continue;
    const cmdline = stat.name === 'postgres' ? '' : await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    procs.set(Number(entry), { ...stat, provider: cmdline.includes('provider-process') });
  }
  const descends = (pid: number, root: number) => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = procs.get(p)?.ppid ?? 0, hops++) if (p === root) return true;
    return false;
  };
  const cpu: RoleCpu = { client: 0, provider: 0, stack: 0, fn: 0, passthrough: 0, postgres: 0 };
  for (const [pid, p] of procs) {
    // A child that ended and was reaped (a Postgres backend whose connection closed mid-burst)
    // counts for its parent's role.
    const ms = (p.ticks + p.reapedTicks) * 10;
    if (pid === process.pid) cpu.client += ms;
    else if (!descends(pid, process.pid)) continue;
    else if (ids.fnPid !== undefined && (p.pgrp === ids.fnPid || pid === ids.fnPid)) cpu.fn += ms;
    else if (ids.passthroughPid !== undefined && (p.pgrp === ids.passthroughPid || pid === ids.passthroughPid)) cpu.passthrough += ms;
    else if (p.name === 'postgres') cpu.postgres += ms;
    else if (p.provider) cpu.provider += ms;
    else if (descends(pid, ids.stackPid)) cpu.stack += ms;
  }
  return cpu;
}

/** What each role used between two looks, per chat (ms). */
export function cpuPerChat(before: RoleCpu, after: RoleCpu, chats: number): RoleCpu & { total: number } {
  const out = { client: 0, provider: 0, stack: 0, fn: 0, passthrough: 0, postgres: 0, total: 0 };
  for (const role of ROLES) {
    out[role] = (after[role] - before[role]) / chats;
    out.total += out[role];
  }
  return out;
}
