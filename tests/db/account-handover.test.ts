// Deleting an account that owns group chats, per actor: the heir (the longest-standing member,
// who owns the chat afterwards), the other people in it, the deleted owner, and a stranger. The
// chat, its messages and its counts survive; what was the old owner's alone (their project,
// share links, invitations, key sharing) does not; the old owner's words stay as a former
// member's. The same whichever way the auth user goes (20261208040000).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, type Actor, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

interface Team { owner: AuthUser; viewer: AuthUser; heir: AuthUser; other: AuthUser; stranger: AuthUser; session: string; project: string }

/** The owner's chat, filed in their project, shared and paid by them: a viewer joined first, then
 * the heir, then another member; the owner and both members wrote; the heir pinned it. */
async function team(): Promise<Team> {
  const [owner, viewer, heir, other, stranger] = await Promise.all([1, 2, 3, 4, 5].map(() => createAuthUser(db.sql)));
  const [project] = await db.sql`insert into public.projects (user_id, name) values (${owner!.id}, 'Owner project') returning id`;
  const [chat] = await db.sql`insert into public.chat_sessions (user_id, title, project_id, share_owner_key)
    values (${owner!.id}, 'Team chat', ${project!.id}, true) returning id`;
  const session = chat!.id as string;
  await joinGroupChat(db.sql, owner!, viewer!, session, 'viewer');
  await joinGroupChat(db.sql, owner!, heir!, session, 'member');
  await joinGroupChat(db.sql, owner!, other!, session, 'member');
  for (const [author, content] of [[owner!, 'owner writes'], [heir!, 'heir writes'], [other!, 'other writes']] as const) {
    await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content) values (${session}, ${owner!.id}, ${author.id}, 'user', ${content})`;
    await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content) values (${session}, ${owner!.id}, ${author.id}, 'assistant', ${`answer to ${content}`})`;
  }
  await asActor(db.sql, heir!, (tx) => tx`insert into public.session_marks (user_id, session_id, pinned_at) values (${heir!.id}, ${session}, now())`);
  await db.sql`insert into public.session_shares (session_id, user_id, token_hash) values (${session}, ${owner!.id}, sha256(${crypto.randomUUID()}::bytea))`;
  await db.sql`insert into public.session_invitations (session_id, owner_id, email, role) values (${session}, ${owner!.id}, 'later@example.test', 'member')`;
  return { owner: owner!, viewer: viewer!, heir: heir!, other: other!, stranger: stranger!, session, project: project!.id };
}

const counts = async (user: AuthUser) => {
  const [row] = await db.sql`select chat_sessions::int, messages::int from private.user_row_counts where user_id = ${user.id}`;
  return row ?? { chat_sessions: 0, messages: 0 };
};

const readable = (actor: Actor, session: string) =>
  asActor(db.sql, actor, (tx) => tx`select content, author_id from public.messages where session_id = ${session} and sender = 'user' order by created_at`);

/** Events on the chat's channel at `epoch` and the payloads naming who left. */
const channelSignals = async (session: string, epoch: number) => db.sql`
  select event, payload from realtime.messages where topic = ${epoch > 0 ? `session:${session}:${epoch}` : `session:${session}`} order by inserted_at, id`;

