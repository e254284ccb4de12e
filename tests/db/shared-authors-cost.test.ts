// public.get_shared_message_authors names who asked only in a group chat, and learns whether a
// chat is one from a partial index of the questions someone other than the owner asked
// (20261208483000_index_questions_by_others.sql): for a chat of one person that index holds
// nothing of it, so the answer costs a lookup, not a read of every message of the chat. The
// answers stay what they were: names in a chat with members, or with a question by someone
// who has left or whose account is gone; none in a chat of one person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** A shared chat of `lines` alternating questions and answers by its owner; its token and message ids. */
async function sharedChat(owner: AuthUser, lines: number): Promise<{ sessionId: string; token: string; ids: string[] }> {
  const [session] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Chat') returning id`;
  const rows = await db.sql`insert into public.messages (session_id, user_id, sender, content)
    select ${session!.id}, ${owner.id}, case when g % 2 = 1 then 'user' else 'assistant' end, 'line ' || g
      from generate_series(1, ${lines}) g returning id`;
  const [{ token }] = await asActor(db.sql, owner, (tx) => tx`select public.share_session(${session!.id}, true) as token`);
  return { sessionId: session!.id, token, ids: rows.map((r) => r.id as string) };
}

/** A question asked by a member, answered, at the end of the chat. */
async function memberAsks(owner: AuthUser, member: AuthUser, sessionId: string): Promise<string> {
  const [last] = await db.sql`select id from public.messages where session_id = ${sessionId} order by created_at desc, id desc limit 1`;
  const [question] = await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content, parent_id)
    values (${sessionId}, ${owner.id}, ${member.id}, 'user', 'And me?', ${last!.id}) returning id`;
  await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
    values (${sessionId}, ${owner.id}, 'assistant', 'You too.', ${question!.id})`;
  return question!.id as string;
}

/** The authors the function names, and how many rows of public.messages the call read. */
async function authors(token: string, ids: string[]): Promise<{ names: Record<string, string | null>; read: number }> {
  return await asActor(db.sql, 'anon', async (tx) => {
    const count = async () => (await tx<{ read: number }[]>`
      select (coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0))::int as read
        from pg_stat_xact_user_tables where relid = 'public.messages'::regclass`)[0]?.read ?? 0;
    const before = await count();
    const rows = await tx<{ message_id: string; author_name: string | null }[]>`
      select message_id, author_name from public.get_shared_message_authors(${token}, ${ids}::uuid[])`;
    return { names: Object.fromEntries(rows.map((r) => [r.message_id, r.author_name])), read: (await count()) - before };
  });
}

describe('get_shared_message_authors', { timeout: 120_000 }, () => {
  it('names nobody in a chat of one person, and learns so without reading its 3,000 messages', async () => {
    const owner = await createAuthUser(db.sql);
    const { token, ids } = await sharedChat(owner, 3000);
    // As autovacuum would after such an import: the planner's estimate of the index comes from it.
    await db.sql`analyze public.messages`;
    const { names, read } = await authors(token, ids.slice(-50));
    expect(names).toEqual({});
    // Reading every message to find no other author read 3,000 rows (and more: the whole table).
    expect(read).toBeLessThan(100);
  });

  it('names who asked in a chat with a member, the owner included', async () => {
    const [owner, member] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const { sessionId, token, ids } = await sharedChat(owner, 2);
    await joinGroupChat(db.sql, owner, member, sessionId, 'member');
    const asked = await memberAsks(owner, member, sessionId);
    const [ownerName, memberName] = await Promise.all([owner, member].map(async (u) =>
      (await db.sql`select display_name from public.profiles where id = ${u.id}`)[0]!.display_name as string | null));
    const { names } = await authors(token, [ids[0]!, asked]);
    expect(names).toEqual({ [ids[0]!]: ownerName, [asked]: memberName });
  });

  it('still names them once the member has left, and once their account is gone (as nobody)', async () => {
    const [owner, member] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const { sessionId, token, ids } = await sharedChat(owner, 2);
    await joinGroupChat(db.sql, owner, member, sessionId, 'member');
    const asked = await memberAsks(owner, member, sessionId);
    await db.sql`delete from public.session_members where session_id = ${sessionId}`;
    const left = await authors(token, [ids[0]!, asked]);
    expect(Object.keys(left.names).sort()).toEqual([ids[0]!, asked].sort());

    await db.sql`delete from auth.users where id = ${member.id}`;
    const gone = await authors(token, [ids[0]!, asked]);
    expect(Object.keys(gone.names).sort()).toEqual([ids[0]!, asked].sort());
    expect(gone.names[asked]).toBeNull();
  });
});
