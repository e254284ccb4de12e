/**
 * Live fan-out of an answer to a user's other devices: provider chunk → another device's
 * broadcast callback. N devices (official supabase-js clients, each its own WebSocket,
 * signed in as the user) join the session's private channel `session:<id>`; the fake
 * provider writes the time into every chunk it sends (`/stamp`), so each arrival gives the
 * chunk's latency however deltas are batched. Baseline in the same run: the same chunks
 * reaching the client that asked, over its own SSE stream.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { chatThroughStack } from './lib/chat-client.ts';
import type { BenchEnvironment } from './lib/environment.ts';
import { now, quantiles, round, sleep, type Figure } from './lib/stats.ts';

const LEVELS = (process.env.BENCH_BC_LEVELS ?? '1,10,100').split(',').map(Number);
const TURNS = Number(process.env.BENCH_BC_TURNS ?? 5);
const CHUNKS = Number(process.env.BENCH_BC_CHUNKS ?? 100);
/** Issue 9's targets: p50 with 10 devices, p99 with 100. */
const TARGETS: Record<string, number> = { '10:p50': 5, '100:p99': 50 };

const stampsIn = (text: string) => [...text.matchAll(/@(\d+\.\d+)/g)].map((m) => Number(m[1]));

interface Device {
  client: SupabaseClient;
  latencies: number[];
  /** Per delivered message: the latency of its newest chunk (batching delay ≤ one chunk gap). */
  freshest: number[];
  chunks: number;
  done: number;
}

function textOf(payload: unknown): string {
  if (!payload || typeof payload !== 'object') return '';
  const text = Reflect.get(payload, 'text');
  return typeof text === 'string' ? text : '';
}

async function joinDevice(apiUrl: string, key: string, token: string, sessionId: string): Promise<Device> {
  const client = createClient(apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  });
  // Private channels are authorised with the user's token (RLS on realtime.messages).
  await client.realtime.setAuth(token);
  const device: Device = { client, latencies: [], freshest: [], chunks: 0, done: 0 };
  const channel = client
    .channel(`session:${sessionId}`, { config: { private: true } })
    .on('broadcast', { event: 'delta' }, (message) => {
      const at = now();
      const stamps = stampsIn(textOf(message.payload));
      for (const stamp of stamps) {
        device.latencies.push(at - stamp);
        device.chunks += 1;
      }
      if (stamps.length) device.freshest.push(at - Math.max(...stamps));
    })
    .on('broadcast', { event: 'done' }, () => {
      device.done += 1;
    });
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(`session channel: ${status}`));
    });
  });
  return device;
}

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
  const devices: Device[] = [];
  const asker: number[] = [];
  const askerFreshest: number[] = [];
  let failed = 0;
  try {
    // Ten joins at a time, as people open their devices, not one thundering herd.
    for (let i = 0; i < n; i += 10) {
      const joined = await Promise.allSettled(Array.from({ length: Math.min(10, n - i) }, () => joinDevice(stack.apiUrl, stack.keys.publishableKey, user.token, session!.id)));
      for (const result of joined) if (result.status === 'fulfilled') devices.push(result.value);
      const refused = joined.find((result) => result.status === 'rejected');
      if (refused) throw refused.reason;
    }
    for (let turn = 0; turn < TURNS + 1; turn++) {
      const warm = turn === 0; // the first turn warms the path up and is not counted
      const run = await chatThroughStack({
        apiUrl: stack.apiUrl, apikey: stack.keys.publishableKey, token: user.token, sessionId: session!.id,
        message: `/stamp ${CHUNKS} turn ${turn}`,
        onDelta: (text, at) => {
          if (warm) return;
          const stamps = stampsIn(text);
          for (const stamp of stamps) asker.push(at - stamp);
          if (stamps.length) askerFreshest.push(at - Math.max(...stamps));
        },
      });
      if (!run.ok) failed += 1;
      // Every device has the answer's `done` before the next turn starts.
      const deadline = Date.now() + 5000;
      while (devices.some((d) => d.done < turn + 1) && Date.now() < deadline) await sleep(5);
      if (warm) for (const d of devices) Object.assign(d, { latencies: [], freshest: [], chunks: 0 });
    }
  } finally {
    await Promise.all(devices.map(async (d) => {
      await d.client.removeAllChannels();
      d.client.realtime.disconnect();
    }));
  }
  const all = devices.flatMap((d) => d.latencies);
  const q = quantiles(all);
  const base = quantiles(asker);
  const expected = TURNS * CHUNKS * n;
  const missing = expected - devices.reduce((sum, d) => sum + d.chunks, 0);
  log(`broadcast ${n} devices: p50 ${round(q.p50)} p95 ${round(q.p95)} p99 ${round(q.p99)} ms (asker's SSE ${round(base.p50)}/${round(base.p95)}/${round(base.p99)}), chunks missing ${missing} of ${expected}, failed turns ${failed}`);
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
  const fresh = quantiles(devices.flatMap((d) => d.freshest));
  const askerFresh = quantiles(askerFreshest);
  log(`broadcast ${n} devices: newest chunk of each message p50 ${round(fresh.p50)} p99 ${round(fresh.p99)} ms (asker's SSE ${round(askerFresh.p50)}/${round(askerFresh.p99)})`);
  for (const p of ['p50', 'p99'] as const) {
    figures.push({ group, name: `newest chunk of each message → callback ${p} (delivery without batching)`, unit: 'ms', value: fresh[p], baseline: askerFresh[p], baselineLabel: "the asker's own SSE stream" });
  }
  figures.push({
    group, name: `chunks not delivered (of ${expected})`, unit: 'count', value: missing, baseline: null, baselineLabel: '', target: '0', met: missing === 0 && failed === 0,
    note: `failed turns: ${failed}`,
  });
  return figures;
}
