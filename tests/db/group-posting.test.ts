// Group chats, posting and presence, per actor (owner / member / viewer / removed member /
// other user / anonymous): messages.author_id and the author guard, message_author_names, and
// the presence policies on realtime.messages — each person's own topic
// `session:<id>[:<epoch>]:person:<user id>` (read by every participant, published on only by that
// person) and none on the shared `session:<id>` — select, insert, update and delete. Chat turns write messages with the function's privileged connection (here: the
// superuser `db.sql`); the trigger must still refuse authors who may not post.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, PERMISSION_DENIED, RLS_VIOLATION, type Actor, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

interface Group { owner: AuthUser; member: AuthUser; viewer: AuthUser; removed: AuthUser; stranger: AuthUser; session: string; message: string }

async function group(): Promise<Group> {
  const [owner, member, viewer, removed, stranger] = await Promise.all([1, 2, 3, 4, 5].map((n) =>
    createAuthUser(db.sql, { metadata: { display_name: ['Olive Owner', 'Mia Member', 'Vic Viewer', 'Rex Removed', 'Sam Stranger'][n - 1] } })));
  const [row] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner!.id}, 'Team chat') returning id`;
  const [message] = await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${row.id}, ${owner!.id}, 'user', 'hello team') returning id`;
  await joinGroupChat(db.sql, owner!, member!, row.id, 'member');
  await joinGroupChat(db.sql, owner!, viewer!, row.id, 'viewer');
  await joinGroupChat(db.sql, owner!, removed!, row.id, 'member');
  await asActor(db.sql, owner!, (tx) => tx`delete from public.session_members where user_id = ${removed!.id}`);
  return { owner: owner!, member: member!, viewer: viewer!, removed: removed!, stranger: stranger!, session: row.id, message: message.id };
}

/** What the function's privileged path writes for a turn: a question by `author` in the owner's chat. */
const privilegedPost = (g: Group, author: AuthUser | null, sender: 'user' | 'assistant' = 'user') =>
  db.sql`insert into public.messages (session_id, user_id, author_id, sender, content)
    values (${g.session}, ${g.owner.id}, ${author?.id ?? null}, ${sender}, 'from the function') returning author_id`;

describe('messages.author_id: the privileged path (chat turns)', () => {
  it('records the owner as author by default, and a `member` as the author of their question and its answer', async () => {
    const g = await group();
    expect((await db.sql`select author_id from public.messages where id = ${g.message}`)[0].author_id).toBe(g.owner.id);
    expect((await privilegedPost(g, null))[0].author_id).toBe(g.owner.id);
    expect((await privilegedPost(g, g.member))[0].author_id).toBe(g.member.id);
    expect((await privilegedPost(g, g.member, 'assistant'))[0].author_id).toBe(g.member.id);
  });

  it('refuses a viewer, a removed member and another user as author — even for the privileged writer', async () => {
    const g = await group();
    for (const author of [g.viewer, g.removed, g.stranger]) {
      await expect(privilegedPost(g, author)).rejects.toThrow(/only the owner and members with the member role/);
      await expect(privilegedPost(g, author, 'assistant')).rejects.toThrow(/only the owner and members with the member role/);
    }
    // A membership downgraded to viewer stops posting too.
    await asActor(db.sql, g.owner, (tx) => tx`update public.session_members set role = 'viewer' where user_id = ${g.member.id}`);
    await expect(privilegedPost(g, g.member)).rejects.toThrow(/only the owner and members/);
  });

  it('refuses a message whose user_id is not the chat owner, and re-attributing a message to someone who may not post', async () => {
    const g = await group();
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, content) values (${g.session}, ${g.member.id}, 'user', 'x')`)
      .rejects.toThrow(/belongs to the owner of its chat/);
    await expect(db.sql`update public.messages set author_id = ${g.stranger.id} where id = ${g.message}`).rejects.toThrow(/only the owner and members/);
  });

  it("deleting an author's account keeps their messages, unsigned", async () => {
    const g = await group();
    const [posted] = await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content)
      values (${g.session}, ${g.owner.id}, ${g.member.id}, 'user', 'bye') returning id`;
    await db.sql`delete from auth.users where id = ${g.member.id}`;
    const [row] = await db.sql`select author_id, content from public.messages where id = ${posted.id}`;
    expect(row).toEqual({ author_id: null, content: 'bye' });
  });
});

