// The read policies of chat_sessions and messages, per actor, as the history page and the
// sidebar use them: the owner and the members and viewers of a group chat read it, another user
// and anonymous visitors nothing; and what they cost to plan and run
// (20261204045529_speed_up_chat_read_policies.sql): the members' policy no longer plans
// session_members' own policies into every statement, and the signed-in check keeps its plan.
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, type Actor, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

interface Group { owner: AuthUser; member: AuthUser; viewer: AuthUser; stranger: AuthUser; session: string; message: string }

async function group(): Promise<Group> {
  const [owner, member, viewer, stranger] = await Promise.all([1, 2, 3, 4].map(() => createAuthUser(db.sql)));
  const [session] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner!.id}, 'Team chat') returning id`;
  await joinGroupChat(db.sql, owner!, member!, session!.id, 'member');
  await joinGroupChat(db.sql, owner!, viewer!, session!.id, 'viewer');
  const [message] = await db.sql`insert into public.messages (session_id, user_id, sender, content)
    values (${session!.id}, ${owner!.id}, 'user', 'Hello team') returning id`;
  return { owner: owner!, member: member!, viewer: viewer!, stranger: stranger!, session: session!.id, message: message!.id };
}

/** What the actor reads of the chat: its row and its messages (anon: refused or nothing). */
async function reads(actor: Actor, g: Group) {
  return await asActor(db.sql, actor, async (tx) => ({
    sessions: (await tx`select id from public.chat_sessions where id = ${g.session}`).length,
    messages: (await tx`select id from public.messages where session_id = ${g.session}`).length,
  })).catch((error: Error) => error.message);
}

/** EXPLAIN (verbose, costs off) of a statement as the actor, as one text. */
const planAs = (actor: AuthUser, statement: (tx: TransactionSql) => PromiseLike<readonly Record<string, unknown>[]>) =>
  asActor(db.sql, actor, async (tx) => (await statement(tx)).map((r) => String(r['QUERY PLAN'])).join('\n'));

describe('chat_sessions and messages: who reads a group chat', () => {
  it('the owner, a member and a viewer read the chat and its messages', async () => {
    const g = await group();
    for (const person of [g.owner, g.member, g.viewer]) expect(await reads(person, g)).toEqual({ sessions: 1, messages: 1 });
  });

  it('another user reads nothing, nor after leaving the chat', async () => {
    const g = await group();
    expect(await reads(g.stranger, g)).toEqual({ sessions: 0, messages: 0 });
    await db.sql`delete from public.session_members where session_id = ${g.session} and user_id = ${g.member.id}`;
    expect(await reads(g.member, g)).toEqual({ sessions: 0, messages: 0 });
  });

  it('anonymous visitors read nothing', async () => {
    const g = await group();
    const result = await reads('anon', g);
    expect(result === 'permission denied for table chat_sessions' || JSON.stringify(result) === '{"sessions":0,"messages":0}').toBe(true);
  });

  it("my_group_chat_ids answers the caller's own memberships only, and not to anonymous visitors", async () => {
    const g = await group();
    const ids = (actor: Actor) => asActor(db.sql, actor, (tx) => tx`select public.my_group_chat_ids() as id`).then((rows) => rows.map((r) => r.id));
    expect(await ids(g.member)).toEqual([g.session]);
    expect(await ids(g.owner)).toEqual([]);
    expect(await ids(g.stranger)).toEqual([]);
    await expect(ids('anon')).rejects.toThrow(/permission denied/);
  });
});

describe('chat_sessions and messages: what reading them costs', () => {
  it("a member's read plans no session_members policies: the memberships are one function call", async () => {
    const g = await group();
    const plan = await planAs(g.member, (tx) => tx`explain (verbose, costs off) select id from public.messages where session_id = ${g.session}`);
    expect(plan).toMatch(/my_group_chat_ids/);
    expect(plan).not.toMatch(/session_members/);
    const sessions = await planAs(g.member, (tx) => tx`explain (verbose, costs off) select id from public.chat_sessions where id = ${g.session}`);
    expect(sessions).not.toMatch(/session_members/);
  });

  it('the signed-in check is PL/pgSQL, whose lookup is planned once per connection, not once per statement and table', async () => {
    const [fn] = await db.sql`select l.lanname from pg_proc p join pg_language l on l.oid = p.prolang where p.oid = 'public.session_is_live()'::regprocedure`;
    expect(fn!.lanname).toBe('plpgsql');
  });
});
