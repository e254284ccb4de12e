/**
 * Helpers for the Broadcast / Presence / private-channel contract tests: channels joined
 * through the official supabase-js client that record what arrives, and waits that resolve
 * on an event (never on a sleep).
 */
import type { RealtimeChannel, RealtimeChannelOptions, SupabaseClient } from '@supabase/supabase-js';
import type { Sql } from 'postgres';
import { afterEach } from 'vitest';
import { createAuthUser, type AuthUser } from '../helpers/actors.ts';
import { TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

export interface Received {
  event: string;
  payload: Record<string, unknown>;
}

export interface Joined {
  channel: RealtimeChannel;
  /** Broadcasts received, in arrival order. */
  broadcasts: Received[];
  /** Presence events (`sync`, `join`, `leave`) in arrival order. */
  presence: { event: string; key?: string }[];
  /** Subscribe-callback statuses after SUBSCRIBED (CLOSED, CHANNEL_ERROR…). */
  statuses: { status: string; error?: Error }[];
  system: Record<string, unknown>[];
  /** Resolves once `check()` is true, re-evaluated on every arrival. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
}

/** Joins `name` and resolves once SUBSCRIBED; rejects with the server's reason otherwise. */
export async function join(client: SupabaseClient, name: string, config: RealtimeChannelOptions['config'] = {}, presence = false): Promise<Joined> {
  const broadcasts: Received[] = [];
  const presenceEvents: Joined['presence'] = [];
  const statuses: Joined['statuses'] = [];
  const system: Joined['system'] = [];
  const checks = new Set<() => void>();
  const arrived = () => { for (const check of [...checks]) check(); };
  const channel = client.channel(name, { config });
  channel.on('broadcast', { event: '*' }, (message: { event: string; payload: Record<string, unknown> }) => {
    broadcasts.push({ event: message.event, payload: message.payload });
    arrived();
  });
  channel.on('system', {}, (message: Record<string, unknown>) => {
    system.push(message);
    arrived();
  });
  if (presence) {
    for (const event of ['sync', 'join', 'leave'] as const) {
      channel.on('presence', { event } as never, (payload?: { key?: string }) => {
        presenceEvents.push({ event, key: payload?.key });
        arrived();
      });
    }
  }
  let subscribed = false;
  let failed = false;
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (failed) return;
      if (status === 'SUBSCRIBED' && !subscribed) {
        subscribed = true;
        return resolve();
      }
      if (!subscribed) {
        // Refused: stop Phoenix from rejoining (outside this callback, which leave re-enters).
        failed = true;
        setTimeout(() => void client.removeChannel(channel), 0);
        return reject(error ?? new Error(status));
      }
      statuses.push({ status, error });
      arrived();
    });
  });
  // What the channel had when a wait ran out: which of the possible reasons it was.
  const received = () =>
    [
      `state ${channel.state}`,
      `broadcasts [${broadcasts.map((b) => b.event).join(', ')}]`,
      `statuses [${statuses.map((s) => s.status).join(', ')}]`,
      `system ${JSON.stringify(system)}`,
      presence ? `presence [${presenceEvents.map((p) => p.event).join(', ')}]` : '',
    ]
      .filter(Boolean)
      .join('; ');
  return {
    channel,
    broadcasts,
    presence: presenceEvents,
    statuses,
    system,
    until(check, what, timeoutMs = 10_000) {
      if (check()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          checks.delete(run);
          reject(new Error(`timed out waiting for ${what} (${received()})`));
        }, timeoutMs);
        const run = () => {
          if (!check()) return;
          clearTimeout(timer);
          checks.delete(run);
          resolve();
        };
        checks.add(run);
      });
    },
  };
}

/**
 * Prints the stack's last log lines (replication, revalidation, joins) and the warnings its
 * database sent the test's client (a failed realtime.send() says so only in a warning) after a
 * failed test of the file: a wait that ran out says what the channel got, these what the
 * server did.
 */
