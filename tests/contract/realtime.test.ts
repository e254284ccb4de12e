/**
 * Realtime contract (issue 3, item 6): the official supabase-js client subscribed to
 * postgres_changes on the local stack, with RLS deciding who sees what (https://supabase.com/docs/guides/realtime/postgres-changes).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthUser, type AuthUser } from '../helpers/actors.ts';
import { startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';
import { contentOf, createSession, idOf, insertMessage, record } from './realtime-helpers.ts';

let stack: TestStack;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  for (const client of clients) await client.removeAllChannels();
  await stack?.stop();
});

/** A new user signed in through the official client (each test makes its own). */
async function signedIn(): Promise<{ user: AuthUser; client: SupabaseClient }> {
  const user = await createAuthUser(stack.db.sql, { email: testEmail('rt'), password: TEST_PASSWORD });
  const client = stack.client();
  clients.push(client);
  const { error } = await client.auth.signInWithPassword({ email: user.email, password: TEST_PASSWORD });
  if (error) throw error;
  return { user, client };
}

describe('postgres_changes on messages', () => {
  it("delivers the owner's insert within a second", async () => {
    const a = await signedIn();
    const session = await createSession(stack.db.sql, a.user.id);
    const sub = await record(a.client, { filter: `session_id=eq.${session}` });
    const id = await insertMessage(stack.db.sql, session, a.user.id, 'hello');
    const change = await sub.waitFor((c) => c.eventType === 'INSERT' && idOf(c) === id, 1_000);
    expect(change).toMatchObject({ schema: 'public', table: 'messages', eventType: 'INSERT', errors: null });
    expect(change.new).toMatchObject({ id, session_id: session, user_id: a.user.id, content: 'hello', status: 'complete' });
    expect(change.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await sub.unsubscribe();
  });

  it('delivers every row of a burst of inserts, in commit order', async () => {
    const a = await signedIn();
    const session = await createSession(stack.db.sql, a.user.id);
    const sub = await record(a.client, { event: 'INSERT', filter: `session_id=eq.${session}` });
    const ids: string[] = [];
    // Back-to-back commits: the walsender may announce a commit before other snapshots see
    // it, which must not make the owner's RLS check fail.
    for (let i = 0; i < 60; i++) ids.push(await insertMessage(stack.db.sql, session, a.user.id, `burst ${i}`));
    await sub.waitFor((c) => idOf(c) === ids.at(-1));
    expect(sub.changes.map(idOf)).toEqual(ids);
    await sub.unsubscribe();
  });

  it("shows a user nothing of another user's rows", async () => {
    const [a, b] = [await signedIn(), await signedIn()];
    const [sessionA, sessionB] = [await createSession(stack.db.sql, a.user.id), await createSession(stack.db.sql, b.user.id)];
    const subB = await record(b.client, { event: 'INSERT' });
    await insertMessage(stack.db.sql, sessionA, a.user.id, 'secret of A');
    // B's own row arrives after A's was dispatched: the stream is ordered by commit.
    const own = await insertMessage(stack.db.sql, sessionB, b.user.id, 'mine');
    await subB.waitFor((c) => idOf(c) === own);
    expect(subB.changes.map(contentOf)).toEqual(['mine']);
    await subB.unsubscribe();
  });

  it('with session_id=eq.X delivers only rows of X', async () => {
    const a = await signedIn();
    const [x, y] = [await createSession(stack.db.sql, a.user.id), await createSession(stack.db.sql, a.user.id)];
    const sub = await record(a.client, { filter: `session_id=eq.${x}` });
    await insertMessage(stack.db.sql, y, a.user.id, 'in y');
    const inX = await insertMessage(stack.db.sql, x, a.user.id, 'in x');
    await sub.waitFor((c) => idOf(c) === inX);
    expect(sub.changes.map(contentOf)).toEqual(['in x']);
    await sub.unsubscribe();
  });

  it('keeps delivering after the token is refreshed', async () => {
    const a = await signedIn();
    const session = await createSession(stack.db.sql, a.user.id);
    const sub = await record(a.client, { filter: `session_id=eq.${session}` });
    const before = (await a.client.auth.getSession()).data.session?.access_token;
    const { data, error } = await a.client.auth.refreshSession();
    expect(error).toBeNull();
    expect(data.session?.access_token).not.toBe(before);
    const id = await insertMessage(stack.db.sql, session, a.user.id, 'after refresh');
    await sub.waitFor((c) => idOf(c) === id);
    await sub.unsubscribe();
  });

  it('sends UPDATE with the new and the old row', async () => {
    const a = await signedIn();
    const session = await createSession(stack.db.sql, a.user.id);
    const id = await insertMessage(stack.db.sql, session, a.user.id, 'draft');
    const sub = await record(a.client, { event: 'UPDATE', filter: `session_id=eq.${session}` });
    await stack.db.sql`update public.messages set content = 'final' where id = ${id}`;
    const change = await sub.waitFor((c) => c.eventType === 'UPDATE');
    expect(change.new).toMatchObject({ id, content: 'final' });
    expect(change.old).toMatchObject({ id, content: 'draft' }); // replica identity full
    await sub.unsubscribe();
  });

  it('sends DELETE to every DELETE subscriber with only the primary key of an RLS table', async () => {
    const [a, b] = [await signedIn(), await signedIn()];
    const session = await createSession(stack.db.sql, a.user.id);
    const id = await insertMessage(stack.db.sql, session, a.user.id, 'to delete');
    const subA = await record(a.client, { event: 'DELETE' });
    const subB = await record(b.client, { event: 'DELETE' });
    await stack.db.sql`delete from public.messages where id = ${id}`;
    for (const sub of [subA, subB]) {
      const change = await sub.waitFor((c) => c.eventType === 'DELETE' && (c.old as { id?: string }).id === id);
      expect(change.old).toEqual({ id });
      expect(change.new).toEqual({});
      await sub.unsubscribe();
    }
  });

  // Security round 2, finding 1: DELETE is not RLS-checked, so a filter on a non-key column
  // (the table is REPLICA IDENTITY FULL) would tell another user whether a guess matched.
  it('matches DELETE filters on the primary key only: a guessed content tells another user nothing', async () => {
    const [a, b] = [await signedIn(), await signedIn()];
    const session = await createSession(stack.db.sql, a.user.id);
    const id = await insertMessage(stack.db.sql, session, a.user.id, 'my secret plan');
    // Joined first on B's socket: had it matched, its event would arrive before the witness's.
    const guess = await record(b.client, { event: 'DELETE', filter: 'content=eq.my secret plan' });
    const owner = await record(a.client, { event: 'DELETE', filter: `session_id=eq.${session}` });
    const byKey = await record(b.client, { event: 'DELETE', filter: `id=eq.${id}` });
    await stack.db.sql`delete from public.messages where id = ${id}`;
    expect((await byKey.waitFor((c) => c.eventType === 'DELETE')).old).toEqual({ id });
    expect(guess.changes).toEqual([]);
    expect(owner.changes).toEqual([]); // filters on other columns never match a delete
    for (const sub of [guess, owner, byKey]) await sub.unsubscribe();
  });

  it('reports an unknown filter column as a system error', async () => {
    const a = await signedIn();
    await expect(record(a.client, { filter: 'no_such_column=eq.1' })).rejects.toThrow(/no_such_column/);
  });

  it('reports a table outside the publication as a system error', async () => {
    const a = await signedIn();
    await expect(record(a.client, { table: 'prompts' })).rejects.toThrow(/Unable to subscribe/);
  });
});
