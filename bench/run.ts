/**
 * `npm run bench`: every figure of issues 6 and 9, each next to a baseline measured in the
 * same run, printed as a table and written to bench/results/<YYYY-MM-DD>.json. Not part of
 * `npm test`. Start-up first (it starts and stops its own stacks), then one stack on a
 * dedicated embedded Postgres for chat, concurrency, history, realtime, broadcast, WAL and
 * cut clients.
 *
 * Knobs (env): BENCH_CHAT_REQUESTS (300), BENCH_LEVELS (50,200,500,1000), BENCH_CONCURRENCY_ROUNDS (3),
 * BENCH_HISTORY_ITERATIONS (200), BENCH_RT_LEVELS (1,10,100), BENCH_RT_INSERTS (100),
 * BENCH_BC_LEVELS (1,10,100), BENCH_BC_TURNS (5), BENCH_BC_CHUNKS (100), BENCH_BC_DEVICES_PER_PROCESS
 * (25; 0 = devices in this process), BENCH_WAL_TOKENS
 * (4000), BENCH_WAL_RATE (chunks a second; the provider's 200), BENCH_WAL_ANSWERS (3), BENCH_WAL_POOL_WARMUPS (10), BENCH_CPU_TOKENS (1000), BENCH_CPU_ANSWERS (3), BENCH_CUT_CLIENTS (100),
 * BENCH_ONLY (comma list of startup,chat,concurrency,history,realtime,broadcast,wal,cpu,cut), BENCH_DEBUG=1 for the stack's logs,
 * BENCH_STACK_IN_PROCESS=1 to run the stack inside this process (lib/environment.ts),
 * BENCH_BROADCAST_MIN_INTERVAL_MS, BENCH_BROADCAST_SOCKET_CHANNELS and BENCH_BROADCAST_JOINS_PER_SECOND
 * to set the function's CHAT_BROADCAST_MIN_INTERVAL_MS, CHAT_BROADCAST_SOCKET_CHANNELS and CHAT_BROADCAST_JOINS_PER_SECOND.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchChatOverhead, benchConcurrency } from './chat.ts';
import { benchHistory, loadHistory } from './history.ts';
import { PROSE_FILE, PROVIDER, startBenchEnvironment } from './lib/environment.ts';
import { formatTable, ratio, round, type Figure } from './lib/stats.ts';
import { benchBroadcast } from './broadcast.ts';
import { benchRealtime } from './realtime.ts';
import { benchStartup } from './startup.ts';
import { benchAnswerCpu, benchCutClients, benchWal } from './turns.ts';

const only = new Set((process.env.BENCH_ONLY ?? 'startup,chat,concurrency,history,realtime,broadcast,wal,cpu,cut').split(','));
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main() {
  const started = performance.now();
  // Other work on the machine skews every figure; the load is recorded with the results.
  const loadBefore = os.loadavg().map((v) => round(v, 2));
  const figures: Figure[] = [];
  if (only.has('startup')) figures.push(...(await benchStartup(log)));

  const env = await startBenchEnvironment(log);
  let postgresVersion = '';
  try {
    postgresVersion = (await env.sql<{ v: string }[]>`select current_setting('server_version') as v`)[0]!.v;
    const history = only.has('history') ? await loadHistory(env.sql, log) : null;
    await env.startStack();
    if (only.has('chat')) figures.push(...(await benchChatOverhead(env, log)));
    if (only.has('concurrency')) figures.push(...(await benchConcurrency(env, log)));
    if (history) figures.push(...(await benchHistory(env, history, log)));
    if (only.has('realtime')) figures.push(...(await benchRealtime(env, log)));
    if (only.has('broadcast')) figures.push(...(await benchBroadcast(env, log)));
    if (only.has('wal')) figures.push(...(await benchWal(env, log)));
    if (only.has('cpu')) figures.push(...(await benchAnswerCpu(env, log)));
    if (only.has('cut')) figures.push(...(await benchCutClients(env, log)));
  } finally {
    await env.stop();
  }

  const totalSeconds = Math.round((performance.now() - started) / 1000);
  console.log(`\n${formatTable(figures)}\n`);
  console.log(`bench finished in ${totalSeconds} s (load average before ${loadBefore.join(' ')}, after ${os.loadavg().map((v) => round(v, 2)).join(' ')})`);

  const date = new Date().toISOString().slice(0, 10);
  // A partial run (BENCH_ONLY) must not replace the day's full result.
  const suffix = process.env.BENCH_ONLY ? `.${[...only].join('-')}` : '';
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', `${date}${suffix}.json`);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const cpus = os.cpus();
  const result = {
    date: new Date().toISOString(),
    durationSeconds: totalSeconds,
    machine: { cpus: cpus.length, model: cpus[0]?.model ?? '', memoryGb: round(os.totalmem() / 2 ** 30, 1), node: process.version, postgres: postgresVersion, platform: `${os.platform()} ${os.release()}`, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg().map((v) => round(v, 2)) },
    settings: { provider: { ...PROVIDER, proseFile: PROSE_FILE }, only: [...only], env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_'))) },
    figures: figures.map((f) => ({ ...f, value: round(f.value, 3), baseline: f.baseline === null ? null : round(f.baseline, 3), ratio: ratio(f) === null ? null : round(ratio(f)!, 3) })),
  };
  await fs.writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written to ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
