// Signed-out sessions, in the database itself: a token whose Auth session row is gone (signed
// out on another device, a password reset) or has ended (`not_after`) reaches no row of any
// table the API roles can reach, through the Data API, Storage or Realtime alike; the same
// user's live session, and claims with no session id, are not affected.
import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthUser, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** As the Data API runs a query for a token of `session` (null: claims without a session id). */
async function asSession<T>(user: AuthUser, session: string | null, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  const claims = { sub: user.id, email: user.email, role: 'authenticated', aud: 'authenticated', ...(session ? { session_id: session } : {}) };
  const [result] = await db.sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    await tx`set local role authenticated`;
    return [await fn(tx)] as const;
  });
  return result as T;
}

async function signedIn(user: AuthUser): Promise<string> {
  const id = randomUUID();
  await db.sql`insert into auth.sessions (id, user_id, created_at, updated_at) values (${id}, ${user.id}, now(), now())`;
  return id;
}

const chats = (tx: TransactionSql) => tx`select title from public.chat_sessions`;
const newChat = (user: AuthUser) => (tx: TransactionSql) => tx`insert into public.chat_sessions (user_id, title) values (${user.id}, 'new') returning title`;

describe('a signed-out session in the database', () => {
  it('reaches its rows while signed in, and none once signed out; another session of the user carries on', async () => {
    const user = await createAuthUser(db.sql);
    await db.sql`insert into public.chat_sessions (user_id, title) values (${user.id}, 'mine')`;
    const [here, elsewhere] = [await signedIn(user), await signedIn(user)];
    expect(await asSession(user, elsewhere, chats)).toEqual([{ title: 'mine' }]);

    await db.sql`delete from auth.sessions where id = ${elsewhere}`;
    expect(await asSession(user, elsewhere, chats)).toEqual([]);
    // Writes find no row or fail RLS, chats as every other table (the trigger that holds the
    // definer RPCs leaves a write under RLS to the policies: 20261204050511).
    await expect(asSession(user, elsewhere, newChat(user))).rejects.toThrow(RLS_VIOLATION);
    expect(await asSession(user, elsewhere, (tx) => tx`update public.chat_sessions set title = 'renamed' returning id`)).toEqual([]);
    expect(await asSession(user, elsewhere, (tx) => tx`delete from public.chat_sessions returning id`)).toEqual([]);
    expect(await db.sql`select title from public.chat_sessions where user_id = ${user.id}`).toEqual([{ title: 'mine' }]);
    await expect(asSession(user, elsewhere, (tx) => tx`insert into public.projects (user_id, name) values (${user.id}, 'p') returning id`)).rejects.toThrow(RLS_VIOLATION);
    expect(await asSession(user, elsewhere, (tx) => tx`select id from public.projects`)).toEqual([]);
    expect(await asSession(user, elsewhere, (tx) => tx`select public.session_is_live() as live`)).toEqual([{ live: false }]);

    expect(await asSession(user, here, chats)).toEqual([{ title: 'mine' }]);
    expect(await asSession(user, here, newChat(user))).toEqual([{ title: 'new' }]);
    expect(await asSession(user, null, chats)).toHaveLength(2);
  });

  it('reaches nothing once Auth has ended the session by time (not_after)', async () => {
    const user = await createAuthUser(db.sql);
    await db.sql`insert into public.chat_sessions (user_id, title) values (${user.id}, 'mine')`;
    const session = await signedIn(user);
    await db.sql`update auth.sessions set not_after = now() - interval '1 second' where id = ${session}`;
    expect(await asSession(user, session, chats)).toEqual([]);
  });

  it("cannot use another user's live session id", async () => {
    const [user, other] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    await db.sql`insert into public.chat_sessions (user_id, title) values (${user.id}, 'mine')`;
    expect(await asSession(user, await signedIn(other), chats)).toEqual([]);
  });

  it('cannot write through the RPCs that run as their definer (share, invite, fork), which a live session can', async () => {
    const [user, friend] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const [chat] = await db.sql<{ id: string }[]>`insert into public.chat_sessions (user_id, title) values (${user.id}, 'mine') returning id`;
    const [here, elsewhere] = [await signedIn(user), await signedIn(user)];
    await db.sql`delete from auth.sessions where id = ${elsewhere}`;
    const calls = [
      (tx: TransactionSql) => tx`select public.share_session(${chat!.id}, true)`,
      (tx: TransactionSql) => tx`select public.invite_session_member(${chat!.id}, ${friend.email}, 'member')`,
      (tx: TransactionSql) => tx`select public.fork_session(${chat!.id}, null)`,
    ];
    for (const call of calls) await expect(asSession(user, elsewhere, call)).rejects.toMatchObject({ code: 'MR401' });
    const [counts] = await db.sql`select (select count(*)::int from public.session_shares where session_id = ${chat!.id}) as shares,
      (select count(*)::int from public.session_members where session_id = ${chat!.id}) as members,
      (select count(*)::int from public.session_invitations where session_id = ${chat!.id}) as invitations,
      (select count(*)::int from public.chat_sessions where user_id = ${user.id}) as chats`;
    expect(counts).toEqual({ shares: 0, members: 0, invitations: 0, chats: 1 });
    for (const call of calls) await asSession(user, here, call);
  });

  it("cannot read who is in a chat through the RPCs that read as their definer (participants, authors' names)", async () => {
    const [user, friend] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const [chat] = await db.sql<{ id: string }[]>`insert into public.chat_sessions (user_id, title) values (${user.id}, 'group') returning id`;
    await db.sql`insert into public.session_members (session_id, owner_id, user_id, role) values (${chat!.id}, ${user.id}, ${friend.id}, 'member')`;
    const [here, elsewhere] = [await signedIn(user), await signedIn(user)];
    await db.sql`delete from auth.sessions where id = ${elsewhere}`;
    const participants = (tx: TransactionSql) => tx`select email from public.session_participants(${chat!.id})`;
    const names = (tx: TransactionSql) => tx`select user_id from public.message_author_names(${chat!.id}, ${[user.id, friend.id]}::uuid[])`;
    expect(await asSession(user, elsewhere, participants)).toEqual([]);
    expect(await asSession(user, elsewhere, names)).toEqual([]);
    expect(await asSession(user, here, participants)).toHaveLength(2);
    expect(await asSession(user, here, names)).toHaveLength(2);
  });

  it('public.require_live_session raises MR401 for a signed-out session, and the API roles cannot call it', async () => {
    const user = await createAuthUser(db.sql);
    const session = await signedIn(user);
    await db.sql`select public.require_live_session(${session}::uuid)`;
    await db.sql`select public.require_live_session(null)`;
    await db.sql`delete from auth.sessions where id = ${session}`;
    await expect(db.sql`select public.require_live_session(${session}::uuid)`).rejects.toMatchObject({ code: 'MR401' });
    await expect(asSession(user, null, (tx) => tx`select public.require_live_session(${session}::uuid)`)).rejects.toThrow(/permission denied/);
  });

  it('every table the API roles reach has the rule, a table added later included', async () => {
    const missing = await db.sql<{ name: string }[]>`
      select n.nspname || '.' || c.relname as name
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and c.relrowsecurity and not c.relispartition
         and (n.nspname = 'public' or (n.nspname, c.relname) in (('storage', 'objects'), ('realtime', 'messages')))
         and not exists (
           -- session_is_live() alone, or in session_checks_pass() with the two-factor check
           -- (chat_sessions and messages, 20261204123441; the same answer: chat-read-policies.test.ts)
           select 1 from pg_policy p
            where p.polrelid = c.oid and not p.polpermissive
              and (   (pg_get_expr(p.polqual, p.polrelid) like '%session_is_live()%'
                       and pg_get_expr(p.polwithcheck, p.polrelid) like '%session_is_live()%')
                   or (p.polcmd = '*' and 'authenticated'::regrole = any (p.polroles)
                       and pg_get_expr(p.polqual, p.polrelid) = '( SELECT session_checks_pass() AS session_checks_pass)'
                       and pg_get_expr(p.polwithcheck, p.polrelid) = '( SELECT session_checks_pass() AS session_checks_pass)')))
       order by 1`;
    expect(missing.map((m) => m.name)).toEqual([]);
    const [{ tables }] = await db.sql`select count(*)::int as tables from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' and c.relrowsecurity`;
    expect(tables).toBeGreaterThan(15);
  });
});
