/**
 * Chat overhead and concurrency. Overhead: ≥ 300 streamed chats through gateway → Deno
 * function → fake provider, interleaved with the same number sent straight to the provider
 * (the baseline) and the same number through the gateway to a function with no app code
 * (bench/functions/bench-passthrough: what the path itself costs here), at the same small
 * concurrency; TTFT and total time, p50/p95/p99. Concurrency: 50, 200 and 500 chats at once
 * on the one function process, against the same burst sent straight to the provider: errors,
 * p95 TTFT (and, where the issue sets a target, the pass-through's p95 for the same burst),
 * peak memory of the Deno process group, and every user and assistant message stored exactly once.
 */
import { createApp } from '../supabase/functions/api/app.ts';
import { loadConfig } from '../supabase/functions/api/config.ts';
import { createDb } from '../supabase/functions/api/lib/db.ts';
import { functionsJwks } from '../local/src/keys/index.ts';
import { chatDirect, chatInProcess, chatPassthrough, chatThroughStack, pool, type TimedChat } from './lib/chat-client.ts';
import { groupRssMb, type BenchEnvironment } from './lib/environment.ts';
import { quantiles, round, sleep, type Figure } from './lib/stats.ts';

const OVERHEAD_REQUESTS = Number(process.env.BENCH_CHAT_REQUESTS ?? 300);
const OVERHEAD_CONCURRENCY = 4;
const SEQUENTIAL_REQUESTS = Number(process.env.BENCH_SEQUENTIAL ?? 50);
const LEVELS = (process.env.BENCH_LEVELS ?? '50,200,500,1000').split(',').map(Number);
/** Issue 9: p95 TTFT at most this many times the same burst sent direct. */
const TTFT_RATIO_TARGET: Record<number, number> = { 200: 2, 500: 3 };
/** A hosted Edge Function gets 256 MB. */
const RSS_TARGET_MB = 256;

async function apiPid(env: BenchEnvironment): Promise<number> {
  const pid = await env.stack?.functionPid('api');
  if (!pid) throw new Error('the api function is not running');
  return pid;
}