describe('messages with their own token, per actor', () => {
  const attempt = (actor: Actor, g: Group) => asActor(db.sql, actor, async (tx) => ({
    select: (await tx`select author_id from public.messages where session_id = ${g.session}`).map((r) => r.author_id),
    update: await tx.savepoint((sp) => sp`update public.messages set author_id = ${typeof actor === 'string' ? null : actor.id} where id = ${g.message} returning id`)
      .then(() => 'allowed', (e: Error) => (PERMISSION_DENIED.test(e.message) ? 'denied' : e.message)),
  }));

  it('owner: reads (author included) and deletes; may not insert or update', async () => {
    const g = await group();
    expect(await attempt(g.owner, g)).toEqual({ select: [g.owner.id], update: 'denied' });
    await expect(asActor(db.sql, g.owner, (tx) => tx`insert into public.messages (session_id, user_id, author_id, sender, content)
      values (${g.session}, ${g.owner.id}, ${g.owner.id}, 'user', 'x')`)).rejects.toThrow(PERMISSION_DENIED);
    expect(await asActor(db.sql, g.owner, (tx) => tx`delete from public.messages where id = ${g.message} returning id`)).toHaveLength(1);
  });

  it('member and viewer: read; may not insert, update or delete', async () => {
    const g = await group();
    for (const actor of [g.member, g.viewer]) {
      expect(await attempt(actor, g)).toEqual({ select: [g.owner.id], update: 'denied' });
      await expect(asActor(db.sql, actor, (tx) => tx`insert into public.messages (session_id, user_id, author_id, sender, content)
        values (${g.session}, ${g.owner.id}, ${actor.id}, 'user', 'x')`)).rejects.toThrow(PERMISSION_DENIED);
      expect(await asActor(db.sql, actor, (tx) => tx`delete from public.messages where id = ${g.message} returning id`)).toEqual([]);
    }
  });

  it('removed member and another user: see nothing, change nothing', async () => {
    const g = await group();
    for (const actor of [g.removed, g.stranger]) {
      expect(await attempt(actor, g)).toEqual({ select: [], update: 'denied' });
      expect(await asActor(db.sql, actor, (tx) => tx`delete from public.messages where id = ${g.message} returning id`)).toEqual([]);
    }
  });

  it('anonymous: no access at all', async () => {
    const g = await group();
    await expect(asActor(db.sql, 'anon', (tx) => tx`select author_id from public.messages`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`insert into public.messages (session_id, user_id, sender) values (${g.session}, ${g.owner.id}, 'user')`))
      .rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`delete from public.messages`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('chat_sessions.share_owner_key, per actor', () => {
  const setSharing = (actor: Actor, g: Group, on: boolean) => asActor(db.sql, actor, (tx) =>
    tx`update public.chat_sessions set share_owner_key = ${on} where id = ${g.session} returning share_owner_key`);

  it('the owner reads and turns it on and off; members and viewers read it; nobody else reads or changes it', async () => {
    const g = await group();
    expect(await setSharing(g.owner, g, true)).toEqual([{ share_owner_key: true }]);
    for (const actor of [g.member, g.viewer]) {
      expect(await asActor(db.sql, actor, (tx) => tx`select share_owner_key from public.chat_sessions where id = ${g.session}`)).toEqual([{ share_owner_key: true }]);
      expect(await setSharing(actor, g, false)).toEqual([]);
    }
    for (const actor of [g.removed, g.stranger]) {
      expect(await asActor(db.sql, actor, (tx) => tx`select share_owner_key from public.chat_sessions where id = ${g.session}`)).toEqual([]);
      expect(await setSharing(actor, g, false)).toEqual([]);
    }
    await expect(setSharing('anon', g, false)).rejects.toThrow(PERMISSION_DENIED);
    // Nobody but the owner can create a chat that shares someone else's key, or delete it.
    await expect(asActor(db.sql, g.member, (tx) => tx`insert into public.chat_sessions (user_id, share_owner_key) values (${g.owner.id}, true)`)).rejects.toThrow(RLS_VIOLATION);
    expect(await asActor(db.sql, g.member, (tx) => tx`delete from public.chat_sessions where id = ${g.session} returning id`)).toEqual([]);
    expect((await db.sql`select share_owner_key from public.chat_sessions where id = ${g.session}`)[0].share_owner_key).toBe(true);
  });
});

describe('message_author_names', () => {
  it("gives participants and past authors their display names (no email) — to the chat's owner and members only", async () => {
    const g = await group();
    await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content) values (${g.session}, ${g.owner.id}, ${g.member.id}, 'user', 'hi')`;
    // The member leaves; their name stays on what they wrote.
    await db.sql`delete from public.session_members where user_id = ${g.member.id}`;
    const ids = [g.owner.id, g.member.id, g.viewer.id, g.removed.id, g.stranger.id];
    const names = (actor: Actor) => asActor(db.sql, actor, (tx) => tx`select user_id, display_name from public.message_author_names(${g.session}, ${ids}) order by display_name`);
    const expected = [
      { user_id: g.member.id, display_name: 'Mia Member' },
      { user_id: g.owner.id, display_name: 'Olive Owner' },
      { user_id: g.viewer.id, display_name: 'Vic Viewer' },
    ];
    expect(await names(g.owner)).toEqual(expected);
    expect(await names(g.viewer)).toEqual(expected);
    for (const outsider of [g.member, g.removed, g.stranger]) expect(await names(outsider)).toEqual([]);
    await expect(names('anon')).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('realtime.messages: presence on person topics', () => {
  // group() removed one member, so the chat's channel is at epoch 1.
  const topicOf = (g: Group) => `session:${g.session}:1`;
  const personOf = (g: Group, who: AuthUser, epoch = 1) => `session:${g.session}${epoch ? `:${epoch}` : ''}:person:${who.id}`;
  /** Hosted Realtime's checks, as the actor: presence read (select) and presence track (insert). */
  const presence = (actor: Actor, topic: string) => asActor(db.sql, actor, async (tx) => {
    await tx`select set_config('realtime.topic', ${topic}, true)`;
    const read = (await tx`select 1 from realtime.messages where topic = ${topic} and extension = 'presence'`).length > 0;
    // The probe row is rolled back, as Realtime rolls its checks back.
    const write = await tx.savepoint(async (sp) => {
      await sp`insert into realtime.messages (topic, extension, event, payload, private) values (${topic}, 'presence', 'track', '{}', true)`;
      throw new Error('roll back');
    }).then(() => true, (e: Error) => {
      if (e.message === 'roll back') return true;
      if (RLS_VIOLATION.test(e.message) || PERMISSION_DENIED.test(e.message)) return false;
      throw e;
    });
    return { read, write };
  });

  it("owner, member and viewer see each participant's presence and publish only on their own topic; removed, other users and anonymous do neither", async () => {
    const g = await group();
    const everyone = [g.owner, g.member, g.viewer, g.removed, g.stranger];
    for (const who of everyone) await db.sql`insert into realtime.messages (topic, extension, event, payload, private) values (${personOf(g, who)}, 'presence', 'sync', '{}', true)`;
    for (const actor of [g.owner, g.member, g.viewer]) {
      for (const whose of [g.owner, g.member, g.viewer]) {
        expect(await presence(actor, personOf(g, whose)), `${actor.email} on ${whose.email}'s topic`).toEqual({ read: true, write: actor === whose });
      }
    }
    for (const actor of [g.removed, g.stranger]) {
      for (const whose of everyone) expect(await presence(actor, personOf(g, whose))).toEqual({ read: false, write: false });
    }
    for (const whose of everyone) expect(await presence('anon', personOf(g, whose))).toEqual({ read: false, write: false });
  });

  it('nobody sees or publishes presence on the shared session topic, where any key could be claimed', async () => {
    const g = await group();
    await db.sql`insert into realtime.messages (topic, extension, event, payload, private) values (${topicOf(g)}, 'presence', 'sync', '{}', true)`;
    for (const actor of [g.owner, g.member, g.viewer]) expect(await presence(actor, topicOf(g))).toEqual({ read: false, write: false });
  });

  it('a malformed topic or another session authorises nothing; nobody updates or deletes realtime rows', async () => {
    const g = await group();
    const other = await group();
    for (const topic of ['session:not-a-uuid', `session:${g.session}:1:person:not-a-uuid`, `${personOf(g, g.owner)}:x`, `x${personOf(g, g.owner)}`]) {
      expect(await presence(g.owner, topic), topic).toEqual({ read: false, write: false });
    }
    expect(await presence(g.member, personOf(other, other.owner))).toEqual({ read: false, write: false });
    expect(await presence(g.member, personOf(other, g.member))).toEqual({ read: false, write: false });
    await db.sql`insert into realtime.messages (topic, extension, event, payload, private) values (${personOf(g, g.owner)}, 'presence', 'sync', '{}', true)`;
    for (const actor of [g.owner, g.member]) {
      for (const topic of [topicOf(g), personOf(g, g.owner)]) {
        const changed = await asActor(db.sql, actor, (tx) => tx`update realtime.messages set event = 'x' where topic = ${topic} returning id`)
          .catch((e: Error) => (PERMISSION_DENIED.test(e.message) ? [] : Promise.reject(e)));
        const deleted = await asActor(db.sql, actor, (tx) => tx`delete from realtime.messages where topic = ${topic} returning id`)
          .catch((e: Error) => (PERMISSION_DENIED.test(e.message) ? [] : Promise.reject(e)));
        expect([changed, deleted]).toEqual([[], []]);
      }
    }
  });

  it('a removal (or a member leaving) moves the channel to a new epoch: only the current topic authorises anyone', async () => {
    const g = await group();
    // group() already removed one member: the chat is at epoch 1.
    const epoch = async () => (await db.sql`select channel_epoch from public.chat_sessions where id = ${g.session}`)[0].channel_epoch;
    expect(await epoch()).toBe(1);
    for (const topic of [personOf(g, g.owner), personOf(g, g.removed), personOf(g, g.owner, 0), personOf(g, g.owner, 2)]) {
      await db.sql`insert into realtime.messages (topic, extension, event, payload, private) values (${topic}, 'presence', 'sync', '{}', true)`;
    }
    expect(await presence(g.owner, personOf(g, g.owner))).toEqual({ read: true, write: true });
    expect(await presence(g.member, personOf(g, g.owner))).toEqual({ read: true, write: false });
    expect(await presence(g.removed, personOf(g, g.removed))).toEqual({ read: false, write: false });
    // The epoch-0 topic and any other epoch authorise nobody any more.
    for (const topic of [personOf(g, g.owner, 0), personOf(g, g.owner, 2), `session:${g.session}:01:person:${g.owner.id}`]) {
      expect(await presence(g.owner, topic), topic).toEqual({ read: false, write: false });
    }
    // The viewer leaves: epoch 2.
    await asActor(db.sql, g.viewer, (tx) => tx`delete from public.session_members where user_id = ${g.viewer.id}`);
    expect(await epoch()).toBe(2);
    // Nobody moves it back with their own token (the owner's update keeps it).
    await asActor(db.sql, g.owner, (tx) => tx`update public.chat_sessions set channel_epoch = 0, title = 'Renamed' where id = ${g.session}`);
    expect(await db.sql`select channel_epoch, title from public.chat_sessions where id = ${g.session}`).toEqual([{ channel_epoch: 2, title: 'Renamed' }]);
  });

  it("client broadcasts stay refused on session channels and person topics, for the owner and members alike", async () => {
    const g = await group();
    for (const actor of [g.owner, g.member, g.viewer]) {
      for (const topic of [topicOf(g), personOf(g, actor)]) {
        await expect(asActor(db.sql, actor, async (tx) => {
          await tx`select set_config('realtime.topic', ${topic}, true)`;
          await tx`insert into realtime.messages (topic, extension, event, payload, private) values (${topic}, 'broadcast', 'typing', '{}', true)`;
        })).rejects.toThrow(RLS_VIOLATION);
      }
    }
  });
});
