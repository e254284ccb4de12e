// chat_sessions.title_version, how many times a chat's title changed: what the `renamed` message
// names, so that an open view keeps the newest title whatever road brings it and reads until a
// read shows it (20261207190000_name_values_in_session_signals.sql). Only the database counts it,
// and a rename never fails because of it. The message itself, as the official client hears it:
// tests/contract/group-realtime.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const versionOf = async (session: string) =>
  (await db.sql<{ title_version: number }[]>`select title_version from public.chat_sessions where id = ${session}`)[0]!.title_version;
/** What the chat's channel and each participant's own channel were told, oldest first. */
const said = (session: string) => db.sql<{ topic: string; event: string; payload: Record<string, unknown> }[]>`
  select topic, event, payload - 'id' as payload from realtime.messages
   where event in ('renamed', 'session_renamed') and (topic like ${`session:${session}%`} or payload ->> 'session_id' = ${session})
   order by (payload ->> 'title_version')::int, event, topic`;

describe('chat_sessions.title_version', () => {
  it("counts each rename, whoever writes the row, and an owner's token cannot choose it", async () => {
    const [owner, member] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    // POST /rest/v1/chat_sessions {"title": "Team", "title_version": 41}
    const [chat] = await asActor(db.sql, owner, (tx) => tx`
      insert into public.chat_sessions (user_id, title, title_version) values (${owner.id}, 'Team', 41) returning id, title_version`);
    expect(chat!.title_version).toBe(0);
    const id = chat!.id as string;
    await joinGroupChat(db.sql, owner, member, id, 'member');

    const write = (set: Record<string, unknown>) => asActor(db.sql, owner, (tx) => tx`update public.chat_sessions set ${tx(set)} where id = ${id}`);
    await write({ title: 'Team, renamed' });
    await write({ title: 'Team, renamed' }); // the same title again: no rename
    await write({ title_version: 0 });
    await write({ title_version: 100, title: 'Team of two' });
    await write({ last_message_at: new Date() }); // what a turn writes
    await db.sql`update public.chat_sessions set title = 'By the service' where id = ${id}`;
    expect(await versionOf(id)).toBe(3);

    // Each rename named its version, on the chat's channel and on each participant's own.
    const lists = [`user:${owner.id}`, `user:${member.id}`].sort();
    expect(await said(id)).toEqual([1, 2, 3].flatMap((version) => [
      { topic: `session:${id}`, event: 'renamed', payload: { title_version: version } },
      ...lists.map((topic) => ({ topic, event: 'session_renamed', payload: { session_id: id, title_version: version } })),
    ]));
  });

  it('stays at the largest integer rather than fail a rename', async () => {
    const owner = await createAuthUser(db.sql);
    const [chat] = await asActor(db.sql, owner, (tx) => tx`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Renamed a lot') returning id`);
    const id = chat!.id as string;
    await db.sql.begin(async (tx) => {
      await tx`alter table public.chat_sessions disable trigger chat_sessions_count_title_versions`;
      await tx`update public.chat_sessions set title_version = 2147483647 where id = ${id}`;
      await tx`alter table public.chat_sessions enable trigger chat_sessions_count_title_versions`;
    });
    expect(await asActor(db.sql, owner, (tx) => tx`update public.chat_sessions set title = 'Once more' where id = ${id} returning title_version`))
      .toEqual([{ title_version: 2147483647 }]);
  });
});
