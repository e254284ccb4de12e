/**
 * Presence topics of one person each, `session:<id>[:<epoch>]:person:<user id>`
 * (supabase/migrations/*_create_person_presence_policies.sql): what hosted Realtime can hold
 * a client to, since it checks the policies on realtime.messages against the topic but takes
 * the presence key as sent. Every participant reads each person's topic; only that person
 * publishes on it, whatever key they send; strangers and old epochs get nothing.
 */
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { callApi, groupChatWith, join, printStackLogOnFailure, realtimePerson, settle } from './realtime-channels.ts';

let stack: TestStack;
printStackLogOnFailure(() => stack);
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  for (const client of clients) await client.removeAllChannels();
  await stack?.stop();
});

const api = (client: SupabaseClient, method: string, path: string, body?: unknown) => callApi(stack, client, method, path, body);

const person = () => realtimePerson(stack, clients);
const groupChat = (roles: ('member' | 'viewer')[]) => groupChatWith(stack, clients, roles);

const present = (channel: RealtimeChannel) => channel.presenceState() as Record<string, { typing?: boolean }[]>;

it("each person's topic: every participant sees them there, only they publish on it, whatever key they send", async () => {
  const { owner, people: [member, viewer], id } = await groupChat(['member', 'viewer']);
  const memberTopic = `session:${id}:person:${member!.user.id}`;
  const ownerTopic = `session:${id}:person:${owner.user.id}`;

  const memberOwn = await join(member!.client, memberTopic, { private: true, presence: { key: member!.user.id } }, true);
  const ownerWatch = await join(owner.client, memberTopic, { private: true, presence: { key: owner.user.id } }, true);
  const viewerWatch = await join(viewer!.client, memberTopic, { private: true, presence: { key: viewer!.user.id } }, true);
  expect(await memberOwn.channel.track({ typing: true })).toBe('ok');
  await ownerWatch.until(() => present(ownerWatch.channel)[member!.user.id]?.[0]?.typing === true, "the member's typing, on their topic");
  await viewerWatch.until(() => member!.user.id in present(viewerWatch.channel), 'the member, seen by the viewer');

  // Watching is all the others may do there: the owner's track on the member's topic is refused
  // by the policy (under their own id, so local Realtime's key check is not what refuses it).
  expect(await ownerWatch.channel.track({ typing: true })).toBe('error');
  // On the owner's topic the member may read but not publish, whatever key their client picks.
  const spoof = await join(member!.client, ownerTopic, { private: true, presence: { key: member!.user.id } }, true);
  expect(await spoof.channel.track({ typing: true })).toBe('error');
  const ownerOwn = await join(owner.client, ownerTopic, { private: true, presence: { key: owner.user.id } }, true);
  expect(await ownerOwn.channel.track({ typing: false })).toBe('ok');
  await spoof.until(() => owner.user.id in present(spoof.channel), "the owner's own entry");
  expect(Object.keys(present(spoof.channel))).toEqual([owner.user.id]);
});

it('refuses strangers, topics of an old epoch and malformed ones', async () => {
  const { owner, people: [member], id } = await groupChat(['member']);
  const stranger = await person();
  const refusedRead = await settle(join(stranger.client, `session:${id}:person:${member!.user.id}`, { private: true, presence: { key: stranger.user.id } }, true));
  expect(String(refusedRead)).toMatch(/Unauthorized|permissions to read/);
  // A stranger's own person topic in someone else's chat: no participant, nothing to join.
  const refusedOwn = await settle(join(stranger.client, `session:${id}:person:${stranger.user.id}`, { private: true, presence: { key: stranger.user.id } }, true));
  expect(String(refusedOwn)).toMatch(/Unauthorized|permissions to read/);
  // Epoch 0 is `session:<id>:person:…`; `:1` is not current yet, and neither is a bad shape.
  for (const topic of [`session:${id}:1:person:${owner.user.id}`, `session:${id}:person:${owner.user.id}:x`, `session:${id}:person:not-a-uuid`]) {
    const refused = await settle(join(owner.client, topic, { private: true, presence: { key: owner.user.id } }, true));
    expect(String(refused), topic).toMatch(/Unauthorized|permissions to read/);
  }
});

it('a removed member loses every person topic: the new epoch refuses them, reading and publishing', async () => {
  const { owner, people: [member, other], id } = await groupChat(['member', 'member']);
  // While a member: they read the owner's topic and publish on their own.
  const watching = await join(member!.client, `session:${id}:person:${owner.user.id}`, { private: true, presence: { key: member!.user.id } }, true);
  const own = await join(member!.client, `session:${id}:person:${member!.user.id}`, { private: true, presence: { key: member!.user.id } }, true);
  expect(await own.channel.track({ typing: false })).toBe('ok');
  await member!.client.removeChannel(watching.channel);
  await member!.client.removeChannel(own.channel);

  expect((await api(owner.client, 'DELETE', `/sessions/${id}/members/${member!.user.id}`)).status).toBe(204);
  // The chat moved to epoch 1: the others' topics there, and the removed member's own, refuse them.
  for (const whose of [owner.user.id, other!.user.id, member!.user.id]) {
    const refused = await settle(join(member!.client, `session:${id}:1:person:${whose}`, { private: true, presence: { key: member!.user.id } }, true));
    expect(String(refused), whose).toMatch(/Unauthorized|permissions to read/);
  }
  // So do the old epoch's, which nobody follows any more.
  const old = await settle(join(member!.client, `session:${id}:person:${owner.user.id}`, { private: true, presence: { key: member!.user.id } }, true));
  expect(String(old)).toMatch(/Unauthorized|permissions to read/);
  // Those who stay move with the chat: the other member publishes at epoch 1 and the owner sees them.
  const otherOwn = await join(other!.client, `session:${id}:1:person:${other!.user.id}`, { private: true, presence: { key: other!.user.id } }, true);
  const ownerWatch = await join(owner.client, `session:${id}:1:person:${other!.user.id}`, { private: true, presence: { key: owner.user.id } }, true);
  expect(await otherOwn.channel.track({ typing: true })).toBe('ok');
  await ownerWatch.until(() => present(ownerWatch.channel)[other!.user.id]?.[0]?.typing === true, 'the other member, at the new epoch');
});
