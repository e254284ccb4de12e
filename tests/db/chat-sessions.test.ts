// chat_sessions: owner-only conversations, filed only under the owner's projects, published
// to Realtime with full replica identity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, PERMISSION_DENIED, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function ownerWithSession(): Promise<{ owner: AuthUser; id: string }> {
  const owner = await createAuthUser(db.sql);
  const [row] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Hello') returning id`;
  return { owner, id: row.id };
}

describe('chat_sessions: owner', () => {
  it('creates, reads, renames and deletes their own session', async () => {
    const owner = await createAuthUser(db.sql);
    const result = await asActor(db.sql, owner, async (tx) => {
      const [created] = await tx`insert into public.chat_sessions (user_id, metadata)
        values (${owner.id}, ${JSON.stringify({ provider: 'openai', model: 'gpt-4o-mini' })}::text::jsonb) returning id, title`;
      return {
        title: created.title,
        seen: (await tx`select id from public.chat_sessions`).length,
        updated: (await tx`update public.chat_sessions set title = 'Renamed' where id = ${created.id} returning id`).length,
        deleted: (await tx`delete from public.chat_sessions where id = ${created.id} returning id`).length,
      };
    });
    expect(result).toEqual({ title: 'New chat', seen: 1, updated: 1, deleted: 1 });
  });

  it("files a session under their own project only", async () => {
    const owner = await createAuthUser(db.sql);
    const other = await createAuthUser(db.sql);
    const [mine] = await db.sql`insert into public.projects (user_id, name) values (${owner.id}, 'Mine') returning id`;
    const [theirs] = await db.sql`insert into public.projects (user_id, name) values (${other.id}, 'Theirs') returning id`;
    const [ok] = await asActor(db.sql, owner, (tx) => tx`insert into public.chat_sessions (user_id, project_id)
      values (${owner.id}, ${mine.id}) returning project_id`);
    expect(ok.project_id).toBe(mine.id);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.chat_sessions (user_id, project_id)
      values (${owner.id}, ${theirs.id})`)).rejects.toThrow(RLS_VIOLATION);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.chat_sessions set project_id = ${theirs.id}
      where user_id = ${owner.id}`)).rejects.toThrow(RLS_VIOLATION);
  });

  it('keeps its chats, unfiled, when the project is deleted', async () => {
    const owner = await createAuthUser(db.sql);
    const [project] = await db.sql`insert into public.projects (user_id, name) values (${owner.id}, 'P') returning id`;
    const [session] = await db.sql`insert into public.chat_sessions (user_id, project_id) values (${owner.id}, ${project.id}) returning id`;
    await asActor(db.sql, owner, (tx) => tx`delete from public.projects where id = ${project.id}`);
    const [row] = await db.sql`select project_id from public.chat_sessions where id = ${session.id}`;
    expect(row.project_id).toBeNull();
  });
});

describe("chat_sessions: a chat's id", () => {
  it('the owner cannot change it through the Data API, a group chat (whose memberships would follow it) or not', async () => {
    const { owner, id } = await ownerWithSession();
    const member = await createAuthUser(db.sql);
    await joinGroupChat(db.sql, owner, member, id, 'member');
    await expect(asActor(db.sql, owner, (tx) => tx`update public.chat_sessions set id = ${crypto.randomUUID()} where id = ${id}`))
      .rejects.toThrow(PERMISSION_DENIED);
    expect(await db.sql`select session_id from public.session_members where user_id = ${member.id}`).toEqual([{ session_id: id }]);
    // Every other column stays the owner's to change (the API's own writes run as the user too).
    const columns = await db.sql`select a.attname::text as name,
        has_column_privilege('authenticated', 'public.chat_sessions'::regclass, a.attnum, 'update') as updatable
      from pg_attribute a where a.attrelid = 'public.chat_sessions'::regclass and a.attnum > 0 and not a.attisdropped order by 1`;
    expect(columns.filter((c) => c.updatable !== (c.name !== 'id'))).toEqual([]);
    expect(await asActor(db.sql, owner, (tx) => tx`update public.chat_sessions set title = 'Renamed', metadata = '{}' where id = ${id} returning title`))
      .toEqual([{ title: 'Renamed' }]);
  });
});

