/**
 * Broadcast "devices" in their own Node process: official supabase-js clients, each with its
 * own WebSocket, joined to a session's private channel. A user's other devices are other
 * machines; in the benchmark's process their callbacks would queue behind the gateway, local
 * Realtime and the function's traffic on one event loop, and the bench would measure that
 * queue. Here they have an event loop of their own, as the fake provider does.
 *
 * Each `delta` callback takes the machine's monotonic clock first (stats.ts `monotonicNow`,
 * the clock the provider stamps chunks with) and records arrival − stamp for every chunk the
 * message carries; at start the parent checks that the child's reading of that clock falls
 * between its own readings before and after asking. The parent talks to the process over
 * IPC: `done` counts as they happen, the samples when asked.
 *
 *   const group = await spawnDevices({ apiUrl, key, token, sessionId, count: 25 });
 *   group.reset(); … await group.collect(); await group.stop();
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { monotonicNow } from './stats.ts';

export interface DeviceOptions {
  apiUrl: string;
  key: string;
  token: string;
  sessionId: string;
  count: number;
}

export interface DeviceSamples {
  /** Every chunk: callback time − the provider's stamp (ms). */
  latencies: number[];
  /** The stamp of each of `latencies` (to line a chunk up with the asker's copy). */
  stamps: number[];
  /** Per delivered message: the latency of its newest chunk. */
  freshest: number[];
  /** Chunks received, per device. */
  chunks: number[];
}

type ToChild = { type: 'ping' } | { type: 'reset' } | { type: 'collect' } | { type: 'stop' };
type FromChild =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'pong'; at: number }
  | { type: 'done'; device: number }
  | ({ type: 'samples' } & DeviceSamples);

export interface DeviceGroup {
  /** `done` events seen so far, per device of this group. */
  readonly done: number[];
  /** Forgets the samples so far (after a warm-up turn). */
  reset(): void;
  collect(): Promise<DeviceSamples>;
  stop(): Promise<void>;
}

export async function spawnDevices(options: DeviceOptions): Promise<DeviceGroup> {
  // tsx as an import hook in a plain node process (`node --import tsx`), with an IPC channel.
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const done = Array.from({ length: options.count }, () => 0);
  let waiting: ((message: FromChild) => void) | null = null;
  const next = (type: FromChild['type']) => new Promise<FromChild>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`device process exited (${code})`));
    child.once('exit', onExit);
    waiting = (message) => {
      if (message.type !== type && message.type !== 'failed') return;
      waiting = null;
      child.off('exit', onExit);
      if (message.type === 'failed') reject(new Error(message.message));
      else resolve(message);
    };
  });
  child.on('message', (message: FromChild) => {
    if (message.type === 'done') done[message.device]! += 1;
    else waiting?.(message);
  });
  const send = (message: ToChild) => child.send(message);
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    send({ type: 'stop' });
  });
  try {
    await next('ready');
    // The clocks must agree: the child's reading has to fall between our send and its answer.
    const before = monotonicNow();
    const pongAt = next('pong');
    send({ type: 'ping' });
    const pong = await pongAt;
    const after = monotonicNow();
    if (pong.type !== 'pong' || pong.at < before || pong.at > after) throw new Error(`device clock disagrees: ${before} ≤ ${pong.type === 'pong' ? pong.at : '?'} ≤ ${after} fails`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    done,
    reset: () => send({ type: 'reset' }),
    async collect() {
      const samples = next('samples');
      send({ type: 'collect' });
      const message = await samples;
      return message.type === 'samples' ? { latencies: message.latencies, stamps: message.stamps, freshest: message.freshest, chunks: message.chunks } : { latencies: [], stamps: [], freshest: [], chunks: [] };
    },
    stop,
  };
}

// ---- the device process ----

const stampsIn = (text: string) => [...text.matchAll(/@(\d+\.\d+)/g)].map((m) => Number(m[1]));

function textOf(payload: unknown): string {
  if (!payload || typeof payload !== 'object') return '';
  const text = Reflect.get(payload, 'text');
  return typeof text === 'string' ? text : '';
}

interface Devices {
  reset(): void;
  samples(): DeviceSamples;
  stop(): Promise<void>;
}

/** Joins `count` devices; `onDone(device)` on every `done` event. */
async function joinDevices(options: DeviceOptions, onDone: (device: number) => void): Promise<Devices> {
  let samples: DeviceSamples = { latencies: [], stamps: [], freshest: [], chunks: Array.from({ length: options.count }, () => 0) };
  const clients: SupabaseClient[] = [];
  const join = async (device: number) => {
    const client = createClient(options.apiUrl, options.key, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: WebSocket as never },
    });
    clients.push(client);
    // Private channels are authorised with the user's token (RLS on realtime.messages).
    await client.realtime.setAuth(options.token);
    const channel = client
      .channel(`session:${options.sessionId}`, { config: { private: true } })
      .on('broadcast', { event: 'delta' }, (message) => {
        const at = monotonicNow();
        const stamps = stampsIn(textOf(message.payload));
        for (const stamp of stamps) {
          samples.latencies.push(at - stamp);
          samples.stamps.push(stamp);
        }
        samples.chunks[device]! += stamps.length;
        if (stamps.length) samples.freshest.push(at - Math.max(...stamps));
      })
      .on('broadcast', { event: 'done' }, () => onDone(device));
    await new Promise<void>((resolve, reject) => {
      channel.subscribe((status, error) => {
        if (status === 'SUBSCRIBED') resolve();
        else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(`session channel: ${status}`));
      });
    });
  };
  const devices: Devices = {
    reset: () => {
      samples = { latencies: [], stamps: [], freshest: [], chunks: samples.chunks.map(() => 0) };
    },
    samples: () => samples,
    stop: async () => {
      await Promise.all(clients.map(async (client) => {
        await client.removeAllChannels();
        client.realtime.disconnect();
      }));
    },
  };
  try {
    // Ten joins at a time, as people open their devices, not one thundering herd.
    for (let i = 0; i < options.count; i += 10) {
      await Promise.all(Array.from({ length: Math.min(10, options.count - i) }, (_, k) => join(i + k)));
    }
  } catch (error) {
    await devices.stop();
    throw error;
  }
  return devices;
}

/**
 * The method before 2026-12-01, kept for comparison (BENCH_BC_DEVICES_PER_PROCESS=0): the
 * devices on the caller's event loop, which also runs the gateway and local Realtime.
 */
export async function joinDevicesHere(options: DeviceOptions): Promise<DeviceGroup> {
  const done = Array.from({ length: options.count }, () => 0);
  const devices = await joinDevices(options, (device) => {
    done[device]! += 1;
  });
  return { done, reset: devices.reset, collect: async () => devices.samples(), stop: devices.stop };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = (message: FromChild) => process.send?.(message);
  process.on('disconnect', () => process.exit(0)); // the parent went away
  try {
    const devices = await joinDevices(JSON.parse(process.argv[2] ?? '{}') as DeviceOptions, (device) => report({ type: 'done', device }));
    process.on('message', (message: ToChild) => {
      if (message.type === 'ping') report({ type: 'pong', at: monotonicNow() });
      else if (message.type === 'reset') devices.reset();
      else if (message.type === 'collect') report({ type: 'samples', ...devices.samples() });
      else if (message.type === 'stop') void devices.stop().finally(() => process.exit(0));
    });
    report({ type: 'ready' });
  } catch (error) {
    report({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
