// Private Realtime channels `session:<id>`: RLS on realtime.messages lets only the session's
// owner receive its broadcasts (what Realtime checks when a client joins a private channel,
// with the channel name in realtime.topic()).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, type Actor } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

describe('realtime.messages: session channels', () => {
  it("the owner and the group's members receive the session's broadcasts; another user, anonymous and other shapes do not", async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const viewer = await createAuthUser(db.sql);
    const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    await db.sql`insert into public.session_members (session_id, owner_id, user_id, role) values (${session.id}, ${owner.id}, ${viewer.id}, 'viewer')`;
    // Rows written as the superuser stand in for what Realtime stores; each actor reads under RLS.
    await db.sql`insert into realtime.messages (topic, extension, event, payload, private)
      values (${`session:${session.id}`}, 'broadcast', 'delta', '{}', true),
             (${`session:${session.id}`}, 'presence', 'sync', '{}', true),
             ('session:not-a-uuid', 'broadcast', 'delta', '{}', true)`;
    const read = (actor: Actor, topic: string, extension = 'broadcast') =>
      asActor(db.sql, actor, async (tx) => {
        await tx`select set_config('realtime.topic', ${topic}, true)`;
        // Only the rows written here: the database's own signals (members_changed on adding the viewer) are not counted.
        return (await tx`select event from realtime.messages where topic = ${topic} and extension = ${extension} and event in ('delta', 'sync')`).length;
      });
    expect(await read(owner, `session:${session.id}`)).toBe(1);
    expect(await read(viewer, `session:${session.id}`)).toBe(1);
    expect(await read(stranger, `session:${session.id}`)).toBe(0);
    // Presence is on each person's own topic (tests/db/group-posting.test.ts), none here.
    expect(await read(owner, `session:${session.id}`, 'presence')).toBe(0);
    // A member removed from the group no longer can (and the channel moves on: group-posting.test.ts).
    await db.sql`delete from public.session_members where session_id = ${session.id} and user_id = ${viewer.id}`;
    expect(await read(viewer, `session:${session.id}`)).toBe(0);
    expect(await read('anon', `session:${session.id}`)).toBe(0);
    // A malformed topic is simply not authorised (no cast error).
    expect(await read(owner, 'session:not-a-uuid')).toBe(0);
    // Sending from a client is not allowed on these channels (no insert policy).
    await expect(asActor(db.sql, owner, async (tx) => {
      await tx`select set_config('realtime.topic', ${`session:${session.id}`}, true)`;
      await tx`insert into realtime.messages (topic, extension, event, payload, private) values (${`session:${session.id}`}, 'broadcast', 'delta', '{}', true)`;
    })).rejects.toThrow(/row-level security/);
  });
});