export async function benchChatOverhead(env: BenchEnvironment, log: (line: string) => void): Promise<Figure[]> {
  const stack = env.stack!;
  const users = await Promise.all(Array.from({ length: OVERHEAD_CONCURRENCY }, () => env.user()));
  const through = (i: number, label: string) =>
    chatThroughStack({ apiUrl: stack.apiUrl, apikey: stack.keys.publishableKey, token: users[i % users.length]!.token, message: `${label} ${i}` });
  const direct = (i: number, label: string) => chatDirect({ providerUrl: env.provider.url, message: `${label} ${i}` });
  const passthrough = (i: number, label: string) =>
    chatPassthrough({ apiUrl: stack.apiUrl, apikey: stack.keys.publishableKey, token: users[i % users.length]!.token, message: `${label} ${i}` });
  // The three paths take turns, so each sees the same machine.
  const paths = ['direct', 'stack', 'passthrough'] as const;
  const send = { direct, stack: through, passthrough };

  // Warm-up: boots both functions, fills connection pools and JIT caches.
  await pool(30, OVERHEAD_CONCURRENCY, (i) => send[paths[i % 3]!](i, 'warm'));

  const started = performance.now();
  const results = await pool(OVERHEAD_REQUESTS * 3, OVERHEAD_CONCURRENCY, async (i) => ({
    path: paths[i % 3]!,
    result: await send[paths[i % 3]!](i, 'overhead'),
  }));
  log(`chat overhead: ${results.length} requests at concurrency ${OVERHEAD_CONCURRENCY} in ${Math.round((performance.now() - started) / 1000)} s`);
  const of = (path: (typeof paths)[number]) => results.filter((r) => r.path === path).map((r) => r.result);
  const stackRuns = of('stack');
  const directRuns = of('direct');
  const passthroughRuns = of('passthrough');
  const failed = results.filter((r) => !r.result.ok).length;
  const ok = (runs: TimedChat[]) => runs.filter((r) => r.ok);
  const ttft = {
    stack: quantiles(ok(stackRuns).map((r) => r.ttftMs)),
    direct: quantiles(ok(directRuns).map((r) => r.ttftMs)),
    passthrough: quantiles(ok(passthroughRuns).map((r) => r.ttftMs)),
  };
  const total = { stack: quantiles(ok(stackRuns).map((r) => r.totalMs)), direct: quantiles(ok(directRuns).map((r) => r.totalMs)) };

  const group = 'chat overhead';
  const figures: Figure[] = [];
  for (const p of ['p50', 'p95', 'p99'] as const) {
    const added = ttft.stack[p] - ttft.direct[p];
    // Issue 9's targets for the time the app adds before the first token.
    const target = p === 'p50' ? 3 : p === 'p99' ? 10 : undefined;
    figures.push({
      group, name: `TTFT ${p} (added ${round(added, 1)} ms)`, unit: 'ms', value: ttft.stack[p], baseline: ttft.direct[p], baselineLabel: 'provider direct',
      ...(target !== undefined ? { target: `added ≤ ${target} ms`, met: added <= target } : {}),
    });
  }
  // The path's floor: gateway, function runtime and one provider fetch, with no app code.
  for (const p of ['p50', 'p99'] as const) {
    figures.push({
      group, name: `TTFT ${p}, pass-through function, no app code (added ${round(ttft.passthrough[p] - ttft.direct[p], 1)} ms)`, unit: 'ms',
      value: ttft.passthrough[p], baseline: ttft.direct[p], baselineLabel: 'provider direct',
      note: `the app's own share: ${round(ttft.stack[p] - ttft.passthrough[p], 1)} ms`,
    });
  }
  for (const p of ['p50', 'p95', 'p99'] as const) {
    figures.push({ group, name: `total ${p} (added ${round(total.stack[p] - total.direct[p], 1)} ms)`, unit: 'ms', value: total.stack[p], baseline: total.direct[p], baselineLabel: 'provider direct' });
  }
  // One at a time: the fixed cost of the path, without queueing behind other chats.
  const sequential = await pool(SEQUENTIAL_REQUESTS * 2, 1, (i) => (i % 2 ? through(i, 'sequential') : direct(i, 'sequential')));
  const seq = {
    stack: quantiles(sequential.filter((r, i) => i % 2 && r.ok).map((r) => r.ttftMs)),
    direct: quantiles(sequential.filter((r, i) => !(i % 2) && r.ok).map((r) => r.ttftMs)),
  };
  for (const p of ['p50', 'p99'] as const) {
    figures.push({ group, name: `TTFT ${p}, one request at a time (added ${round(seq.stack[p] - seq.direct[p], 1)} ms)`, unit: 'ms', value: seq.stack[p], baseline: seq.direct[p], baselineLabel: 'provider direct' });
  }
  // Where the added time goes: the same app called in this Node process (no gateway, no
  // Deno, no HTTP in front of it) against the same database and provider.
  const db = createDb(env.db.url, { max: 5 });
  try {
    const app = createApp(loadConfig({
      SUPABASE_URL: stack.apiUrl, SUPABASE_DB_URL: env.db.url, SUPABASE_JWKS: JSON.stringify(functionsJwks(stack.keys)),
      CREDENTIALS_ENCRYPTION_KEYS: stack.keys.credentialsEncryptionKeys, DEMO_PROVIDER_URL: env.provider.url, ALLOW_PRIVATE_PROVIDER_URLS: 'true',
      CHAT_RATE_CAPACITY: '10000000', CHAT_RATE_REFILL_PER_SECOND: '1000000',
    }), { db, log: () => {} });
    const inProcess = await pool(SEQUENTIAL_REQUESTS, 1, (i) => chatInProcess({ app, token: users[0]!.token, message: `in-process ${i}` }));
    const q = quantiles(inProcess.filter((r) => r.ok).map((r) => r.ttftMs));
    figures.push({ group, name: `TTFT p50, app in-process, one at a time (added ${round(q.p50 - seq.direct.p50, 1)} ms)`, unit: 'ms', value: q.p50, baseline: seq.direct.p50, baselineLabel: 'provider direct' });
  } finally {
    await db.end();
  }
  figures.push({ group, name: `failed requests (of ${results.length})`, unit: 'count', value: failed, baseline: null, baselineLabel: '', target: '0', met: failed === 0 });
  return figures;
}

