/**
 * Live fan-out of an answer to a user's other devices: provider chunk → another device's
 * broadcast callback. N devices (official supabase-js clients, each its own WebSocket,
 * signed in as the user) join the session's private channel `session:<id>`; the fake
 * provider writes the time into every chunk it sends (`/stamp`), so each arrival gives the
 * chunk's latency however deltas are batched. Baseline in the same run: the same chunks
 * reaching the client that asked, over its own SSE stream.
 *
 * The devices run in their own processes (lib/device-process.ts, BENCH_BC_DEVICES_PER_PROCESS
 * each, 25 by default), because a user's other devices are other machines. Until 2026-12-01
 * they ran on the benchmark's event loop, beside the gateway, local Realtime and the asker,
 * and every callback waited for that loop (with 100 devices, 100 more frames to read per
 * event); BENCH_BC_DEVICES_PER_PROCESS=0 still measures that way, for comparison. The
 * asker's SSE stream is read here, as before. Stamps and arrivals are read from the
 * machine's monotonic clock (stats.ts `monotonicNow`), which every process shares.
 */
import { chatThroughStack } from './lib/chat-client.ts';
import { joinDevicesHere, spawnDevices, type DeviceGroup } from './lib/device-process.ts';
import type { BenchEnvironment } from './lib/environment.ts';
import { monotonicNow, quantiles, round, sleep, type Figure } from './lib/stats.ts';

const LEVELS = (process.env.BENCH_BC_LEVELS ?? '1,10,100').split(',').map(Number);
const TURNS = Number(process.env.BENCH_BC_TURNS ?? 5);
const CHUNKS = Number(process.env.BENCH_BC_CHUNKS ?? 100);
const PER_PROCESS = Number(process.env.BENCH_BC_DEVICES_PER_PROCESS ?? 25);
/** Issue 9's targets: p50 with 10 devices, p99 with 100. */
const TARGETS: Record<string, number> = { '10:p50': 5, '100:p99': 50 };

const stampsIn = (text: string) => [...text.matchAll(/@(\d+\.\d+)/g)].map((m) => Number(m[1]));

export async function benchBroadcast(env: BenchEnvironment, log: (line: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of LEVELS) {
    try {
      figures.push(...(await benchLevel(env, n, log)));
    } catch (error) {
      // A stack without private broadcast channels cannot be measured; say so in the table.
      const message = error instanceof Error ? error.message : String(error);
      log(`broadcast ${n} devices: not measured: ${message}`);
      figures.push({ group: `broadcast (${n} device${n === 1 ? '' : 's'})`, name: 'not measured', unit: 'count', value: 1, baseline: null, baselineLabel: '', target: '0', met: false, note: message });
    }
    await sleep(500);
  }
  return figures;
}

