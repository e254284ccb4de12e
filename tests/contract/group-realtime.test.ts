/**
 * Group chats live, judged by the official client against the whole local stack (gateway,
 * Realtime, the real Deno function): the owner, members and viewers share presence (who is
 * there, who is typing: channel.track) each on their own topic `session:<id>:person:<user id>`,
 * which every participant reads and only that person publishes on — authorised by the app's RLS
 * policies on realtime.messages with extension 'presence', as hosted Realtime does
 * (https://supabase.com/docs/guides/realtime/authorization) — and nobody else may join; nobody
 * may broadcast, and nobody tracks on the shared `session:<id>`. A removed member stops receiving: postgres_changes at once (RLS per change);
 * the chat's channel moves to a new epoch (`session:<id>:1`) that only the remaining people may
 * join, so nothing more is sent where the removed member listens — on hosted too, where a
 * joined channel keeps its authorisation — and local Realtime also closes the old channels.
 */
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionsDirWithEnv } from '../faults/helpers.ts';
import { asActor } from '../helpers/actors.ts';
import { readSse } from '../helpers/api.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { callApi, groupChatWith, join, printStackLogOnFailure, realtimePerson, settle } from './realtime-channels.ts';

let stack: TestStack;
printStackLogOnFailure(() => stack);
let functionsDir: Awaited<ReturnType<typeof functionsDirWithEnv>>;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  functionsDir = await functionsDirWithEnv({});
  stack = await startTestStack({ demoProvider: true, functionsDir: functionsDir.dir });
});
afterAll(async () => {
  for (const client of clients) await client.removeAllChannels();
  await stack?.stop();
  await functionsDir?.remove();
});

const api = (client: SupabaseClient, method: string, path: string, body?: unknown) => callApi(stack, client, method, path, body);

const person = () => realtimePerson(stack, clients);
const groupChat = (roles: ('member' | 'viewer')[]) => groupChatWith(stack, clients, roles);

const present = (channel: RealtimeChannel) => channel.presenceState() as Record<string, { typing?: boolean; name?: string }[]>;
const chat = async (client: SupabaseClient, sessionId: string, message: string) => {
  const res = await api(client, 'POST', '/chat', { provider: 'demo', model: 'demo-model', session_id: sessionId, message });
  expect(res.status).toBe(200);
  return await readSse(res);
};

/** postgres_changes the way the web app follows a chat: its messages, plus the user's own sessions. */
async function followChanges(client: SupabaseClient, sessionId: string, userId: string) {
  const changes: { table: string; type: string; row: Record<string, unknown> }[] = [];
  const checks = new Set<() => void>();
  const channel = client.channel(`changes-${crypto.randomUUID()}`);
  const push = (table: string) => (c: { eventType: string; new: Record<string, unknown> }) => {
    changes.push({ table, type: c.eventType, row: c.new });
    for (const check of [...checks]) check();
  };
  channel.on('postgres_changes', { event: '*', schema: 'public', table: 'messages', filter: `session_id=eq.${sessionId}` }, push('messages'));
  channel.on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'chat_sessions', filter: `user_id=eq.${userId}` }, push('chat_sessions'));
  const confirmed = new Promise<void>((resolve) => channel.on('system', {}, (m: { extension?: string; status?: string }) => {
    if (m.extension === 'postgres_changes' && m.status === 'ok') resolve();
  }));
  await new Promise<void>((resolve, reject) => channel.subscribe((status, error) => {
    if (status === 'SUBSCRIBED') resolve();
    else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
  }));
  await confirmed;
  const until = (check: () => boolean, what: string) => new Promise<void>((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 15_000);
    const run = () => { if (check()) { clearTimeout(timer); checks.delete(run); resolve(); } };
    checks.add(run);
  });
  return { changes, until };
}