describe('deleting an account that owns a group chat', () => {
  it('hands the chat to the longest-standing member: theirs now, everything written kept, the old owner a former member', async () => {
    const t = await team();
    const [{ channel_epoch: epoch }] = await db.sql`select channel_epoch from public.chat_sessions where id = ${t.session}`;
    const heirBefore = await counts(t.heir);

    await db.sql`delete from auth.users where id = ${t.owner.id}`;

    // The heir owns it (a member before the viewer who joined earlier), outside any project, on their own key.
    const [chat] = await db.sql`select user_id, project_id, share_owner_key, channel_epoch from public.chat_sessions where id = ${t.session}`;
    expect(chat).toMatchObject({ user_id: t.heir.id, project_id: null, share_owner_key: false, channel_epoch: epoch + 1 });
    // Every message is there, the chat owner's rows now the heir's; the old owner's words have no author.
    const messages = await db.sql`select user_id, author_id, content from public.messages where session_id = ${t.session} order by created_at`;
    expect(messages).toHaveLength(6);
    expect(new Set(messages.map((m) => m.user_id))).toEqual(new Set([t.heir.id]));
    expect(messages.filter((m) => m.author_id === null).map((m) => m.content)).toEqual(['owner writes', 'answer to owner writes']);
    // The heir reads all of it as the owner; the others as before; the stranger nothing.
    expect((await readable(t.heir, t.session)).map((m) => m.content)).toEqual(['owner writes', 'heir writes', 'other writes']);
    for (const member of [t.other, t.viewer]) expect(await readable(member, t.session)).toHaveLength(3);
    expect(await readable(t.stranger, t.session)).toEqual([]);
    // The people: the heir is no longer a member; the others' rows name the new owner.
    const people = await db.sql`select user_id, owner_id, role from public.session_members where session_id = ${t.session} order by role`;
    expect(people).toEqual([{ user_id: t.other.id, owner_id: t.heir.id, role: 'member' }, { user_id: t.viewer.id, owner_id: t.heir.id, role: 'viewer' }]);
    // Their pin is kept, now an owner's mark.
    expect(await db.sql`select member_id, pinned_at is not null as pinned from public.session_marks where session_id = ${t.session}`)
      .toEqual([{ member_id: null, pinned: true }]);
    // The old owner's share link and invitations went with them.
    expect(await db.sql`select 1 from public.session_shares where session_id = ${t.session}`).toEqual([]);
    expect(await db.sql`select 1 from public.session_invitations where session_id = ${t.session}`).toEqual([]);
    // Counters: the heir counts the chat and its messages; the chat's own count is unchanged.
    expect(await counts(t.heir)).toEqual({ chat_sessions: heirBefore.chat_sessions + 1, messages: heirBefore.messages + 6 });
    expect(await db.sql`select messages::int from private.chat_message_counts where session_id = ${t.session}`).toEqual([{ messages: 6 }]);
    // The old channel is told the old owner left, with the new epoch; nothing says the heir was removed.
    const signals = await channelSignals(t.session, epoch);
    expect(signals.filter((s) => s.event === 'member_removed').map((s) => [s.payload.user_id, s.payload.channel_epoch]))
      .toEqual([[t.owner.id, epoch + 1]]);
    expect(await db.sql`select 1 from realtime.messages where event = 'member_removed' and payload->>'user_id' = ${t.heir.id}`).toEqual([]);
    // Everyone still in it has their chat list read again.
    for (const person of [t.heir, t.other, t.viewer]) {
      const events = await db.sql`select event from realtime.messages where topic = ${`user:${person.id}`} and event = 'memberships_changed' and inserted_at > now() - interval '1 minute'`;
      expect(events.length).toBeGreaterThan(0);
    }
    expect(await db.sql`select from_user_id, to_user_id from private.chat_handovers where session_id = ${t.session}`)
      .toEqual([{ from_user_id: t.owner.id, to_user_id: t.heir.id }]);
  });

  it('the heir owns it as any chat of theirs: renames it, posts, removes people, files it in their own project — not the old one', async () => {
    const t = await team();
    const [mine] = await db.sql`insert into public.projects (user_id, name) values (${t.heir.id}, 'Heir project') returning id`;
    await db.sql`delete from auth.users where id = ${t.owner.id}`;
    // The old owner's project went with them; the heir's own is untouched and empty.
    expect(await db.sql`select id from public.projects where id = ${t.project}`).toEqual([]);
    expect(await db.sql`select count(*)::int as n from public.chat_sessions where project_id = ${mine!.id}`).toEqual([{ n: 0 }]);
    await asActor(db.sql, t.heir, async (tx) => {
      await tx`update public.chat_sessions set title = 'Ours now', project_id = ${mine!.id} where id = ${t.session}`;
      await tx`delete from public.session_members where session_id = ${t.session} and user_id = ${t.viewer.id}`;
    });
    expect(await db.sql`select title, project_id from public.chat_sessions where id = ${t.session}`).toEqual([{ title: 'Ours now', project_id: mine!.id }]);
    // The heir and the other member keep posting (the API writes as the chat's owner, naming the author).
    for (const author of [t.heir, t.other]) {
      await db.sql`insert into public.messages (session_id, user_id, author_id, sender, content) values (${t.session}, ${t.heir.id}, ${author.id}, 'user', 'carrying on')`;
    }
    expect(await readable(t.other, t.session)).toHaveLength(5);
    expect(await readable(t.viewer, t.session)).toEqual([]);
  });

  it('a chat with nobody else in it goes with the account, as before; a viewer alone inherits theirs', async () => {
    const [owner, viewer] = await Promise.all([1, 2].map(() => createAuthUser(db.sql)));
    const [solo] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner!.id}, 'Solo') returning id`;
    const [watched] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner!.id}, 'Watched') returning id`;
    await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${watched!.id}, ${owner!.id}, 'user', 'for the viewer')`;
    await joinGroupChat(db.sql, owner!, viewer!, watched!.id, 'viewer');
    // Deleted the API's way (DELETE /api/me).
    await db.sql`select private.delete_account(${owner!.id}::uuid)`;
    expect(await db.sql`select 1 from public.chat_sessions where id = ${solo!.id}`).toEqual([]);
    expect(await db.sql`select user_id from public.chat_sessions where id = ${watched!.id}`).toEqual([{ user_id: viewer!.id }]);
    expect(await readable(viewer!, watched!.id)).toEqual([{ content: 'for the viewer', author_id: null }]);
  });

  it('goes through even when it takes the heir past their chat quota', async () => {
    const t = await team();
    const [{ quota }] = await db.sql`select private.row_quota('chat_sessions')::int as quota`;
    await db.sql`insert into private.user_row_counts (user_id, chat_sessions) values (${t.heir.id}, ${quota})
      on conflict (user_id) do update set chat_sessions = ${quota}`;
    await db.sql`delete from auth.users where id = ${t.owner.id}`;
    expect(await db.sql`select user_id from public.chat_sessions where id = ${t.session}`).toEqual([{ user_id: t.heir.id }]);
    // Over it, they add no chat until they delete some.
    await expect(asActor(db.sql, t.heir, (tx) => tx`insert into public.chat_sessions (user_id) values (${t.heir.id})`)).rejects.toThrow(/limit/);
  });

  it('when the heir goes in the same statement (before or after the owner), the chat passes on to the next person', async () => {
    const t = await team();
    await db.sql`delete from auth.users where id in ${db.sql([t.owner.id, t.heir.id])}`;
    expect(await db.sql`select user_id from public.chat_sessions where id = ${t.session}`).toEqual([{ user_id: t.other.id }]);
    // The heir's row first: someone whose account is going is no heir.
    const u = await team();
    await db.sql`with gone as (select id from auth.users where id = ${u.heir.id})
      delete from auth.users where id in (select id from gone union all select ${u.owner.id}::uuid)`;
    expect(await db.sql`select user_id from public.chat_sessions where id = ${u.session}`).toEqual([{ user_id: u.other.id }]);
    expect(await db.sql`select count(*)::int as n from public.messages where session_id = ${t.session}`).toEqual([{ n: 6 }]);
  });
});

describe('email addresses in a handed-over chat (public.session_participants)', () => {
  const emails = async (actor: AuthUser, session: string) => Object.fromEntries(
    (await asActor(db.sql, actor, (tx) => tx`select user_id, email from public.session_participants(${session})`))
      .map((r) => [r.user_id as string, r.email as string | null]));

  it('the heir sees only their own and those of people who accepted their invitations; everyone else as before', async () => {
    const t = await team();
    await db.sql`delete from auth.users where id = ${t.owner.id}`;
    // The people the old owner invited gave their addresses to the old owner, not to the heir.
    expect(await emails(t.heir, t.session)).toEqual({ [t.heir.id]: t.heir.email, [t.viewer.id]: null, [t.other.id]: null });
    // Each of them still sees their own, and no one else's (the heir's included).
    expect(await emails(t.viewer, t.session)).toEqual({ [t.heir.id]: null, [t.viewer.id]: t.viewer.email, [t.other.id]: null });
    expect(await emails(t.other, t.session)).toEqual({ [t.heir.id]: null, [t.viewer.id]: null, [t.other.id]: t.other.email });
    // Someone the heir invites gives the heir their address, and so does someone who left and
    // accepts the heir's invitation; the others do not see either.
    const late = await createAuthUser(db.sql);
    await joinGroupChat(db.sql, t.heir, late, t.session, 'member');
    await asActor(db.sql, t.other, (tx) => tx`delete from public.session_members where session_id = ${t.session} and user_id = ${t.other.id}`);
    await joinGroupChat(db.sql, t.heir, t.other, t.session, 'viewer');
    expect(await emails(t.heir, t.session)).toEqual({
      [t.heir.id]: t.heir.email, [t.viewer.id]: null, [t.other.id]: t.other.email, [late.id]: late.email,
    });
    expect(await emails(t.viewer, t.session)).toEqual({ [t.heir.id]: null, [t.viewer.id]: t.viewer.email, [t.other.id]: null, [late.id]: null });
    expect(await emails(late, t.session)).toEqual({ [t.heir.id]: null, [t.viewer.id]: null, [t.other.id]: null, [late.id]: late.email });
    // The stranger reads nothing.
    expect(await emails(t.stranger, t.session)).toEqual({});
  });

  it('a chat handed over twice: the second heir sees none of the addresses given to the first or to the original owner', async () => {
    const t = await team();
    await db.sql`delete from auth.users where id = ${t.owner.id}`;
    const late = await createAuthUser(db.sql);
    await joinGroupChat(db.sql, t.heir, late, t.session, 'member');
    await db.sql`delete from auth.users where id = ${t.heir.id}`;
    // The other member (a member before the viewer) is the next owner.
    expect(await emails(t.other, t.session)).toEqual({ [t.other.id]: t.other.email, [t.viewer.id]: null, [late.id]: null });
  });
});

// Security review 8 #2: an invitation to the address of someone the previous owner invited was
// refused (MRG03, 409 already_member), any other address accepted, so the heir could confirm guesses.
describe('inviting addresses in a handed-over chat (public.invite_session_member)', () => {
  const code = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: { code?: string }) => error.code);
  const invite = (actor: AuthUser, session: string, email: string, role = 'member') =>
    asActor(db.sql, actor, (tx) => tx`select public.invite_session_member(${session}, ${email}, ${role}) as id`).then((rows) => rows[0]!.id as string);
  const memberships = (session: string) => db.sql`
    select user_id, role, created_at from public.session_members where session_id = ${session} order by created_at`;
  const pending = (session: string) => db.sql`select email from public.session_invitations where session_id = ${session} order by email`;

  it('the original owner, before any hand-over, is told the people they invited are in already', async () => {
    const t = await team();
    for (const who of [t.viewer, t.heir, t.other]) expect(await code(invite(t.owner, t.session, who.email))).toBe('MRG03');
  });

  it('the heir gets the same answer for an address of someone the previous owner invited as for any other address', async () => {
    const t = await team();
    await db.sql`delete from auth.users where id = ${t.owner.id}`;
    const before = await memberships(t.session);
    expect(await code(invite(t.heir, t.session, 'vic.smith@example.test', 'viewer'))).toBe('no error');
    expect(await code(invite(t.heir, t.session, t.viewer.email.toUpperCase(), 'viewer'))).toBe('no error');
    expect(await code(invite(t.heir, t.session, t.other.email, 'viewer'))).toBe('no error');
    // Both left a pending invitation the heir sees, and nobody's membership changed.
    expect((await pending(t.session)).map((r) => r.email)).toEqual([t.other.email, t.viewer.email, 'vic.smith@example.test'].map((e) => e.toLowerCase()).sort());
    expect(await memberships(t.session)).toEqual(before);
    // Someone who joined at the heir's invitation gave the heir their address: that refusal stays.
    const late = await createAuthUser(db.sql);
    await joinGroupChat(db.sql, t.heir, late, t.session, 'member');
    expect(await code(invite(t.heir, t.session, late.email))).toBe('MRG03');
    expect(await code(invite(t.heir, t.session, t.heir.email))).toBe('MRG02');
  });

  it('a member, old or new, still may not invite anyone', async () => {
    const t = await team();
    await db.sql`delete from auth.users where id = ${t.owner.id}`;
    for (const email of [t.viewer.email, 'someone@example.test']) expect(await code(invite(t.other, t.session, email))).toBe('MRG01');
  });

  it('the member such an invitation reaches may decline it, or accept it and stay the one member they were', async () => {
    const t = await team();
    await db.sql`delete from auth.users where id = ${t.owner.id}`;
    const [before] = await db.sql`select created_at from public.session_members where session_id = ${t.session} and user_id = ${t.viewer.id}`;
    const first = await invite(t.heir, t.session, t.viewer.email, 'member');
    expect(await asActor(db.sql, t.viewer, (tx) => tx`select id, role from public.my_session_invitations()`)).toEqual([{ id: first, role: 'member' }]);
    expect(await asActor(db.sql, t.viewer, (tx) => tx`select public.decline_session_invitation(${first}) as declined`)).toEqual([{ declined: true }]);
    const again = await invite(t.heir, t.session, t.viewer.email, 'member');
    const [joined] = await asActor(db.sql, t.viewer, (tx) => tx`select public.accept_session_invitation(${again}) as id`);
    expect(joined!.id).toBe(t.session);
    // One row, as old as it was (its place in line for the next hand-over), with the role accepted;
    // the heir still does not see the address the viewer gave the previous owner.
    expect(await db.sql`select role, created_at from public.session_members where session_id = ${t.session} and user_id = ${t.viewer.id}`)
      .toEqual([{ role: 'member', created_at: before!.created_at }]);
    const [seen] = await asActor(db.sql, t.heir, (tx) => tx`select email from public.session_participants(${t.session}) where user_id = ${t.viewer.id}`);
    expect(seen!.email).toBeNull();
    expect(await pending(t.session)).toEqual([]);
  });
});

describe("what deleting one's account does to others (public.my_account_deletion_impact)", () => {
  it('names each group chat and its heir, each share link and each public prompt with its forks; to the owner only', async () => {
    const t = await team();
    await db.sql`update public.profiles set display_name = 'Heidi' where id = ${t.heir.id}`;
    const [prompt] = await db.sql`insert into public.prompts (user_id, title, content, is_public) values (${t.owner.id}, 'Shared prompt', 'x', true) returning id`;
    await db.sql`insert into public.prompts (user_id, title, content, forked_from) values (${t.stranger.id}, 'Fork', 'x', ${prompt!.id})`;
    await db.sql`insert into public.prompts (user_id, title, content) values (${t.owner.id}, 'Private prompt', 'x')`;
    const impact = await asActor(db.sql, t.owner, (tx) => tx`select * from public.my_account_deletion_impact()`);
    expect(impact).toEqual([
      { kind: 'group_chat', id: t.session, title: 'Team chat', heir_id: t.heir.id, heir_name: 'Heidi', people: 3 },
      { kind: 'public_prompt', id: prompt!.id, title: 'Shared prompt', heir_id: null, heir_name: null, people: 1 },
      { kind: 'share_link', id: t.session, title: 'Team chat', heir_id: null, heir_name: null, people: null },
    ]);
    // A member's own impact says nothing of the owner's chat; anonymous callers may not ask.
    expect(await asActor(db.sql, t.heir, (tx) => tx`select * from public.my_account_deletion_impact()`)).toEqual([]);
    await expect(asActor(db.sql, 'anon', (tx) => tx`select * from public.my_account_deletion_impact()`)).rejects.toThrow(/permission denied/);
  });
});