async function benchLevel(env: BenchEnvironment, n: number, log: (line: string) => void): Promise<Figure[]> {
  const stack = env.stack!;
  const figures: Figure[] = [];
  const user = await env.user();
  const [session] = await env.sql<{ id: string }[]>`
    insert into public.chat_sessions (user_id, title) values (${user.id}, ${`broadcast bench ${n}`}) returning id`;
  const groups: DeviceGroup[] = [];
  const asker: number[] = [];
  /** The asker's latency per chunk stamp. */
  const askerByStamp = new Map<number, number>();
  const askerFreshest: number[] = [];
  let failed = 0;
  let samples = { latencies: [] as number[], stamps: [] as number[], freshest: [] as number[], chunks: [] as number[] };
  try {
    const devices = { apiUrl: stack.apiUrl, key: stack.keys.publishableKey, token: user.token, sessionId: session!.id };
    if (PER_PROCESS > 0) for (let i = 0; i < n; i += PER_PROCESS) groups.push(await spawnDevices({ ...devices, count: Math.min(PER_PROCESS, n - i) }));
    else groups.push(await joinDevicesHere({ ...devices, count: n }));
    for (let turn = 0; turn < TURNS + 1; turn++) {
      const warm = turn === 0; // the first turn warms the path up and is not counted
      const run = await chatThroughStack({
        apiUrl: stack.apiUrl, apikey: stack.keys.publishableKey, token: user.token, sessionId: session!.id,
        message: `/stamp ${CHUNKS} turn ${turn}`,
        onDelta: (text) => {
          const at = monotonicNow();
          if (warm) return;
          const stamps = stampsIn(text);
          for (const stamp of stamps) {
            asker.push(at - stamp);
            askerByStamp.set(stamp, at - stamp);
          }
          if (stamps.length) askerFreshest.push(at - Math.max(...stamps));
        },
      });
      if (!run.ok) failed += 1;
      // Every device has the answer's `done` before the next turn starts.
      const deadline = Date.now() + 5000;
      while (groups.some((g) => g.done.some((d) => d < turn + 1)) && Date.now() < deadline) await sleep(5);
      if (warm) for (const g of groups) g.reset();
    }
    const collected = await Promise.all(groups.map((g) => g.collect()));
    samples = { latencies: collected.flatMap((c) => c.latencies), stamps: collected.flatMap((c) => c.stamps), freshest: collected.flatMap((c) => c.freshest), chunks: collected.flatMap((c) => c.chunks) };
  } finally {
    await Promise.all(groups.map((g) => g.stop()));
  }
  const q = quantiles(samples.latencies);
  const base = quantiles(asker);
  const expected = TURNS * CHUNKS * n;
  const missing = expected - samples.chunks.reduce((sum, c) => sum + c, 0);
  const where = PER_PROCESS > 0 ? `${groups.length} device process${groups.length === 1 ? '' : 'es'}` : 'devices in the bench process';
  log(`broadcast ${n} devices (${where}): p50 ${round(q.p50)} p95 ${round(q.p95)} p99 ${round(q.p99)} ms (asker's SSE ${round(base.p50)}/${round(base.p95)}/${round(base.p99)}), chunks missing ${missing} of ${expected}, failed turns ${failed}`);
  const group = `broadcast (${n} device${n === 1 ? '' : 's'})`;
  for (const p of ['p50', 'p95', 'p99'] as const) {
    const target = TARGETS[`${n}:${p}`];
    figures.push({
      group, name: `provider chunk → broadcast callback ${p}`, unit: 'ms', value: q[p], baseline: base[p], baselineLabel: "the asker's own SSE stream",
      ...(target !== undefined ? { target: `≤ ${target} ms`, met: q[p] <= target } : {}),
    });
  }
  // Diagnostic, no target: the newest chunk of each message waited at most one chunk gap
  // (5 ms) for its batch, so this is the delivery path alone, without the batching wait.
  const fresh = quantiles(samples.freshest);
  const askerFresh = quantiles(askerFreshest);
  log(`broadcast ${n} devices: newest chunk of each message p50 ${round(fresh.p50)} p99 ${round(fresh.p99)} ms (asker's SSE ${round(askerFresh.p50)}/${round(askerFresh.p99)})`);
  for (const p of ['p50', 'p99'] as const) {
    figures.push({ group, name: `newest chunk of each message → callback ${p} (delivery without batching)`, unit: 'ms', value: fresh[p], baseline: askerFresh[p], baselineLabel: "the asker's own SSE stream" });
  }
  // Diagnostic, no target: what the broadcast path adds to the same chunk's trip to the asker
  // (both leave the function when the unit is cut), so the load both share cancels out.
  const added = quantiles(samples.latencies.flatMap((latency, i) => {
    const mine = askerByStamp.get(samples.stamps[i]!);
    return mine === undefined ? [] : [latency - mine];
  }));
  log(`broadcast ${n} devices: device − asker for the same chunk p50 ${round(added.p50)} p95 ${round(added.p95)} p99 ${round(added.p99)} ms`);
  for (const p of ['p50', 'p99'] as const) {
    figures.push({ group, name: `same chunk: device callback − asker's SSE ${p} (what broadcast adds)`, unit: 'ms', value: added[p], baseline: null, baselineLabel: '' });
  }
  figures.push({
    group, name: `chunks not delivered (of ${expected})`, unit: 'count', value: missing, baseline: null, baselineLabel: '', target: '0', met: missing === 0 && failed === 0,
    note: `failed turns: ${failed}`,
  });
  return figures;
}
