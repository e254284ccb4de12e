/**
 * Helpers for the realtime contract tests: a subscription through the official supabase-js
 * client that records what arrives, and waits that resolve on an event (never on a sleep);
 * a raw WebSocket through the gateway for checks frame by frame.
 */
import type { RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import type { Sql } from 'postgres';
import WebSocket from 'ws';
import type { TestStack } from '../helpers/stack.ts';

export type Change = RealtimePostgresChangesPayload<Record<string, unknown>>;

export interface Recorder {
  changes: Change[];
  system: Record<string, unknown>[];
  /** Resolves with the first recorded change that satisfies `match` (past or future). */
  waitFor(match: (change: Change) => boolean, timeoutMs?: number): Promise<Change>;
  unsubscribe(): Promise<void>;
}

export interface SubscribeOptions {
  event?: '*' | 'INSERT' | 'UPDATE' | 'DELETE';
  table?: string;
  filter?: string;
}

/** Subscribes and resolves once the channel is SUBSCRIBED and Postgres confirmed it. */
export async function record(client: SupabaseClient, options: SubscribeOptions = {}): Promise<Recorder> {
  const changes: Change[] = [];
  const system: Record<string, unknown>[] = [];
  const waiters: { match: (c: Change) => boolean; resolve: (c: Change) => void }[] = [];
  const channel = client.channel(`test-${crypto.randomUUID()}`);
  channel.on(
    'postgres_changes',
    { event: options.event ?? '*', schema: 'public', table: options.table ?? 'messages', ...(options.filter ? { filter: options.filter } : {}) },
    (change: Change) => {
      changes.push(change);
      for (const waiter of [...waiters]) {
        if (waiter.match(change)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(change);
        }
      }
    },
  );
  const confirmed = new Promise<void>((resolve, reject) => {
    channel.on('system', {}, (message: Record<string, unknown>) => {
      system.push(message);
      if (message.extension === 'postgres_changes') {
        if (message.status === 'ok') resolve();
        else reject(new Error(String(message.message)));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
    });
  });
  await confirmed;
  return {
    changes,
    system,
    waitFor(match, timeoutMs = 10_000) {
      const seen = changes.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<Change>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching change within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          match,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    async unsubscribe() {
      await client.removeChannel(channel);
    },
  };
}

/** A chat session owned by `userId`. */
export async function createSession(sql: Sql, userId: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`insert into public.chat_sessions (user_id) values (${userId}) returning id`;
  return row.id;
}

/** A message in a session, written as the database owner (what the API's transaction commits). */
export async function insertMessage(sql: Sql, sessionId: string, userId: string, content: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.messages (session_id, user_id, sender, content) values (${sessionId}, ${userId}, 'user', ${content}) returning id`;
  return row.id;
}

export const contentOf = (change: Change): unknown => ('content' in change.new ? change.new.content : undefined);
export const idOf = (change: Change): unknown => ('id' in change.new ? change.new.id : undefined);

/** A frame as a raw socket receives it: v2 arrays `[join_ref, ref, topic, event, payload]`, v1 objects, or binary. */
export type Frame = unknown[] | Record<string, unknown> | Buffer;

export interface Raw {
  ws: WebSocket;
  send(frame: unknown): void;
  /** The first frame (already received or future) matching `match`, consumed. */
  next(match: (frame: Frame) => boolean): Promise<Frame>;
}

/** The stack's Realtime socket address through the gateway (`apikey` null: none). */
export function realtimeSocketUrl(stack: Pick<TestStack, 'apiUrl'>, apikey: string | null, vsn = '2.0.0'): string {
  const base = `${stack.apiUrl.replace(/^http/, 'ws')}/realtime/v1/websocket?vsn=${vsn}`;
  return apikey === null ? base : `${base}&apikey=${encodeURIComponent(apikey)}`;
}

/** A raw socket, open; the caller terminates it. */
export async function connectRaw(stack: Pick<TestStack, 'apiUrl'>, apikey: string, vsn = '2.0.0'): Promise<Raw> {
  const ws = new WebSocket(realtimeSocketUrl(stack, apikey, vsn));
  const frames: Frame[] = [];
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  ws.on('message', (data, isBinary) => {
    const frame: Frame = isBinary ? Buffer.from(data as Buffer) : (JSON.parse(String(data)) as Frame);
    const waiter = waiters.find((w) => w.match(frame));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(frame);
    } else frames.push(frame);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    send: (frame) => ws.send(frame instanceof Buffer ? frame : JSON.stringify(frame)),
    next: (match) => {
      const index = frames.findIndex(match);
      if (index >= 0) return Promise.resolve(frames.splice(index, 1)[0]);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

/** Matches a v2 frame of `topic` and `event`. */
export const is = (topic: string, event: string) => (f: Frame) => Array.isArray(f) && f[2] === topic && f[3] === event;
