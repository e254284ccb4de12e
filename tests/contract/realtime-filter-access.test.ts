/**
 * postgres_changes filters say nothing about rows a subscriber may not read (audit F2), as on
 * hosted Realtime, with the official supabase-js client against the local stack:
 * - a role without SELECT on a table's key gets `Error 401: Unauthorized` on every binding it
 *   has for that table and event, whether or not its filter matches the row: hosted's
 *   realtime.apply_rls decides it per role before any filter (supabase/realtime
 *   lib/realtime/tenants/repo/migrations/20260709120000_fix_apply_rls_filter_role_leak.ex);
 * - a filter on a column the joining role may not select is refused at join, as hosted's
 *   realtime.subscription_check_filters trigger refuses it (`invalid column for filter`).
 * Docs: https://supabase.com/docs/guides/realtime/postgres-changes
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FUNCTIONS, startTestStack, type TestStack } from '../helpers/stack.ts';
import { printStackLogOnFailure, realtimePerson } from './realtime-channels.ts';
import { createSession, insertMessage, record } from './realtime-helpers.ts';

let stack: TestStack;
printStackLogOnFailure(() => stack);
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({ functionsDir: NO_FUNCTIONS });
});

afterAll(async () => {
  for (const client of clients) await client.removeAllChannels();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a role that may not read the key', () => {
  // Without the fix only the binding whose filter matched got the error: the event told which
  // guess a stranger's message matched (the audit read the first letters of a message this way).
  it('gets Error 401 on every binding of the table and event, whether its filter matches the row or not', async () => {
    const { user, client } = await realtimePerson(stack, clients);
    const session = await createSession(stack.db.sql, user.id);
    const got: Record<string, unknown[][]> = { match: [], other: [], any: [] };
    const channel = client.channel(`guesses-${crypto.randomUUID()}`);
    const on = (name: string, filter?: string) =>
      channel.on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'messages', ...(filter ? { filter } : {}) }, (change) =>
        got[name]!.push((change as unknown as { errors: unknown[] }).errors),
      );
    on('match', 'content=eq.the launch is on friday');
    on('other', 'content=eq.no launch');
    on('any');
    const subscribed = new Promise<void>((resolve, reject) => {
      channel.on('system', {}, (m: Record<string, unknown>) => {
        if (m.extension === 'postgres_changes') (m.status === 'ok' ? resolve() : reject(new Error(String(m.message))));
      });
    });
    channel.subscribe();
    await subscribed; // filters on `content` were accepted for `authenticated`
    await client.realtime.setAuth(stack.keys.anonKey); // now `anon`, which may not select messages
    await sleep(300);

    await insertMessage(stack.db.sql, session, user.id, 'the launch is on friday');
    await insertMessage(stack.db.sql, session, user.id, 'something else');
    const deadline = Date.now() + 10_000;
    while (Object.values(got).some((list) => list.length < 2) && Date.now() < deadline) await sleep(50);
    await sleep(300); // and nothing more

    const unauthorized = [['Error 401: Unauthorized'], ['Error 401: Unauthorized']];
    expect(got).toEqual({ match: unauthorized, other: unauthorized, any: unauthorized });
  });
});

describe('a filter on a column the role may not select', () => {
  // Without the fix both joins were accepted and the filters matched on the hidden values.
  it('is refused at join with hosted’s reason: anon on messages.content', async () => {
    const anon = stack.client();
    clients.push(anon);
    const refused = await record(anon, { table: 'messages', event: 'INSERT', filter: 'content=eq.yes' }).then(
      () => null,
      (error: unknown) => String(error),
    );
    expect(refused).toContain(
      'Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: ' +
        '[event: INSERT, schema: public, table: messages, filters: [{"content", "eq", "yes", false}], select: nil]. ' +
        'Exception: ERROR P0001 (raise_exception) invalid column for filter content',
    );
  });

  it('is refused under a column grant, while a filter on a granted column works and its rows leave the rest out', async () => {
    await stack.db.sql.unsafe(`
      create table public.rt_notes (id bigint generated always as identity primary key, owner uuid not null, secret text);
      alter table public.rt_notes enable row level security;
      create policy "rt_notes: everyone" on public.rt_notes for select to authenticated using (true);
      revoke all on public.rt_notes from anon, authenticated;
      grant select (id, owner) on public.rt_notes to authenticated;
      alter publication supabase_realtime add table public.rt_notes;
    `);
    const { user, client } = await realtimePerson(stack, clients);
    const refused = await record(client, { table: 'rt_notes', event: 'INSERT', filter: 'secret=eq.4711' }).then(
      () => null,
      (error: unknown) => String(error),
    );
    expect(refused).toContain('invalid column for filter secret');

    const watcher = await record(client, { table: 'rt_notes', event: 'INSERT', filter: `owner=eq.${user.id}` });
    await stack.db.sql`insert into public.rt_notes (owner, secret) values (${user.id}, '4711')`;
    const change = await watcher.waitFor(() => true);
    expect(change.new).toEqual({ id: expect.any(Number), owner: user.id });
  });
});