describe('presence on person topics', () => {
  const personTopic = (id: string, who: { user: { id: string } }, epoch = '') => `session:${id}${epoch}:person:${who.user.id}`;

  it('owner, member and viewer see who is in the chat and who is typing; another user cannot join', async () => {
    const { owner, people: [member, viewer], id } = await groupChat(['member', 'viewer']);
    const everyone = [owner, member!, viewer!];
    // Each publishes on their own topic.
    for (const who of everyone) {
      const own = await join(who.client, personTopic(id, who), { private: true, presence: { key: who.user.id } }, true);
      expect(await own.channel.track({ typing: who === member })).toBe('ok');
    }
    // The owner and the viewer follow the member's topic.
    const ownerWatch = await join(owner.client, personTopic(id, member!), { private: true, presence: { key: owner.user.id } }, true);
    const viewerWatch = await join(viewer!.client, personTopic(id, owner), { private: true, presence: { key: viewer!.user.id } }, true);
    await ownerWatch.until(() => present(ownerWatch.channel)[member!.user.id]?.[0]?.typing === true, 'the member typing');
    await viewerWatch.until(() => owner.user.id in present(viewerWatch.channel), 'the owner, seen by the viewer');

    const stranger = await person();
    const refused = await settle(join(stranger.client, personTopic(id, member!), { private: true, presence: { key: stranger.user.id } }, true));
    expect(refused).toBeInstanceOf(Error);
    expect(String(refused)).toMatch(/Unauthorized|permissions to read/);
  });

  it("nobody shows up as someone else: no presence on the shared topic, and on one's own topic any key is still them", async () => {
    const { owner, people: [member, viewer], id } = await groupChat(['member', 'viewer']);
    // The member's client picks the owner's id as its key (hosted takes keys as sent, and so does local).
    const shared = await join(member!.client, `session:${id}`, { private: true, presence: { key: owner.user.id } }, true);
    expect(await shared.channel.track({ typing: true })).toBe('error');
    const own = await join(member!.client, personTopic(id, member!), { private: true, presence: { key: owner.user.id } }, true);
    expect(await own.channel.track({ typing: true })).toBe('ok');
    // What the viewer follows says whose it is: the topic is the member's, whatever the key.
    const viewerWatch = await join(viewer!.client, personTopic(id, member!), { private: true, presence: { key: viewer!.user.id } }, true);
    await viewerWatch.until(() => Object.keys(present(viewerWatch.channel)).length === 1, "the member's entry");
    // It arrives under the forged key: the app names the entry by the topic (lib/chat/person-presence.ts).
    expect(Object.keys(present(viewerWatch.channel))).toEqual([owner.user.id]);
    // And on the owner's topic, the member's track is refused.
    const spoof = await join(member!.client, personTopic(id, owner), { private: true, presence: { key: owner.user.id } }, true);
    expect(await spoof.channel.track({ typing: true })).toBe('error');
  });

  it('nobody broadcasts on a session channel: a viewer\'s (or member\'s) broadcast reaches no one', async () => {
    const { owner, people: [member, viewer], id } = await groupChat(['member', 'viewer']);
    const topic = `session:${id}`;
    const ownerView = await join(owner.client, topic, { private: true });
    const viewerView = await join(viewer!.client, topic, { private: true });
    const memberView = await join(member!.client, topic, { private: true });
    const watches = [];
    for (const who of [viewer!, member!]) watches.push(await join(owner.client, personTopic(id, who), { private: true, presence: { key: owner.user.id } }, true));
    await viewerView.channel.send({ type: 'broadcast', event: 'delta', payload: { text: 'forged' } });
    await memberView.channel.send({ type: 'broadcast', event: 'delta', payload: { text: 'forged too' } });
    // Each socket is handled in order: once their later presence arrives, the broadcasts were decided.
    for (const who of [viewer!, member!]) {
      const own = await join(who.client, personTopic(id, who), { private: true, presence: { key: who.user.id } }, true);
      await own.channel.track({ typing: false });
    }
    for (const watch of watches) await watch.until(() => Object.keys(present(watch.channel)).length === 1, 'the track');
    // The database's members_changed (sent for the acceptances just made, 20261207115000) may
    // still land after the join; no client's broadcast does.
    expect(ownerView.broadcasts.filter((b) => b.event !== 'members_changed')).toEqual([]);
  });
});