describe('chat_sessions: active leaf (the branch shown)', () => {
  it('owner: points it at a message of this session only; each new message becomes it; deleting it clears it', async () => {
    const { owner, id } = await ownerWithSession();
    const [{ id: otherId }] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    const [first] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${id}, ${owner.id}, 'user', 'one') returning id`;
    const [second] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${id}, ${owner.id}, 'assistant', 'two') returning id, parent_id`;
    const [elsewhere] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${otherId}, ${owner.id}, 'user', 'x') returning id`;
    expect(second.parent_id).toBe(first.id);
    const leaf = async () => (await db.sql`select active_leaf_id from public.chat_sessions where id = ${id}`)[0].active_leaf_id;
    expect(await leaf()).toBe(second.id);
    await asActor(db.sql, owner, (tx) => tx`update public.chat_sessions set active_leaf_id = ${first.id} where id = ${id}`);
    expect(await leaf()).toBe(first.id);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.chat_sessions set active_leaf_id = ${elsewhere.id} where id = ${id}`))
      .rejects.toThrow(/chat_sessions_active_leaf_in_session_fkey/);
    await expect(db.sql`update public.chat_sessions set active_leaf_id = ${crypto.randomUUID()} where id = ${id}`).rejects.toThrow(/foreign key/);
    await db.sql`delete from public.messages where id = ${first.id}`;
    expect(await leaf()).toBeNull();
  });

  it('another user or anonymous cannot move it', async () => {
    const { owner, id } = await ownerWithSession();
    const stranger = await createAuthUser(db.sql);
    const [m] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${id}, ${owner.id}, 'user', 'one') returning id`;
    const moved = await asActor(db.sql, stranger, (tx) => tx`update public.chat_sessions set active_leaf_id = null where id = ${id} returning id`);
    expect(moved).toEqual([]);
    await expect(asActor(db.sql, 'anon', (tx) => tx`update public.chat_sessions set active_leaf_id = null where id = ${id}`)).rejects.toThrow(PERMISSION_DENIED);
    const [{ active_leaf_id }] = await db.sql`select active_leaf_id from public.chat_sessions where id = ${id}`;
    expect(active_leaf_id).toBe(m.id);
  });
});

describe('chat_sessions: another user', () => {
  it('sees nothing and cannot change, delete or plant a session', async () => {
    const { owner, id } = await ownerWithSession();
    const stranger = await createAuthUser(db.sql);
    const result = await asActor(db.sql, stranger, async (tx) => ({
      seen: (await tx`select id from public.chat_sessions where id = ${id}`).length,
      updated: (await tx`update public.chat_sessions set title = 'x' where id = ${id} returning id`).length,
      deleted: (await tx`delete from public.chat_sessions where id = ${id} returning id`).length,
    }));
    expect(result).toEqual({ seen: 0, updated: 0, deleted: 0 });
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.chat_sessions (user_id) values (${owner.id})`))
      .rejects.toThrow(RLS_VIOLATION);
  });
});

describe('chat_sessions: anonymous', () => {
  it('has no access at all', async () => {
    const { owner, id } = await ownerWithSession();
    for (const query of [
      'select id from public.chat_sessions',
      `insert into public.chat_sessions (user_id) values ('${owner.id}')`,
      `update public.chat_sessions set title = 'x' where id = '${id}'`,
      `delete from public.chat_sessions where id = '${id}'`,
    ]) {
      await expect(asActor(db.sql, 'anon', (tx) => tx.unsafe(query))).rejects.toThrow(PERMISSION_DENIED);
    }
  });
});

describe('chat_sessions: service role', () => {
  it('reads, writes and deletes any session', async () => {
    const { owner, id } = await ownerWithSession();
    const result = await asActor(db.sql, 'service_role', async (tx) => ({
      seen: (await tx`select id from public.chat_sessions where id = ${id}`).length,
      inserted: (await tx`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`).length,
      updated: (await tx`update public.chat_sessions set title = 'Admin' where id = ${id} returning id`).length,
      deleted: (await tx`delete from public.chat_sessions where id = ${id} returning id`).length,
    }));
    expect(result).toEqual({ seen: 1, inserted: 1, updated: 1, deleted: 1 });
  });
});

describe('chat_sessions and messages: Realtime', () => {
  it('are in the supabase_realtime publication with full replica identity', async () => {
    const published = await db.sql`select tablename from pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' order by tablename`;
    // session_members is not: its deletes would reach every listener (tests/db/membership-signals.test.ts).
    expect(published.map((r) => r.tablename)).toEqual(['chat_sessions', 'messages']);
    const identity = await db.sql`select relname, relreplident from pg_class
      where oid in ('public.chat_sessions'::regclass, 'public.messages'::regclass) order by relname`;
    expect(identity.map((r) => [r.relname, r.relreplident])).toEqual([['chat_sessions', 'f'], ['messages', 'f']]);
  });
});
