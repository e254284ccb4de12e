// Group chats through the API: invite by email (pending until accepted), roles, participants, key sharing, leaving and
// removal (access ends at the next request), and what others get (404s, never hints).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser, joinGroupChat } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

async function groupChat() {
  const [owner, member, viewer, stranger] = await Promise.all([1, 2, 3, 4].map(() => api.createUser()));
  const session = (await (await owner!.request('POST', '/sessions', { title: 'Team' })).json()) as { id: string };
  await joinGroupChat(owner!, member!, session.id, 'member');
  await joinGroupChat(owner!, viewer!, session.id, 'viewer');
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

  // A sign-up that sends no name (as Auth's own /signup and an app's without a name field):
  // the name everyone in the chat sees must not be the address's first half (security review 9 #1).
  it("a member sees another's name, never a part of their address", async () => {
    const owner = await api.createUser();
    const vic = await api.createUser({ email: `vic.smith.1987.${Date.now()}@example.com` });
    const viewer = await api.createUser();
    const session = (await (await owner.request('POST', '/sessions', { title: 'Team' })).json()) as { id: string };
    await joinGroupChat(owner, vic, session.id, 'member');
    await joinGroupChat(owner, viewer, session.id, 'viewer');
    const { participants } = (await (await viewer.request('GET', `/sessions/${session.id}/members`)).json()) as
      { participants: { user_id: string; display_name: string; email: string | null }[] };
    const seen = participants.find((p) => p.user_id === vic.id)!;
    expect(seen).toMatchObject({ display_name: `User ${vic.id.slice(-4)}`, email: null });
    expect(JSON.stringify(participants)).not.toMatch(/vic|smith/i);
  });

  it("a chat handed over by a deleted owner: the heir sees the emails of the people they invite, not of those the old owner invited", async () => {
    const g = await groupChat();
    expect((await g.owner.request('DELETE', '/me')).status).toBe(204);
    // The member is the longest-standing member, so the heir; the viewer gave their address to the old owner only.
    expect(await roles(g.member, g.id)).toEqual([`owner:${g.member.email}`, 'viewer:null']);
    expect(await roles(g.viewer, g.id)).toEqual(['owner:null', `viewer:${g.viewer.email}`]);
    // Changing the viewer's role answers with the participant as the heir may see them.
    const changed = await g.member.request('PATCH', `/sessions/${g.id}/members/${g.viewer.id}`, { role: 'member' });
    expect(await changed.json()).toMatchObject({ user_id: g.viewer.id, role: 'member', email: null });
    // Someone the heir invites shows the heir their address; the other member still sees only their own.
    await joinGroupChat(g.member, g.stranger, g.id, 'viewer');
    expect(await roles(g.member, g.id)).toEqual([`owner:${g.member.email}`, 'member:null', `viewer:${g.stranger.email}`]);
    expect(await roles(g.viewer, g.id)).toEqual(['owner:null', `member:${g.viewer.email}`, 'viewer:null']);
    expect(await roles(g.stranger, g.id)).toEqual(['owner:null', 'member:null', `viewer:${g.stranger.email}`]);
  });

  it('only the owner invites, changes roles and shares the key; clear errors for self and people already in', async () => {
    const g = await groupChat();
    expect((await g.member.request('POST', `/sessions/${g.id}/members`, { email: g.stranger.email })).status).toBe(404);
    expect((await g.owner.request('POST', `/sessions/${g.id}/members`, { email: g.owner.email })).status).toBe(422);
    const again = await g.owner.request('POST', `/sessions/${g.id}/members`, { email: g.viewer.email, role: 'member' });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('already_member');
    expect((await g.owner.request('POST', `/sessions/${g.id}/members`, { email: 'not an email' })).status).toBe(400);
    expect((await g.owner.request('POST', `/sessions/${g.id}/members`, { email: g.viewer.email, role: 'owner' })).status).toBe(400);

    expect((await g.member.request('PATCH', `/sessions/${g.id}/members/${g.viewer.id}`, { role: 'member' })).status).toBe(404);
    const promoted = await g.owner.request('PATCH', `/sessions/${g.id}/members/${g.viewer.id}`, { role: 'member' });
    expect(await promoted.json()).toMatchObject({ email: g.viewer.email, role: 'member' });
    expect((await g.owner.request('PATCH', `/sessions/${g.id}/members/${g.stranger.id}`, { role: 'member' })).status).toBe(404);

    expect((await g.member.request('PUT', `/sessions/${g.id}/key-sharing`, { share_owner_key: true })).status).toBe(404);
    const shared = await g.owner.request('PUT', `/sessions/${g.id}/key-sharing`, { share_owner_key: true });
    expect(await shared.json()).toEqual({ share_owner_key: true });
    expect((await (await g.member.request('GET', `/sessions/${g.id}/members`)).json()).share_owner_key).toBe(true);
  });

  it('every refusal of an invitation has its status and code', async () => {
    const g = await groupChat();
    const error = async (res: Response) => [res.status, (await res.json()).error.code];
    const invite = (who: ApiUser, email: string, id = g.id) => who.request('POST', `/sessions/${id}/members`, { email });
    expect(await error(await invite(g.member, g.stranger.email))).toEqual([404, 'not_found']);
    expect(await error(await invite(g.owner, g.stranger.email, crypto.randomUUID()))).toEqual([404, 'not_found']);
    expect(await error(await invite(g.owner, g.owner.email))).toEqual([422, 'already_owner']);
    expect(await error(await invite(g.owner, g.member.email))).toEqual([409, 'already_member']);
    await api.db.sql`insert into public.session_invitations (session_id, owner_id, email, role)
      select ${g.id}, ${g.owner.id}, 'pending-' || n || '@example.test', 'viewer' from generate_series(1, 100) n`;
    const full = await invite(g.owner, g.stranger.email);
    expect(await error(full)).toEqual([409, 'too_many_invitations']);
    const [pending] = await api.db.sql`select id from public.session_invitations where session_id = ${g.id} limit 1`;
    expect(await error(await g.stranger.request('POST', `/invitations/${pending!.id}/accept`))).toEqual([404, 'not_found']);
    expect(await error(await g.stranger.request('POST', `/invitations/${crypto.randomUUID()}/accept`))).toEqual([404, 'not_found']);
  });

  it('invitations and forks are rate-limited by the database: 429 rate_limited with Retry-After, nothing written', async () => {
    const g = await groupChat();
    const drain = (who: ApiUser, bucket: string) => api.db.sql`insert into private.rate_limit_buckets (user_id, bucket, tokens, refilled_at)
      values (${who.id}, ${bucket}, 0, now()) on conflict (user_id, bucket) do update set tokens = 0, refilled_at = now()`;
    await drain(g.owner, 'invitations');
    const invited = await g.owner.request('POST', `/sessions/${g.id}/members`, { email: g.stranger.email });
    expect([invited.status, (await invited.json()).error.code]).toEqual([429, 'rate_limited']);
    expect(Number(invited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await (await g.owner.request('GET', `/sessions/${g.id}/invitations`)).json()).invitations).toEqual([]);

    await drain(g.member, 'forks');
    const forked = await g.member.request('POST', `/sessions/${g.id}/fork`, {});
    expect([forked.status, (await forked.json()).error.code]).toEqual([429, 'rate_limited']);
    expect(Number(forked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await (await g.member.request('GET', '/sessions')).json()).sessions.map((s: { id: string }) => s.id)).toEqual([g.id]);
  });

  it('an invitation is pending until the invitee accepts; an unknown address gets the same answer as a known one', async () => {
    const g = await groupChat();
    const invite = async (email: string) => {
      const res = await g.owner.request('POST', `/sessions/${g.id}/members`, { email, role: 'viewer' });
      const body = await res.json();
      return { status: res.status, keys: Object.keys(body).sort(), body };
    };
    const known = await invite(g.stranger.email.toUpperCase());
    const unknown = await invite(`nobody-${crypto.randomUUID()}@example.test`);
    // No oracle: the same status and the same shape, whether or not an account uses the address.
    expect(unknown.status).toBe(201);
    expect([unknown.status, unknown.keys]).toEqual([known.status, known.keys]);
    expect(known.body).toMatchObject({ email: g.stranger.email.toLowerCase(), role: 'viewer' });

    // Invited is not in: the stranger cannot read the chat, and is not among its participants.
    expect((await g.stranger.request('GET', `/sessions/${g.id}`)).status).toBe(404);
    expect(await roles(g.owner, g.id)).not.toContain(`viewer:${g.stranger.email}`);
    // The owner sees both pending invitations; nobody else may list them.
    const pending = await (await g.owner.request('GET', `/sessions/${g.id}/invitations`)).json();
    expect(pending.invitations.map((i: { id: string }) => i.id).sort()).toEqual([known.body.id, unknown.body.id].sort());
    expect((await g.member.request('GET', `/sessions/${g.id}/invitations`)).status).toBe(404);

    // The invitee sees theirs (by the inviter's name, never an address); others cannot accept it.
    const mine = await (await g.stranger.request('GET', '/invitations')).json();
    expect(mine.invitations).toEqual([expect.objectContaining({ id: known.body.id, session_id: g.id, session_title: 'Team', role: 'viewer' })]);
    expect(JSON.stringify(mine)).not.toContain(g.owner.email);
    expect((await (await g.member.request('GET', '/invitations')).json()).invitations).toEqual([]);
    expect((await g.member.request('POST', `/invitations/${known.body.id}/accept`)).status).toBe(404);
    expect((await g.owner.request('POST', `/invitations/${known.body.id}/accept`)).status).toBe(404);

    const accepted = await g.stranger.request('POST', `/invitations/${known.body.id}/accept`);
    expect(await accepted.json()).toEqual({ session_id: g.id, role: 'viewer' });
    expect((await g.stranger.request('GET', `/sessions/${g.id}`)).status).toBe(200);
    expect(await roles(g.owner, g.id)).toContain(`viewer:${g.stranger.email}`);
    // Used up: no second accept, and it left the pending list.
    expect((await g.stranger.request('POST', `/invitations/${known.body.id}/accept`)).status).toBe(404);
    const left = await (await g.owner.request('GET', `/sessions/${g.id}/invitations`)).json();
    expect(left.invitations.map((i: { id: string }) => i.id)).toEqual([unknown.body.id]);
  });

  it("someone who signs up after the invitation joins only through the owner's link, with the invited address", async () => {
    const g = await groupChat();
    const email = `late-${crypto.randomUUID()}@example.test`;
    const res = await g.owner.request('POST', `/sessions/${g.id}/members`, { email, role: 'member' });
    const invitation = (await res.json()) as { id: string; link_token: string };
    expect([res.status, invitation.link_token]).toEqual([201, expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)]);
    const late = await api.createUser({ email });
    // The address alone: nothing to see or accept.
    expect((await (await late.request('GET', '/invitations')).json()).invitations).toEqual([]);
    expect((await late.request('POST', `/invitations/${invitation.id}/accept`)).status).toBe(404);
    // A new link from the owner (only): the first stops working; the link alone lets nobody else in.
    expect((await g.member.request('POST', `/sessions/${g.id}/invitations/${invitation.id}/link`)).status).toBe(404);
    const renewed = await g.owner.request('POST', `/sessions/${g.id}/invitations/${invitation.id}/link`);
    const { link_token } = (await renewed.json()) as { link_token: string };
    expect(renewed.status).toBe(200);
    expect((await late.request('POST', '/invitations/accept-link', { token: invitation.link_token })).status).toBe(404);
    expect((await g.stranger.request('POST', '/invitations/accept-link', { token: link_token })).status).toBe(404);
    expect((await late.request('POST', '/invitations/accept-link', {})).status).toBe(400);
    const joined = await late.request('POST', '/invitations/accept-link', { token: link_token });
    expect(await joined.json()).toEqual({ session_id: g.id, role: 'member' });
    expect((await late.request('GET', `/sessions/${g.id}`)).status).toBe(200);
    expect((await late.request('POST', '/invitations/accept-link', { token: link_token })).status).toBe(404);
  });

  it('the invitee declines, the owner cancels: either way nobody joins', async () => {
    const g = await groupChat();
    const [one, two] = await Promise.all([api.createUser(), api.createUser()]);
    const inviteId = async (who: ApiUser) =>
      (await (await g.owner.request('POST', `/sessions/${g.id}/members`, { email: who.email })).json()).id as string;
    const declined = await inviteId(one!);
    expect((await g.stranger.request('POST', `/invitations/${declined}/decline`)).status).toBe(404);
    expect((await one!.request('POST', `/invitations/${declined}/decline`)).status).toBe(204);
    expect((await one!.request('POST', `/invitations/${declined}/accept`)).status).toBe(404);

    const cancelled = await inviteId(two!);
    expect((await g.member.request('DELETE', `/sessions/${g.id}/invitations/${cancelled}`)).status).toBe(404);
    expect((await g.owner.request('DELETE', `/sessions/${g.id}/invitations/${cancelled}`)).status).toBe(204);
    expect((await (await two!.request('GET', '/invitations')).json()).invitations).toEqual([]);
    expect((await two!.request('POST', `/invitations/${cancelled}/accept`)).status).toBe(404);
    expect((await two!.request('GET', `/sessions/${g.id}`)).status).toBe(404);
    expect((await (await g.owner.request('GET', `/sessions/${g.id}/invitations`)).json()).invitations).toEqual([]);
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

  it("pins and archives are each person's own: a member and a viewer sort the chat in their list, the owner's list does not move", async () => {
    const g = await groupChat();
    const ids = async (user: ApiUser, query = '') => (await (await user.request('GET', `/sessions${query}`)).json()).sessions.map((s: { id: string }) => s.id);
    // The owner pins it; the others see no pin of theirs.
    expect((await g.owner.request('PATCH', `/sessions/${g.id}`, { pinned: true })).status).toBe(200);
    expect(await (await g.member.request('GET', `/sessions/${g.id}`)).json()).toMatchObject({ pinned_at: null, archived_at: null });
    // The member archives it and the viewer pins it, each for themselves.
    const archived = await g.member.request('PATCH', `/sessions/${g.id}`, { archived: true });
    expect(archived.status).toBe(200);
    expect(await archived.json()).toMatchObject({ id: g.id, role: 'member', pinned_at: null, archived_at: expect.any(String) });
    expect(await ids(g.member)).toEqual([]);
    expect(await ids(g.member, '?archived=true')).toEqual([g.id]);
    const pinned = await (await g.viewer.request('PATCH', `/sessions/${g.id}`, { pinned: true })).json();
    expect(pinned).toMatchObject({ role: 'viewer', pinned_at: expect.any(String), archived_at: null });
    expect(await ids(g.viewer, '?pinned=true')).toEqual([g.id]);
    // The owner's chat is where it was: pinned, not archived, in the list.
    expect(await (await g.owner.request('GET', `/sessions/${g.id}`)).json()).toMatchObject({ pinned_at: expect.any(String), archived_at: null });
    expect(await ids(g.owner)).toEqual([g.id]);
    expect(await ids(g.owner, '?archived=true')).toEqual([]);
    // A member still cannot rename it, and a stranger can mark nothing.
    expect((await g.member.request('PATCH', `/sessions/${g.id}`, { title: 'mine', pinned: true })).status).toBe(404);
    expect((await g.stranger.request('PATCH', `/sessions/${g.id}`, { pinned: true })).status).toBe(404);
    // Restored, it is back in the member's list; removed and invited again, they start afresh.
    expect((await g.member.request('PATCH', `/sessions/${g.id}`, { archived: false })).status).toBe(200);
    expect(await ids(g.member)).toEqual([g.id]);
    expect((await g.member.request('PATCH', `/sessions/${g.id}`, { archived: true })).status).toBe(200);
    expect((await g.owner.request('DELETE', `/sessions/${g.id}/members/${g.member.id}`)).status).toBe(204);
    await joinGroupChat(g.owner, g.member, g.id, 'member');
    expect(await ids(g.member)).toEqual([g.id]);
    expect(await (await g.member.request('GET', `/sessions/${g.id}`)).json()).toMatchObject({ pinned_at: null, archived_at: null });
  });
});
