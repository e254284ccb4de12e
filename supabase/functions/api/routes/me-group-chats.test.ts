// /api/me and other people: what deleting an account does to them, said before it is done
// (GET /me/deletion-impact) and done through DELETE /me (the group chat handed to its
// longest-standing member, not deleted), what inviting an address to it tells the heir (nothing
// about the people the old owner invited), and the account export naming who wrote what in a group chat,
// the owner's and a member's. The hand-over itself, per actor: tests/db/account-handover.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, joinGroupChat, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

/** Della's chat with Memo (member) and Vic (viewer, who joined first); each wrote a line. */
async function dellasChat() {
  const [della, memo, vic] = await Promise.all(['Della', 'Memo', 'Vic'].map((name) => api.createUser({ metadata: { display_name: name } })));
  const session = await (await della!.request('POST', '/sessions', { title: 'Della group' })).json();
  await joinGroupChat(della!, vic!, session.id, 'viewer');
  await joinGroupChat(della!, memo!, session.id, 'member');
  for (const [author, content] of [[della!, 'Della opens'], [memo!, 'Memo writes important notes']] as const) {
    await api.db.sql`insert into public.messages (session_id, user_id, author_id, sender, content) values (${session.id}, ${della!.id}, ${author.id}, 'user', ${content})`;
  }
  return { della: della!, memo: memo!, vic: vic!, id: session.id as string };
}

const impactOf = async (user: ApiUser) => {
  const res = await user.request('GET', '/me/deletion-impact');
  expect(res.status).toBe(200);
  return await res.json();
};

describe('what deleting an account does to other people', () => {
  it('is said first: the group chat and who gets it, the share link that stops, the public prompt that goes', async () => {
    const g = await dellasChat();
    expect((await g.della.request('POST', `/sessions/${g.id}/share`, {})).status).toBeLessThan(300);
    const prompt = await (await g.della.request('POST', '/prompts', { title: 'Della prompt', content: 'x', is_public: true })).json();
    expect((await g.memo.request('POST', `/prompts/${prompt.id}/fork`)).status).toBe(201);
    await g.della.request('POST', '/prompts', { title: 'Private one', content: 'x' });

    expect(await impactOf(g.della)).toEqual({
      group_chats: [{ id: g.id, title: 'Della group', people: 2, handed_to: { user_id: g.memo.id, display_name: 'Memo' } }],
      share_links: [{ session_id: g.id, title: 'Della group' }],
      public_prompts: [{ id: prompt.id, title: 'Della prompt', forks: 1 }],
    });
    // Memo's own deletion touches nobody else: he owns nothing others use.
    expect(await impactOf(g.memo)).toEqual({ group_chats: [], share_links: [], public_prompts: [] });
    expect((await api.request('GET', '/me/deletion-impact')).status).toBe(401);
  });

  it('DELETE /me hands the group chat to Memo: every line is still there, Della now a former member', async () => {
    const g = await dellasChat();
    expect((await g.della.request('DELETE', '/me')).status).toBe(204);
    const page = await (await g.memo.request('GET', `/sessions/${g.id}/messages`)).json();
    expect(page.messages.map((m: { content: string; author_id: string | null; author_name: string | null }) => [m.content, m.author_id, m.author_name]))
      .toEqual([['Della opens', null, null], ['Memo writes important notes', g.memo.id, 'Memo']]);
    const people = await (await g.memo.request('GET', `/sessions/${g.id}/members`)).json();
    expect(people.participants.map((p: { display_name: string; role: string }) => [p.display_name, p.role]).sort())
      .toEqual([['Memo', 'owner'], ['Vic', 'viewer']]);
    // His now, as any chat of his: he renames it.
    expect((await g.memo.request('PATCH', `/sessions/${g.id}`, { title: 'Memo group' })).status).toBe(200);
  });
});

