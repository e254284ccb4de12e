/**
 * What a chat turn costs the database and whether it survives its client. WAL: the bytes
 * Postgres writes (pg_current_wal_lsn before and after) for one long answer, against the
 * answer's own size (a design that rewrites the whole answer on every progress write grows
 * with its square). Cut clients: many chats whose clients go away right after the first
 * token; every answer must still be stored `complete`.
 */
import { chatPassthrough, chatThroughStack, pool } from './lib/chat-client.ts';
import { cpuMs, type BenchEnvironment } from './lib/environment.ts';
import { quantiles, round, sleep, type Figure } from './lib/stats.ts';

const WAL_TOKENS = Number(process.env.BENCH_WAL_TOKENS ?? 4000);
/**
 * The measured answers' pace, chunks a second (default: the bench provider's, 200 a second).
 * An answer checkpoints every 2 s, so a slower answer writes more, smaller checkpoints: 40 for
 * 4,000 tokens at 50 a second (a hosted model's pace), each under Postgres's 2 kB compression
 * threshold. The warm-ups keep the provider's pace.
 */
const WAL_RATE = process.env.BENCH_WAL_RATE ? Number(process.env.BENCH_WAL_RATE) : null;
const WAL_ANSWERS = Number(process.env.BENCH_WAL_ANSWERS ?? 5);
/** Shorter answers before the warm-up answer: twice the function's pool (db.ts, 5 connections). */
const WAL_POOL_WARMUPS = Number(process.env.BENCH_WAL_POOL_WARMUPS ?? 10);
const CUT_CLIENTS = Number(process.env.BENCH_CUT_CLIENTS ?? 100);
const CPU_TOKENS = Number(process.env.BENCH_CPU_TOKENS ?? 1000);
const CPU_ANSWERS = Number(process.env.BENCH_CPU_ANSWERS ?? 3);
const WAL_RATIO_TARGET = 3;

/** Waits until none of these users' answers is still `streaming` (or the deadline passes). */
async function settled(env: BenchEnvironment, userIds: string[], deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const [row] = await env.sql<{ running: number }[]>`
      select count(*)::int as running from public.messages
       where user_id = any(${userIds}::uuid[]) and sender = 'assistant' and status = 'streaming'`;
    if (row!.running === 0) return;
    await sleep(100);
  }
}

/**
 * Waits (at most `limitMs`) until no autovacuum worker runs: pg_current_wal_lsn() counts every
 * WAL byte, and after the history load and the bursts autovacuum of those tables writes
 * hundreds of kB a second that are not the answer's. Returns how long it waited.
 */