export async function benchConcurrency(env: BenchEnvironment, log: (line: string) => void): Promise<Figure[]> {
  const stack = env.stack!;
  const figures: Figure[] = [];
  // Run alone (BENCH_ONLY=concurrency) the function has not booted yet: a few chats boot it
  // and fill its connection pool, as the chat section's warm-up does.
  const warm = await env.user();
  await pool(8, 4, (i) => chatThroughStack({ apiUrl: stack.apiUrl, apikey: stack.keys.publishableKey, token: warm.token, message: `warm ${i}` }));
  for (const n of LEVELS) {
    const group = `concurrency ${n}`;
    // Five chats per user: a person does not send 500 at once; the per-user rate-limit row
    // would otherwise serialise the whole burst.
    const users = await Promise.all(Array.from({ length: Math.ceil(n / 5) }, () => env.user()));
    // Fresh users per level: every message they own belongs to this burst.
    const label = `burst-${n}`;

    const directRuns = await Promise.all(Array.from({ length: n }, (_, i) => chatDirect({ providerUrl: env.provider.url, message: `${label} direct ${i}` })));
    await sleep(500);

    const pid = await apiPid(env);
    const idle = await groupRssMb(pid);
    let peak = idle.rss;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await groupRssMb(pid)).rss);
        await sleep(50);
      }
    })();
    const started = performance.now();
    const runs = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        chatThroughStack({ apiUrl: stack.apiUrl, apikey: stack.keys.publishableKey, token: users[i % users.length]!.token, message: `${label} ${i}` })),
    );
    const wallMs = performance.now() - started;
    sampling = false;
    await sampler;
    const after = await groupRssMb(pid);
    peak = Math.max(peak, after.rss);

    const errors = runs.filter((r) => !r.ok);
    if (errors.length) log(`${group}: ${errors.length} errors, e.g. ${errors[0]!.error}`);
    const stackTtft = quantiles(runs.filter((r) => r.ok).map((r) => r.ttftMs));
    const directTtft = quantiles(directRuns.filter((r) => r.ok).map((r) => r.ttftMs));

    // Stored exactly once: one user and one complete assistant message per chat, per session.
    const ids = users.map((u) => u.id);
    const [stored] = await env.sql<{ sessions: number; user_msgs: number; distinct_user: number; assistant_msgs: number; complete: number; bad_sessions: number }[]>`
      with mine as (select * from public.messages where user_id = any(${ids}::uuid[]))
      select count(distinct session_id)::int as sessions,
             count(*) filter (where sender = 'user')::int as user_msgs,
             count(distinct content) filter (where sender = 'user')::int as distinct_user,
             count(*) filter (where sender = 'assistant')::int as assistant_msgs,
             count(*) filter (where sender = 'assistant' and status = 'complete')::int as complete,
             (select count(*) from (select session_id from mine group by session_id
                having count(*) filter (where sender = 'user') <> 1 or count(*) filter (where sender = 'assistant') <> 1) bad)::int as bad_sessions
        from mine`;
    const exact = stored!.user_msgs === n && stored!.distinct_user === n && stored!.assistant_msgs === n && stored!.complete === n - errors.length && stored!.bad_sessions === 0;
    log(`${group}: ${Math.round(wallMs)} ms wall, p95 TTFT ${round(stackTtft.p95)} vs ${round(directTtft.p95)} ms direct, peak RSS ${round(peak)} MB (idle ${round(idle.rss)}), stored ${JSON.stringify(stored)}`);

    const ratioTarget = TTFT_RATIO_TARGET[n];
    // The same burst through the gateway to the function with no app code: the path's floor at
    // this concurrency. After the app's burst, so the app's figure is taken as it always was.
    let floor: Figure | null = null;
    if (ratioTarget) {
      await sleep(1000);
      const floorRuns = await Promise.all(Array.from({ length: n }, (_, i) =>
        chatPassthrough({ apiUrl: stack.apiUrl, apikey: stack.keys.publishableKey, token: users[i % users.length]!.token, message: `${label} passthrough ${i}` })));
      const floorTtft = quantiles(floorRuns.filter((r) => r.ok).map((r) => r.ttftMs));
      const floorErrors = floorRuns.filter((r) => !r.ok);
      if (floorErrors.length) log(`${group}: pass-through ${floorErrors.length} errors, e.g. ${floorErrors[0]!.error}`);
      floor = {
        group, name: 'p95 TTFT, pass-through function, no app code', unit: 'ms', value: floorTtft.p95, baseline: directTtft.p95, baselineLabel: `${n} direct at once`,
        note: `${floorErrors.length} errors; the app's p95 is ×${round(stackTtft.p95 / floorTtft.p95, 2)} the pass-through's`,
      };
    }
    figures.push(
      { group, name: 'errors', unit: 'count', value: errors.length, baseline: null, baselineLabel: '', target: '0', met: errors.length === 0 },
      {
        group, name: `p95 TTFT (added ${round(stackTtft.p95 - directTtft.p95, 1)} ms)`, unit: 'ms', value: stackTtft.p95, baseline: directTtft.p95, baselineLabel: `${n} direct at once`,
        ...(ratioTarget ? { target: `≤ ×${ratioTarget}`, met: stackTtft.p95 <= ratioTarget * directTtft.p95 } : {}),
      },
      ...(floor ? [floor] : []),
      {
        group, name: 'peak RSS of the Deno function', unit: 'MB', value: peak, baseline: idle.rss, baselineLabel: 'same process idle', note: `VmHWM ${round(after.hwm)} MB`,
        ...(n >= 1000 ? { target: `≤ ${RSS_TARGET_MB} MB`, met: peak <= RSS_TARGET_MB } : {}),
      },
      {
        group, name: 'messages not stored exactly once', unit: 'count',
        value: Math.abs(stored!.user_msgs - n) + Math.abs(stored!.assistant_msgs - n) + stored!.bad_sessions + (stored!.distinct_user === n ? 0 : 1),
        baseline: null, baselineLabel: '', target: '0', met: exact,
        note: `${stored!.user_msgs} user / ${stored!.assistant_msgs} assistant (${stored!.complete} complete) in ${stored!.sessions} sessions`,
      },
    );
    await sleep(1000);
  }
  return figures;
}
