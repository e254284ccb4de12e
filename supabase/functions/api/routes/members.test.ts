// Group chats through the API: invite by email, roles, participants, key sharing, leaving and
// removal (access ends at the next request), and what others get (404s, never hints).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

async function groupChat() {
  const [owner, member, viewer, stranger] = await Promise.all([1, 2, 3, 4].map(() => api.createUser()));
  const session = (await (await owner!.request('POST', '/sessions', { title: 'Team' })).json()) as { id: string };
  expect((await owner!.request('POST', `/sessions/${session.id}/members`, { email: member!.email, role: 'member' })).status).toBe(201);
  expect((await owner!.request('POST', `/sessions/${session.id}/members`, { email: viewer!.email, role: 'viewer' })).status).toBe(201);
  return { owner: owner!, member: member!, viewer: viewer!, stranger: stranger!, id: session.id };
}

const roles = async (user: ApiUser, id: string) =>
  ((await (await user.request('GET', `/sessions/${id}/members`)).json()).participants as { email: string | null; role: string }[])
    .map((p) => `${p.role}:${p.email}`);

describe('group chats', () => {
  it('the owner invites by email; everyone in the chat sees the same participants (emails: the owner only); others get 404', async () => {
    const g = await groupChat();
    expect(await roles(g.owner, g.id)).toEqual([`owner:${g.owner.email}`, `member:${g.member.email}`, `viewer:${g.viewer.email}`]);
    // The others see names and roles; of the emails, only their own.
    expect(await roles(g.member, g.id)).toEqual(['owner:null', `member:${g.member.email}`, 'viewer:null']);
    expect(await roles(g.viewer, g.id)).toEqual(['owner:null', 'member:null', `viewer:${g.viewer.email}`]);
    expect((await g.stranger.request('GET', `/sessions/${g.id}/members`)).status).toBe(404);
    // The chat is in the member's sidebar list, marked with their role; not in the stranger's.
    const listed = (await (await g.member.request('GET', '/sessions')).json()).sessions;
    expect(listed.map((s: { id: string; role: string }) => [s.id, s.role])).toEqual([[g.id, 'member']]);
    expect((await (await g.owner.request('GET', '/sessions')).json()).sessions[0]).toMatchObject({ id: g.id, role: 'owner' });
    expect((await (await g.stranger.request('GET', '/sessions')).json()).sessions).toEqual([]);
    // A member sees the chat and its history like the owner does.
    expect((await g.member.request('GET', `/sessions/${g.id}`)).status).toBe(200);
    expect((await g.member.request('GET', `/sessions/${g.id}/messages`)).status).toBe(200);
  });

  it('only the owner invites, changes roles and shares the key; clear errors for unknown emails and self', async () => {
    const g = await groupChat();
    expect((await g.member.request('POST', `/sessions/${g.id}/members`, { email: g.stranger.email })).status).toBe(404);
    const unknown = await g.owner.request('POST', `/sessions/${g.id}/members`, { email: 'nobody@example.test' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('user_not_found');
    expect((await g.owner.request('POST', `/sessions/${g.id}/members`, { email: g.owner.email })).status).toBe(422);
    expect((await g.owner.request('POST', `/sessions/${g.id}/members`, { email: 'not an email' })).status).toBe(400);
    expect((await g.owner.request('POST', `/sessions/${g.id}/members`, { email: g.viewer.email, role: 'owner' })).status).toBe(400);

    const promoted = await g.owner.request('POST', `/sessions/${g.id}/members`, { email: g.viewer.email, role: 'member' });
    expect(await promoted.json()).toMatchObject({ email: g.viewer.email, role: 'member' });

    expect((await g.member.request('PUT', `/sessions/${g.id}/key-sharing`, { share_owner_key: true })).status).toBe(404);
    const shared = await g.owner.request('PUT', `/sessions/${g.id}/key-sharing`, { share_owner_key: true });
    expect(await shared.json()).toEqual({ share_owner_key: true });
    expect((await (await g.member.request('GET', `/sessions/${g.id}/members`)).json()).share_owner_key).toBe(true);
  });

  it('a removed member loses access at the next request; a member can leave; others cannot remove', async () => {
    const g = await groupChat();
    expect((await g.member.request('DELETE', `/sessions/${g.id}/members/${g.viewer.id}`)).status).toBe(404);
    expect((await g.owner.request('DELETE', `/sessions/${g.id}/members/${g.member.id}`)).status).toBe(204);
    expect((await g.member.request('GET', `/sessions/${g.id}/messages`)).status).toBe(404);
    expect((await g.viewer.request('DELETE', `/sessions/${g.id}/members/${g.viewer.id}`)).status).toBe(204);
    expect((await g.viewer.request('GET', `/sessions/${g.id}`)).status).toBe(404);
    expect(await roles(g.owner, g.id)).toEqual([`owner:${g.owner.email}`]);
  });

  it('a member and a viewer fork the chat into their own account; a removed member gets 404', async () => {
    const g = await groupChat();
    for (const person of [g.member, g.viewer]) {
      const forked = await person.request('POST', `/sessions/${g.id}/fork`, {});
      expect(forked.status).toBe(201);
      const { session_id } = await forked.json();
      expect(await (await person.request('GET', `/sessions/${session_id}`)).json()).toMatchObject({ title: 'Team (fork)', role: 'owner' });
    }
    expect((await g.owner.request('DELETE', `/sessions/${g.id}/members/${g.member.id}`)).status).toBe(204);
    expect((await g.member.request('POST', `/sessions/${g.id}/fork`, {})).status).toBe(404);
    expect((await g.stranger.request('POST', `/sessions/${g.id}/fork`, {})).status).toBe(404);
  });

  it("the owner's pin and archive are their own: the chat stays in a member's list, neither pinned nor archived there", async () => {
    const g = await groupChat();
    expect((await g.owner.request('PATCH', `/sessions/${g.id}`, { pinned: true, archived: true })).status).toBe(200);
    expect((await (await g.owner.request('GET', `/sessions/${g.id}`)).json()).archived_at).not.toBeNull();
    const listed = (await (await g.member.request('GET', '/sessions')).json()).sessions;
    expect(listed).toMatchObject([{ id: g.id, role: 'member', pinned_at: null, archived_at: null }]);
    expect(await (await g.viewer.request('GET', `/sessions/${g.id}`)).json()).toMatchObject({ pinned_at: null, archived_at: null });
  });
});