async function autovacuumIdle(env: BenchEnvironment, limitMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    const [row] = await env.sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`;
    if (row!.n === 0) break;
    await sleep(200);
  }
  return Date.now() - started;
}

export async function benchWal(env: BenchEnvironment, log: (line: string) => void): Promise<Figure[]> {
  // Autovacuum of the history tables and the bursts' rows would write into the same window
  // (pg_walinspect showed PRUNE_VACUUM/Btree VACUUM/INPLACE records worth 0.5 MB in one
  // answer's window): it is paused for this section and restored after.
  await env.sql`alter system set autovacuum = off`;
  await env.sql`select pg_reload_conf()`;
  try {
    return await measureWal(env, log);
  } finally {
    await env.sql`alter system reset autovacuum`;
    await env.sql`select pg_reload_conf()`;
  }
}

/**
 * Waits (at most 20 s) until every logical slot's catalog_xmin has passed the transactions begun
 * so far: a slot advances it once it has decoded a running-transactions record past them
 * (written now, pg_log_standby_snapshot) and its client has confirmed that position.
 */
async function catalogHorizonPassed(env: BenchEnvironment): Promise<number> {
  const started = Date.now();
  const [{ xid }] = await env.sql<{ xid: string }[]>`select pg_current_xact_id()::text as xid`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    await env.sql`select pg_log_standby_snapshot()`;
    const [{ behind }] = await env.sql<{ behind: number }[]>`
      select count(*)::int as behind from pg_replication_slots
       where slot_type = 'logical' and catalog_xmin is not null and catalog_xmin::text::bigint <= ${xid}::bigint`;
    if (behind === 0 || Date.now() > deadline) return Date.now() - started;
    await sleep(200);
  }
}

async function measureWal(env: BenchEnvironment, log: (line: string) => void): Promise<Figure[]> {
  const stack = env.stack!;
  const user = await env.user();
  const samples: { wal: number; answer: number; fpi: number }[] = [];
  // Where each answer's bytes went: records, and full-page images (pg_walinspect, Postgres 16+).
  await env.sql`create extension if not exists pg_walinspect`;
  const waitedMs = await autovacuumIdle(env, 120_000);
  let warmUp = 0;
  const walLsn = async () => (await env.sql<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`)[0]!.lsn;
  /** One answer, streamed to its end and settled in the database; its session's id. */
  const answer = async (message: string) => {
    const run = await chatThroughStack({ apiUrl: stack.apiUrl, apikey: stack.keys.publishableKey, token: user.token, message });
    if (!run.ok || !run.sessionId) throw new Error(`the WAL answer "${message}" failed: ${run.error}`);
    await settled(env, [user.id], 30_000 + (WAL_RATE ? (WAL_TOKENS / WAL_RATE) * 1000 : 0));
    return run.sessionId;
  };
  // Steady state: after a checkpoint the first write to each page logs the whole page (8 kB);
  // a warm-up answer (not counted) pays that once, as one answer per checkpoint interval does
  // in production, and the answers measured after it write what a turn writes.
  // Dead catalog rows from before the section were pruned when a measured answer's statements
  // read their pages, each prune a page image in that answer (pg_statistic and pg_proc,
  // 2–13 kB); autovacuum would have removed them, but it is paused here, so they go now. A
  // logical replication slot (local Realtime's) keeps dead catalog rows until its catalog_xmin
  // has passed them, so the VACUUM first waits for that: until then it left pg_proc pages whose
  // rows were removable a moment later, and the first answer paid their prune (2.8 + 4.3 kB).
  log(`wal: the slots' catalog horizon passed the transactions so far in ${await catalogHorizonPassed(env)} ms`);
  const catalogs = await env.sql<{ name: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'pg_catalog' and c.relkind = 'r' order by 1`;
  await env.sql.unsafe(`vacuum ${catalogs.map((c) => c.name).join(', ')}`);
  await env.sql`checkpoint`;
  // The function's statements go round its pool's connections, and each backend inserts into
  // a page of its own and plans its statements on first use (reading, and so pruning, catalog
  // pages). One warm-up answer covered one backend: each measured answer then paid another
  // backend's first writes (pg_walinspect: a page each of messages, chat_sessions, chat_turns
  // and prompt_usage_logs, and pg_statistic pages, 5–36 kB per answer). Shorter answers first,
  // long enough for a checkpoint chunk (2.5 s), so that every backend has written and planned
  // each of a turn's statements since the checkpoint, as in a steady stream.
  const poolStart = await walLsn();
  for (let k = 0; k < WAL_POOL_WARMUPS; k++) await answer(`/prose 500 wal pool warm-up ${k}`);
  const [poolWal] = await env.sql<{ wal: string }[]>`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${poolStart}::pg_lsn)::text as wal`;
  log(`wal: ${WAL_POOL_WARMUPS} 500-token warm-up answers right after the CHECKPOINT (not counted): ${poolWal!.wal} WAL bytes`);
  for (let i = -1; i < WAL_ANSWERS; i++) {
    const before = await walLsn();
    const sessionId = await answer(`/prose ${WAL_TOKENS}${WAL_RATE ? ` at ${WAL_RATE}/s` : ''} wal ${i}`);
    const after = await walLsn();
    const [row] = await env.sql<{ wal: string; answer: number; status: string }[]>`
      select pg_wal_lsn_diff(${after}::pg_lsn, ${before}::pg_lsn)::text as wal, octet_length(content) as answer, status
        from public.messages where session_id = ${sessionId} and sender = 'assistant'`;
    if (!row) throw new Error('the WAL answer was not stored');
    const [split] = await env.sql<{ fpi: string }[]>`
      select coalesce(sum(fpi_size), 0)::text as fpi from pg_get_wal_stats(${before}::pg_lsn, ${after}::pg_lsn, false)`;
    const fpi = Number(split!.fpi);
    log(`wal: ${i < 0 ? 'warm-up answer (not counted)' : `answer ${i + 1}`}: ${row.answer} bytes (${row.status}), ${row.wal} WAL bytes (×${round(Number(row.wal) / row.answer)}), of which full-page images ${fpi}`);
    if (process.env.BENCH_WALINSPECT) {
      // Records by type, then blocks and full-page images by relation.
      const stats = await env.sql`select "resource_manager/record_type" as t, count, record_size, fpi_size, combined_size from pg_get_wal_stats(${before}::pg_lsn, ${after}::pg_lsn, true) where count > 0 order by combined_size desc limit 25`;
      for (const r of stats) log(`  ${r.t} n=${r.count} rec=${r.record_size} fpi=${r.fpi_size} all=${r.combined_size}`);
      const rels = await env.sql`select b.relfilenode, coalesce(t.relname || ' (toast)', c.relname) as relname, count(*) n, sum(b.block_data_length) data, sum(b.block_fpi_length) fpi from pg_get_wal_block_info(${before}::pg_lsn, ${after}::pg_lsn) b left join pg_class c on c.oid = pg_filenode_relation(b.reltablespace, b.relfilenode) left join pg_class t on t.reltoastrelid = c.oid group by 1,2 order by sum(b.block_data_length) + sum(b.block_fpi_length) desc limit 25`;
      for (const r of rels) log(`  rel ${r.relname ?? r.relfilenode} blocks=${r.n} data=${r.data} fpi=${r.fpi}`);
      const fpis = await env.sql`select coalesce(t.relname || ' (toast)', c.relname) as relname, b.relblocknumber as blk, b.record_type as t, b.block_fpi_length as fpi from pg_get_wal_block_info(${before}::pg_lsn, ${after}::pg_lsn) b left join pg_class c on c.oid = pg_filenode_relation(b.reltablespace, b.relfilenode) left join pg_class t on t.reltoastrelid = c.oid where b.block_fpi_length > 0 order by b.start_lsn`;
      log(`  fpi blocks: ${fpis.map((r) => `${r.relname}#${r.blk}:${r.t}:${r.fpi}`).join(' ')}`);
    }
    if (i < 0) {
      warmUp = Number(row.wal);
      continue;
    }
    samples.push({ wal: Number(row.wal), answer: row.answer, fpi });
  }
  // The median answer: the first may pay for pages touched the first time after a checkpoint.
  const median = [...samples].sort((a, b) => a.wal / a.answer - b.wal / b.answer)[Math.floor(samples.length / 2)]!;
  return [{
    group: 'turn durability', name: `WAL bytes per ${WAL_TOKENS}-token answer${WAL_RATE ? ` at ${WAL_RATE} tokens/s` : ''} (median of ${samples.length})`, unit: 'bytes',
    value: median.wal, baseline: median.answer, baselineLabel: "the answer's own bytes",
    target: `≤ ×${WAL_RATIO_TARGET}`, met: median.wal <= WAL_RATIO_TARGET * median.answer,
    note: `${samples.map((s) => `${s.wal}/${s.answer}`).join(', ')}; after a CHECKPOINT, ${WAL_POOL_WARMUPS} 500-token warm-up answers (${poolWal!.wal} bytes) and a long one (${warmUp} bytes); autovacuum paused (waited ${Math.round(waitedMs / 1000)} s for running workers)`,
  }, {
    // The same median answer without the images of pages written the first time since the
    // checkpoint: what the turn's own records cost, which does not depend on where the
    // free-space map put its rows (earlier sections leave room in pages all over the tables).
    group: 'turn durability', name: `… of which records, without full-page images`, unit: 'bytes',
    value: median.wal - median.fpi, baseline: median.answer, baselineLabel: "the answer's own bytes",
    note: `full-page images per answer: ${samples.map((s) => s.fpi).join(', ')} bytes`,
  }];
}

/**
 * The CPU one answer costs the function, against the same answer through the pass-through
 * function (bench/functions/bench-passthrough: no app code): a hosted Edge Function has a CPU
 * time budget per request (https://supabase.com/docs/guides/functions/limits, "Maximum CPU
 * Time"), so the cost per streamed token bounds how long an answer a hosted worker can carry.
 * One answer at a time, app and pass-through interleaved; CPU from /proc (all threads of the
 * function's process), and of the stack's own process (gateway, Realtime), which serves the
 * turn's Realtime broadcasts locally and hosted Supabase serves elsewhere.
 */
export async function benchAnswerCpu(env: BenchEnvironment, log: (line: string) => void): Promise<Figure[]> {
  const stack = env.stack!;
  const user = await env.user();
  const common = { apiUrl: stack.apiUrl, apikey: stack.keys.publishableKey, token: user.token };
  const app = (message: string) => chatThroughStack({ ...common, message });
  const passthrough = (message: string) => chatPassthrough({ ...common, message });
  // Both functions booted and their connections open before the first measured answer.
  await app('/tokens 200 cpu warm-up');
  await passthrough('/tokens 200 cpu warm-up');
  const appPid = await stack.functionPid('api');
  const passPid = await stack.functionPid('bench-passthrough');
  if (!appPid || !passPid) throw new Error('the api or bench-passthrough function is not running');
  const samples = { app: [] as number[], passthrough: [] as number[], appStack: [] as number[], passStack: [] as number[] };
  for (let i = 0; i < CPU_ANSWERS; i++) {
    for (const path of ['app', 'passthrough'] as const) {
      const pid = path === 'app' ? appPid : passPid;
      await sleep(500);
      const before = { fn: await cpuMs(pid, { group: true }), stack: await cpuMs(stack.pid) };
      const run = await (path === 'app' ? app : passthrough)(`/tokens ${CPU_TOKENS} cpu ${i}`);
      if (!run.ok) throw new Error(`the ${path} answer failed: ${run.error}`);
      // The turn's last writes (final row, usage) and broadcasts come after the stream's end.
      if (path === 'app') await settled(env, [user.id], 30_000);
      await sleep(500);
      const fn = (await cpuMs(pid, { group: true })) - before.fn;
      const stackMs = (await cpuMs(stack.pid)) - before.stack;
      samples[path].push(fn);
      samples[path === 'app' ? 'appStack' : 'passStack'].push(stackMs);
      log(`cpu: ${path} answer ${i + 1} (${CPU_TOKENS} tokens, ${Math.round(run.totalMs)} ms): function ${fn} ms, stack process ${stackMs} ms`);
    }
  }
  const median = (values: number[]) => quantiles(values).p50;
  const perThousand = (ms: number) => round((ms * 1000) / CPU_TOKENS, 0);
  return [{
    group: 'turn cost', name: `function CPU per ${CPU_TOKENS}-token answer (median of ${CPU_ANSWERS})`, unit: 'ms',
    value: median(samples.app), baseline: median(samples.passthrough), baselineLabel: 'pass-through function, same answer',
    note: `app ${samples.app.join(' / ')} ms, pass-through ${samples.passthrough.join(' / ')} ms (${perThousand(median(samples.app))} and ${perThousand(median(samples.passthrough))} ms per 1,000 tokens; one answer at a time, the provider sends a token every 5 ms)`,
  }, {
    group: 'turn cost', name: `… the stack's process (gateway, Realtime) for that answer`, unit: 'ms',
    value: median(samples.appStack), baseline: median(samples.passStack), baselineLabel: 'pass-through function, same answer',
    note: `app ${samples.appStack.join(' / ')} ms, pass-through ${samples.passStack.join(' / ')} ms`,
  }];
}

