// chat_sessions.pinned_at / archived_at: the owner pins and archives their own chats; no one
// else can, not even a member of a group chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

describe('chat_sessions pin and archive', () => {
  it('the owner pins, archives and restores their own chat', async () => {
    const owner = await createAuthUser(db.sql);
    const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id, pinned_at, archived_at`;
    expect(session).toMatchObject({ pinned_at: null, archived_at: null });
    const [after] = await asActor(db.sql, owner, (tx) => tx`
      update public.chat_sessions set pinned_at = now(), archived_at = now() where id = ${session.id} returning pinned_at, archived_at`);
    expect(after.pinned_at).toBeInstanceOf(Date);
    expect(after.archived_at).toBeInstanceOf(Date);
    const [restored] = await asActor(db.sql, owner, (tx) => tx`
      update public.chat_sessions set archived_at = null where id = ${session.id} returning archived_at`);
    expect(restored.archived_at).toBeNull();
  });

  it('another user cannot pin or archive it (the row is invisible), and anon has no access', async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    const changed = await asActor(db.sql, stranger, (tx) => tx`
      update public.chat_sessions set pinned_at = now(), archived_at = now() where id = ${session.id} returning id`);
    expect(changed).toHaveLength(0);
    await expect(asActor(db.sql, 'anon', (tx) => tx`update public.chat_sessions set archived_at = now()`)).rejects.toThrow(PERMISSION_DENIED);
    const [row] = await db.sql`select pinned_at, archived_at from public.chat_sessions where id = ${session.id}`;
    expect(row).toEqual({ pinned_at: null, archived_at: null });
  });

  it('has a partial index for the sidebar (chats that are not archived)', async () => {
    const [index] = await db.sql`select indexdef from pg_indexes where indexname = 'chat_sessions_user_id_active_idx'`;
    expect(index.indexdef).toContain('WHERE (archived_at IS NULL)');
  });
});
