// private.chat_imports, the import ledger: no API role can read, forge or clear it (owner,
// another user, anonymous, service role); its rows go with their session or their user; and
// it never counts more imported messages than the conversation has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** What POST /import writes (as the connection owner): a session and its ledger row. */
async function imported(user: AuthUser, sourceId: string = crypto.randomUUID()) {
  const [session] = await db.sql`insert into public.chat_sessions (user_id, title) values (${user.id}, 'Imported') returning id`;
  await db.sql`insert into private.chat_imports (user_id, source, source_id, session_id, total_messages, imported_messages)
               values (${user.id}, 'chatgpt', ${sourceId}, ${session.id}, 2, 2)`;
  return { sessionId: session.id as string, sourceId };
}

const ledgerCount = async (userId: string) =>
  (await db.sql`select count(*)::int as n from private.chat_imports where user_id = ${userId}`)[0].n as number;

describe('private.chat_imports', () => {
  it.each(['owner', 'stranger', 'anon', 'service_role'] as const)('%s can neither read, write nor clear it', async (who) => {
    const owner = await createAuthUser(db.sql);
    const row = await imported(owner);
    const actor = who === 'owner' ? owner : who === 'stranger' ? await createAuthUser(db.sql) : who;
    await expect(asActor(db.sql, actor, (tx) => tx`select * from private.chat_imports`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, actor, (tx) => tx`delete from private.chat_imports where session_id = ${row.sessionId}`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, actor, (tx) => tx`
      insert into private.chat_imports (user_id, source, source_id, session_id, total_messages)
      values (${owner.id}, 'chatgpt', 'forged', ${row.sessionId}, 1)`)).rejects.toThrow(PERMISSION_DENIED);
    expect(await ledgerCount(owner.id)).toBe(1);
  });

  it('goes with its session (so the chat can be imported again) and with its user', async () => {
    const owner = await createAuthUser(db.sql);
    const first = await imported(owner);
    await imported(owner);
    await asActor(db.sql, owner, (tx) => tx`delete from public.chat_sessions where id = ${first.sessionId}`);
    expect(await ledgerCount(owner.id)).toBe(1);
    await db.sql`delete from auth.users where id = ${owner.id}`;
    expect(await ledgerCount(owner.id)).toBe(0);
  });

  it('keeps one row per source conversation and never more imported than total', async () => {
    const owner = await createAuthUser(db.sql);
    const row = await imported(owner, 'same');
    await expect(imported(owner, 'same')).rejects.toThrow(/duplicate key/);
    await expect(db.sql`update private.chat_imports set imported_messages = 3 where session_id = ${row.sessionId}`).rejects.toThrow(/check constraint/);
    await expect(db.sql`update private.chat_imports set source = 'other' where session_id = ${row.sessionId}`).rejects.toThrow(/check constraint/);
  });
});