// Security review 8 #2: the heir could confirm a guessed address of someone Della invited, since
// it answered 409 already_member and any other address 201. Per actor (the rule: tests/db/account-handover.test.ts).
describe('inviting addresses to a chat handed over by DELETE /me', () => {
  const invite = (who: ApiUser, id: string, email: string) => who.request('POST', `/sessions/${id}/members`, { email, role: 'viewer' });
  const shape = async (res: Response) => {
    const body = await res.json();
    return { status: res.status, keys: Object.keys(body).sort(), email: body.email, role: body.role };
  };

  it('Della, who invited Vic, is told he is in already', async () => {
    const g = await dellasChat();
    const res = await invite(g.della, g.id, g.vic.email);
    expect([res.status, (await res.json()).error.code]).toEqual([409, 'already_member']);
  });

  it('Memo, her heir, gets a new invitation for a right guess at Vic\'s address as for a wrong one; Vic stays as he was', async () => {
    const g = await dellasChat();
    expect((await g.della.request('DELETE', '/me')).status).toBe(204);
    const wrong = await shape(await invite(g.memo, g.id, 'vic.smith@example.test'));
    const right = await shape(await invite(g.memo, g.id, g.vic.email));
    expect(wrong).toEqual({ ...right, email: 'vic.smith@example.test' });
    expect(right).toMatchObject({ status: 201, email: g.vic.email.toLowerCase(), role: 'viewer' });
    const pending = await (await g.memo.request('GET', `/sessions/${g.id}/invitations`)).json();
    expect(pending.invitations.map((i: { email: string }) => i.email).sort()).toEqual([g.vic.email.toLowerCase(), 'vic.smith@example.test'].sort());
    // Vic, a member already, may accept it: still one Vic in the chat, his address still his own.
    const [mine] = (await (await g.vic.request('GET', '/invitations')).json()).invitations;
    const accepted = await g.vic.request('POST', `/invitations/${mine.id}/accept`);
    expect(await accepted.json()).toEqual({ session_id: g.id, role: 'viewer' });
    const people = (await (await g.memo.request('GET', `/sessions/${g.id}/members`)).json()).participants;
    expect(people.map((p: { display_name: string; email: string | null }) => [p.display_name, p.email]))
      .toEqual([['Memo', g.memo.email], ['Vic', null]]);
  });

  it('Vic, a viewer, still invites nobody', async () => {
    const g = await dellasChat();
    expect((await g.della.request('DELETE', '/me')).status).toBe(204);
    expect((await invite(g.vic, g.id, g.memo.email)).status).toBe(404);
  });
});

describe('the account export of a group chat', () => {
  it('holds the group chats they are in, as they can read them: every message with its author', async () => {
    const g = await dellasChat();
    const res = await g.memo.request('GET', '/me/export');
    expect(res.status).toBe(200);
    const data = await res.json();
    expect(data.sessions).toEqual([]);
    expect(data.group_chats).toEqual([expect.objectContaining({ id: g.id, title: 'Della group', role: 'member', owner_name: 'Della', joined_at: expect.any(String) })]);
    expect(data.group_chats[0].messages.map((m: { content: string; author_name: string | null }) => [m.content, m.author_name]))
      .toEqual([['Della opens', 'Della'], ['Memo writes important notes', 'Memo']]);
    // The owner's export has the chat among their own sessions, and no group_chats.
    const own = await (await g.della.request('GET', '/me/export')).json();
    expect(own.sessions.map((s: { id: string }) => s.id)).toEqual([g.id]);
    expect(own.group_chats).toEqual([]);
  });

  it("names who asked what in the owner's own group chat too (QA18 #3), as the member's export does", async () => {
    const g = await dellasChat();
    const own = await (await g.della.request('GET', '/me/export')).json();
    const authored = (messages: { content: string; author_name: string | null }[]) => messages.map((m) => [m.content, m.author_name]);
    expect(authored(own.sessions[0].messages)).toEqual([['Della opens', 'Della'], ['Memo writes important notes', 'Memo']]);
    // Once Memo has left the chat his question still names him (he wrote in it), as on the chat's pages.
    expect((await g.memo.request('DELETE', `/sessions/${g.id}/members/${g.memo.id}`)).status).toBe(204);
    const after = await (await g.della.request('GET', '/me/export')).json();
    expect(authored(after.sessions[0].messages)[1]).toEqual(['Memo writes important notes', 'Memo']);
  });
});