export async function benchCutClients(env: BenchEnvironment, log: (line: string) => void): Promise<Figure[]> {
  const stack = env.stack!;
  // Five chats per user, as in the concurrency bench.
  const users = await Promise.all(Array.from({ length: Math.ceil(CUT_CLIENTS / 5) }, () => env.user()));
  const started = performance.now();
  const runs = await pool(CUT_CLIENTS, CUT_CLIENTS, (i) =>
    chatThroughStack({ apiUrl: stack.apiUrl, apikey: stack.keys.publishableKey, token: users[i % users.length]!.token, message: `cut ${i}`, cutAfterFirstDelta: true }));
  const cut = runs.filter((r) => r.ok).length;
  const ids = users.map((u) => u.id);
  await settled(env, ids, 60_000);
  const settleMs = performance.now() - started;
  const rows = await env.sql<{ status: string; n: number }[]>`
    select status, count(*)::int as n from public.messages
     where user_id = any(${ids}::uuid[]) and sender = 'assistant' group by status`;
  const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const complete = by.complete ?? 0;
  const [lengths] = await env.sql<{ short: number }[]>`
    select count(*) filter (where status = 'complete' and char_length(content) < 50)::int as short
      from public.messages where user_id = any(${ids}::uuid[]) and sender = 'assistant'`;
  log(`cut clients: ${cut} of ${CUT_CLIENTS} cut after their first token; stored ${JSON.stringify(by)} within ${Math.round(settleMs)} ms; ttft p50 ${round(quantiles(runs.filter((r) => r.ok).map((r) => r.ttftMs)).p50)} ms`);
  return [{
    group: 'turn durability', name: `answers not stored complete after ${CUT_CLIENTS} clients cut mid-answer`, unit: 'count',
    value: CUT_CLIENTS - complete, baseline: null, baselineLabel: '', target: '0', met: complete === CUT_CLIENTS && cut === CUT_CLIENTS,
    note: `clients cut after their first token: ${cut}; stored ${JSON.stringify(by)}; complete but shorter than the full answer: ${lengths!.short}`,
  }];
}
