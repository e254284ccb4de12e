/**
 * Helpers for the realtime contract tests: a subscription through the official supabase-js
 * client that records what arrives, and waits that resolve on an event (never on a sleep).
 */
import type { RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import type { Sql } from 'postgres';

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