describe('removing a member', () => {
  it('stops their live updates: postgres_changes at once, the private channel (broadcast, presence) moves on without them', async () => {
    const { owner, people: [member], id } = await groupChat(['member']);
    const topic = `session:${id}`;
    const ownerView = await join(owner.client, topic, { private: true });
    const memberView = await join(member!.client, topic, { private: true });
    const memberChanges = await followChanges(member!.client, id, member!.user.id);
    const memberOwn = await join(member!.client, `session:${id}:person:${member!.user.id}`, { private: true, presence: { key: member!.user.id } }, true);
    const ownerWatch = await join(owner.client, `session:${id}:person:${member!.user.id}`, { private: true, presence: { key: owner.user.id } }, true);
    expect(await memberOwn.channel.track({ typing: false })).toBe('ok');
    await ownerWatch.until(() => member!.user.id in present(ownerWatch.channel), 'the member to be present');

    // While a member, they follow the answer and see the rows.
    const first = await chat(owner.client, id, '/echo before the removal');
    const firstAnswer = first[0].data.assistant_message_id as string;
    await memberView.until(() => memberView.broadcasts.some((b) => b.event === 'done' && b.payload.message_id === firstAnswer), 'the first answer, live');
    await memberChanges.until(() => memberChanges.changes.some((c) => c.row.id === firstAnswer), 'the first answer row');

    expect((await api(owner.client, 'DELETE', `/sessions/${id}/members/${member!.user.id}`)).status).toBe(204);
    // Their app is told on the channel it has (the database sends it with the commit), and local
    // Realtime then closes that channel at once — well before its 30 s periodic pass.
    await memberView.until(() => memberView.broadcasts.some((b) => b.event === 'member_removed' && b.payload.user_id === member!.user.id), 'the member to be told', 2_000);
    // The others hear the epoch it moved to: a read made as soon as it is heard may not see the
    // move yet (20261207190000).
    await ownerView.until(() => ownerView.broadcasts.some((b) => b.event === 'member_removed'), 'the owner to be told', 2_000);
    expect(ownerView.broadcasts.find((b) => b.event === 'member_removed')!.payload).toMatchObject({ user_id: member!.user.id, channel_epoch: 1 });
    const broadcastsBefore = memberView.broadcasts.length;
    await memberView.until(() => memberView.statuses.length > 0, 'the removed member\'s channel to close', 2_000);
    // Anything still sent on the old topic (a sender that has not moved yet) reaches nobody removed.
    const late = await fetch(`${stack.apiUrl}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: stack.keys.secretKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic, event: 'delta', payload: { text: 'late' }, private: true }] }),
    });
    expect(late.status).toBe(202);

    // The chat's channel moved on (what cuts a removed member off on hosted Supabase too, where a
    // joined channel keeps its authorisation): the old topic authorises nobody, the new one the
    // remaining people only.
    const { channel_epoch } = (await (await api(owner.client, 'GET', `/sessions/${id}`)).json()) as { channel_epoch: number };
    expect(channel_epoch).toBe(1);
    // The owner's app leaves the old topic (it follows the epoch) and joins the new one.
    await owner.client.removeChannel(ownerView.channel);
    expect(await settle(join(owner.client, topic, { private: true }))).toBeInstanceOf(Error);
    const ownerNow = await join(owner.client, `${topic}:1`, { private: true });
    const ownerOwn = await join(owner.client, `${topic}:1:person:${owner.user.id}`, { private: true, presence: { key: owner.user.id } }, true);
    expect(await ownerOwn.channel.track({ typing: false })).toBe('ok');
    await ownerOwn.until(() => owner.user.id in present(ownerOwn.channel), 'the owner on their new topic');
    expect(await settle(join(member!.client, `${topic}:1`, { private: true }))).toBeInstanceOf(Error);
    for (const whose of [owner.user.id, member!.user.id]) {
      expect(await settle(join(member!.client, `${topic}:1:person:${whose}`, { private: true, presence: { key: member!.user.id } }, true))).toBeInstanceOf(Error);
    }

    const second = await chat(owner.client, id, '/echo after the removal');
    const secondAnswer = second[0].data.assistant_message_id as string;
    await ownerNow.until(() => ownerNow.broadcasts.some((b) => b.event === 'done' && b.payload.message_id === secondAnswer), 'the owner to get the answer');
    // A later change the member may see, on the same socket: had the new rows reached them, they came first.
    expect((await api(member!.client, 'POST', '/sessions', { title: 'mine' })).status).toBe(201);
    await memberChanges.until(() => memberChanges.changes.some((c) => c.table === 'chat_sessions'), "the member's own new chat");
    const rowIds = memberChanges.changes.map((c) => c.row.id);
    expect(rowIds).not.toContain(secondAnswer);
    expect(rowIds).not.toContain(second[0].data.user_message_id);
    expect(memberView.broadcasts.slice(broadcastsBefore)).toEqual([]);
    // And once their app left it, they cannot come back on their own, on the old topic either.
    await member!.client.removeChannel(memberView.channel);
    expect(await settle(join(member!.client, topic, { private: true }))).toBeInstanceOf(Error);
  }, 60_000);

  it('a member who leaves (through the Data API too) is told on their channel, which then closes at once', async () => {
    const { owner, people: [member], id } = await groupChat(['member']);
    const topic = `session:${id}`;
    const ownerView = await join(owner.client, topic, { private: true }, true);
    const memberView = await join(member!.client, topic, { private: true }, true);
    // Not through the API: the signal comes from the database itself.
    const left = await asActor(stack.db.sql, member!.user, (tx) => tx`delete from public.session_members where session_id = ${id} and user_id = ${member!.user.id} returning 1`);
    expect(left).toHaveLength(1);
    await memberView.until(() => memberView.broadcasts.some((b) => b.event === 'member_removed' && b.payload.user_id === member!.user.id), 'the member to be told', 2_000);
    await memberView.until(() => memberView.statuses.length > 0, 'their channel to close', 2_000);
    // The old topic authorises nobody now: the owner's old channel closes as well (their app moves to `:1`).
    await ownerView.until(() => ownerView.statuses.length > 0, "the owner's old channel to close", 2_000);
  });
});

describe('a rename', () => {
  it("is said on the chat's channel with the commit, through the API or the Data API, and on the topic it moved to", async () => {
    const { owner, people: [member, viewer], id } = await groupChat(['member', 'viewer']);
    const topic = `session:${id}`;
    const views = [
      await join(owner.client, topic, { private: true }),
      await join(member!.client, topic, { private: true }),
      await join(viewer!.client, topic, { private: true }),
    ];
    const renames = (view: (typeof views)[number]) => view.broadcasts.filter((b) => b.event === 'renamed');
    // Each person's chat list hears it on their own channel (a member's list has no row of the
    // owner's chat to change).
    const lists = [
      await join(owner.client, `user:${owner.user.id}`, { private: true }),
      await join(member!.client, `user:${member!.user.id}`, { private: true }),
      await join(viewer!.client, `user:${viewer!.user.id}`, { private: true }),
    ];
    const listRenames = (list: (typeof lists)[number]) => list.broadcasts.filter((b) => b.event === 'session_renamed');

    expect((await api(owner.client, 'PATCH', `/sessions/${id}`, { title: 'Team, renamed' })).status).toBe(200);
    for (const view of views) await view.until(() => renames(view).length === 1, 'the rename through the API');
    for (const list of lists) await list.until(() => listRenames(list).length === 1, "the rename in each person's list");
    expect(listRenames(lists[1]!)[0]!.payload).toMatchObject({ session_id: id, title_version: 1 });
    // The message names the title's version (a read made as soon as it is heard may not see the
    // rename yet: views read until one shows it, 20261207190000), and no title: database
    // broadcasts are kept in realtime.messages for days. (Broadcast from the database adds the
    // message's id to its payload.)
    for (const view of views) expect(renames(view)[0]!.payload).toMatchObject({ title_version: 1 });
    expect(renames(views[1]!)[0]!.payload).not.toHaveProperty('title');

    // Not through the API (as the Data API would, with the owner's token): the database says it
    // whoever writes the row. The same title again is no rename.
    const rename = (title: string) => asActor(stack.db.sql, owner.user, (tx) => tx`update public.chat_sessions set title = ${title} where id = ${id} returning 1`);
    expect(await rename('Team, renamed')).toHaveLength(1);
    expect(await rename('Team, by the Data API')).toHaveLength(1);
    for (const view of views) await view.until(() => renames(view).length === 2, 'the rename through the Data API');
    for (const view of views) expect(renames(view)[1]!.payload).toMatchObject({ title_version: 2 });

    // Once the viewer is removed the chat's channel is `session:<id>:1`: the rename is said there,
    // where only the remaining people listen.
    expect((await api(owner.client, 'DELETE', `/sessions/${id}/members/${viewer!.user.id}`)).status).toBe(204);
    const moved = [await join(owner.client, `${topic}:1`, { private: true }), await join(member!.client, `${topic}:1`, { private: true })];
    expect((await api(owner.client, 'PATCH', `/sessions/${id}`, { title: 'Team of two' })).status).toBe(200);
    for (const view of moved) await view.until(() => renames(view).length === 1, 'the rename on the moved topic');
    for (const view of moved) expect(renames(view)[0]!.payload).toMatchObject({ title_version: 3 });
    await lists[1]!.until(() => listRenames(lists[1]!).length === 3, "the rename in the member's list");
    // Nothing more on the old topic, nor to the viewer who was removed; the same title again said
    // nothing.
    for (const view of views) expect(renames(view)).toHaveLength(2);
    expect(listRenames(lists[2]!)).toHaveLength(2);
  });
});

describe('a branch switch', () => {
  it("is said on the chat's channel with the commit, through the API or the Data API; a turn's own move of the leaf is not", async () => {
    const { owner, people: [member], id } = await groupChat(['member']);
    await chat(owner.client, id, 'a question with two answers');
    const views = [await join(owner.client, `session:${id}`, { private: true }), await join(member!.client, `session:${id}`, { private: true })];
    const switches = (view: (typeof views)[number]) => view.broadcasts.filter((b) => b.event === 'branch');
    const leaf = async () => (await stack.db.sql<{ leaf: string }[]>`select active_leaf_id as leaf from public.chat_sessions where id = ${id}`)[0]!.leaf;
    const first = await leaf();

    // A regenerated answer becomes the leaf by its insert: its own broadcast tells the views.
    const res = await api(owner.client, 'POST', '/chat', { provider: 'demo', model: 'demo-model', session_id: id, regenerate: true });
    expect(res.status).toBe(200);
    await readSse(res);
    const second = await leaf();
    expect(second).not.toBe(first);

    // Back to the first answer through the API: both views hear it, and the leaf it moved to
    // (a read made as soon as it is heard may not see the switch yet: 20261207170000).
    expect((await api(owner.client, 'POST', `/sessions/${id}/branch`, { message_id: first })).status).toBe(200);
    for (const view of views) await view.until(() => switches(view).length === 1, 'the switch through the API');
    for (const view of views) expect(switches(view)[0]!.payload).toMatchObject({ active_leaf_id: first });
    // The branch already shown: no switch, nothing said.
    expect((await api(owner.client, 'POST', `/sessions/${id}/branch`, { message_id: first })).status).toBe(200);

    // With the owner's token straight to the table, as the Data API would.
    const moved = await asActor(stack.db.sql, owner.user, (tx) => tx`update public.chat_sessions set active_leaf_id = ${second} where id = ${id} returning 1`);
    expect(moved).toHaveLength(1);
    for (const view of views) await view.until(() => switches(view).length === 2, 'the switch through the Data API');
    for (const view of views) expect(switches(view)[1]!.payload).toMatchObject({ active_leaf_id: second });

    // A turn moves the leaf to its answer from a trigger on messages: not a switch. (A rename
    // after it comes on the same road, in commit order: once it is heard, a switch would have been.)
    await chat(owner.client, id, 'and one more');
    expect(await leaf()).not.toBe(second);
    expect((await api(owner.client, 'PATCH', `/sessions/${id}`, { title: 'After the turn' })).status).toBe(200);
    for (const view of views) await view.until(() => view.broadcasts.some((b) => b.event === 'renamed'), 'the rename after the turn');
    for (const view of views) expect(switches(view)).toHaveLength(2);
  });
});