export function printStackLogOnFailure(stack: () => TestStack | undefined): void {
  afterEach(({ task }) => {
    const current = stack();
    if (task.result?.state !== 'fail' || !current) return;
    const warnings = current.db.warnings();
    console.error(
      `stack log before "${task.name}" failed:\n${current.recentLog().join('\n') || '(empty)'}` +
        (warnings.length > 0 ? `\ndatabase warnings:\n${warnings.join('\n')}` : ''),
    );
  });
}

/** A new user signed in through the official client. */
export async function signedIn(stack: TestStack, clients: SupabaseClient[]): Promise<{ user: AuthUser; client: SupabaseClient }> {
  const user = await createAuthUser(stack.db.sql, { email: testEmail('rt'), password: TEST_PASSWORD });
  const client = stack.client();
  clients.push(client);
  const { error } = await client.auth.signInWithPassword({ email: user.email, password: TEST_PASSWORD });
  if (error) throw error;
  return { user, client };
}

/** A call to the stack's api function as the client's signed-in user. */
export async function callApi(stack: TestStack, client: SupabaseClient, method: string, path: string, body?: unknown): Promise<Response> {
  const { data } = await client.auth.getSession();
  return await fetch(`${stack.apiUrl}/functions/v1/api${path}`, {
    method,
    headers: { authorization: `Bearer ${data.session!.access_token}`, apikey: stack.keys.publishableKey, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A signed-in user whose Realtime connection carries their token. */
export async function realtimePerson(stack: TestStack, clients: SupabaseClient[]): Promise<{ user: AuthUser; client: SupabaseClient }> {
  const who = await signedIn(stack, clients);
  await who.client.realtime.setAuth((await who.client.auth.getSession()).data.session!.access_token);
  return who;
}

/** An owner's chat (through the api function) with a new person invited, who accepts, for each of `roles`. */
export async function groupChatWith(stack: TestStack, clients: SupabaseClient[], roles: ('member' | 'viewer')[]) {
  const owner = await realtimePerson(stack, clients);
  const created = await callApi(stack, owner.client, 'POST', '/sessions', { title: 'Team' });
  if (created.status !== 201) throw new Error(`POST /sessions answered ${created.status}`);
  const { id } = (await created.json()) as { id: string };
  const people = [];
  for (const role of roles) {
    const who = await realtimePerson(stack, clients);
    const invited = await callApi(stack, owner.client, 'POST', `/sessions/${id}/members`, { email: who.user.email, role });
    if (invited.status !== 201) throw new Error(`inviting a ${role} answered ${invited.status}`);
    const accepted = await callApi(stack, who.client, 'POST', `/invitations/${((await invited.json()) as { id: string }).id}/accept`);
    if (accepted.status !== 200) throw new Error(`accepting the invitation answered ${accepted.status}`);
    people.push(who);
  }
  return { owner, people, id };
}

/**
 * Test-only policies on realtime.messages (the app's own live in supabase/migrations):
 * `rt-own:<uid>` readable and writable by that user only, `rt-readonly:*` readable by any
 * signed-in user and writable by nobody.
 */
export async function createTestPolicies(sql: Sql): Promise<void> {
  await sql.unsafe(`
    drop policy if exists "rt test: own topic read" on realtime.messages;
    drop policy if exists "rt test: own topic write" on realtime.messages;
    drop policy if exists "rt test: readonly topics" on realtime.messages;
    create policy "rt test: own topic read" on realtime.messages for select to authenticated
      using (realtime.topic() = 'rt-own:' || (select auth.uid())::text);
    create policy "rt test: own topic write" on realtime.messages for insert to authenticated
      with check (realtime.topic() = 'rt-own:' || (select auth.uid())::text);
    create policy "rt test: readonly topics" on realtime.messages for select to authenticated
      using (realtime.topic() like 'rt-readonly:%');
  `);
}

export function settle<T>(promise: Promise<T>): Promise<T | Error> {
  return promise.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
}
