// Share links and forks through the API: create/read/revoke, signed-out reading, snapshot vs
// live, paging, forking one's own and a shared chat, and nothing leaking (ids, emails, tokens
// in logs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, joinGroupChat, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

async function chat(user: ApiUser, lines: string[]) {
  const res = await user.request('POST', '/sessions', { title: 'Trip plans', metadata: { provider: 'demo', model: 'demo-model' } });
  const session = (await res.json()) as { id: string };
  const ids: string[] = [];
  for (const [i, content] of lines.entries()) {
    const [row] = await api.db.sql`insert into public.messages (session_id, user_id, sender, content)
      values (${session.id}, ${user.id}, ${i % 2 ? 'assistant' : 'user'}, ${content}) returning id`;
    ids.push(row.id);
  }
  return { id: session.id, messages: ids };
}

async function share(user: ApiUser, sessionId: string, live = false) {
  const res = await user.request('POST', `/sessions/${sessionId}/share`, { live });
  expect(res.status).toBe(201);
  return (await res.json()) as { token: string; path: string; live: boolean; shared_at: string };
}

describe('share links', () => {
  it('the owner shares; a signed-out visitor reads the chat without ids or emails; revoking answers 404', async () => {
    const alice = await api.createUser();
    const { id } = await chat(alice, ['Where to?', 'Lisbon.']);
    const link = await share(alice, id);
    expect(link.path).toBe(`/s/${link.token}`);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const res = await api.request('GET', `/shared/${link.token}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ title: 'Trip plans', live: false, next_cursor: null });
    expect(body.messages.map((m: { content: string }) => m.content)).toEqual(['Where to?', 'Lisbon.']);
    const text = JSON.stringify(body);
    expect(text).not.toContain(alice.id);
    expect(text).not.toContain(alice.email);
    expect(JSON.stringify(api.logs)).not.toContain(link.token);

    expect((await alice.request('GET', `/sessions/${id}/share`)).status).toBe(200);
    expect((await alice.request('DELETE', `/sessions/${id}/share`)).status).toBe(204);
    expect((await api.request('GET', `/shared/${link.token}`)).status).toBe(404);
    expect(await (await alice.request('GET', `/sessions/${id}/share`)).json()).toEqual({ shared: false });
    expect((await alice.request('DELETE', `/sessions/${id}/share`)).status).toBe(404);
  });

  it('the owner sees the current link again, as often as they ask; replacing shows the new one', async () => {
    const alice = await api.createUser();
    const { id } = await chat(alice, ['Where to?', 'Lisbon.']);
    // Not shared is a plain answer, not a 404 (the web app asks each time Share opens).
    const before = await alice.request('GET', `/sessions/${id}/share`);
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({ shared: false });

    const first = await share(alice, id, true);
    const again = async () => (await (await alice.request('GET', `/sessions/${id}/share`)).json()) as Record<string, unknown>;
    expect(await again()).toEqual({ shared: true, live: true, shared_at: first.shared_at, token: first.token, path: first.path });
    expect(await again()).toMatchObject({ token: first.token });

    const second = await share(alice, id);
    expect(await again()).toEqual({ shared: true, live: false, shared_at: second.shared_at, token: second.token, path: second.path });
    // Kept sealed, never in the clear: a dump of the table does not hand out the link.
    const [row] = await api.db.sql`select token_sealed from public.session_shares where session_id = ${id}`;
    expect(row.token_sealed).toMatch(/^v\d+\./);
    expect(row.token_sealed).not.toContain(second.token);
    expect(JSON.stringify(api.logs)).not.toContain(second.token);

    // A sealed copy that is not this link's (another chat's, or a link made before links were
    // kept) is not shown: the link is there, its token is not.
    const other = await chat(alice, ['Elsewhere']);
    await share(alice, other.id);
    await api.db.sql`update public.session_shares set token_sealed = (select token_sealed from public.session_shares where session_id = ${other.id}) where session_id = ${id}`;
    expect(await again()).toEqual({ shared: true, live: false, shared_at: second.shared_at, token: null, path: null });
    await api.db.sql`update public.session_shares set token_sealed = null where session_id = ${id}`;
    expect(await again()).toMatchObject({ shared: true, token: null });
  });

  it("a group member is told nothing about the owner's link (404, shared or not)", async () => {
    const [olive, mia] = await Promise.all([api.createUser(), api.createUser()]);
    const { id } = await chat(olive!, ['Where to?']);
    await joinGroupChat(olive!, mia!, id, 'member');
    expect((await mia!.request('GET', `/sessions/${id}/share`)).status).toBe(404);
    await share(olive!, id);
    expect((await mia!.request('GET', `/sessions/${id}/share`)).status).toBe(404);
  });

  it("a group chat's link says who asked each question — names only; a chat of one names nobody", async () => {
    const [olive, mia] = await Promise.all([
      api.createUser({ metadata: { display_name: 'Olive Owner' } }),
      api.createUser({ metadata: { display_name: 'Mia Member' } }),
    ]);
    const { id } = await chat(olive!, ['Where to?', 'Lisbon.']);
    await joinGroupChat(olive!, mia!, id, 'member');
    // A member's turn, as the function writes it: the owner's rows, the member as author.
    await api.db.sql`insert into public.messages (session_id, user_id, author_id, sender, content)
      values (${id}, ${olive!.id}, ${mia!.id}, 'user', 'And food?')`;
    await api.db.sql`insert into public.messages (session_id, user_id, author_id, sender, content)
      values (${id}, ${olive!.id}, ${mia!.id}, 'assistant', 'Pastéis.')`;
    const body = await (await api.request('GET', `/shared/${(await share(olive!, id)).token}`)).json();
    expect(body.messages.map((m: { content: string; author_name?: string }) => [m.content, m.author_name])).toEqual([
      ['Where to?', 'Olive Owner'],
      ['Lisbon.', undefined],
      ['And food?', 'Mia Member'],
      ['Pastéis.', undefined],
    ]);
    const text = JSON.stringify(body);
    for (const secret of [olive!.id, olive!.email, mia!.id, mia!.email]) expect(text).not.toContain(secret);

    const solo = await chat(olive!, ['Just me?', 'Yes.']);
    const alone = await (await api.request('GET', `/shared/${(await share(olive!, solo.id)).token}`)).json();
    expect(alone.messages.map((m: object) => 'author_name' in m)).toEqual([false, false]);
  });

  it('a snapshot link leaves out later messages; a live one includes them', async () => {
    const alice = await api.createUser();
    const snapshotChat = await chat(alice, ['one']);
    const liveChat = await chat(alice, ['one']);
    const snapshot = await share(alice, snapshotChat.id);
    const live = await share(alice, liveChat.id, true);
    for (const { id } of [snapshotChat, liveChat]) {
      await api.db.sql`insert into public.messages (session_id, user_id, sender, content) values (${id}, ${alice.id}, 'user', 'two')`;
    }
    const read = async (token: string) =>
      ((await (await api.request('GET', `/shared/${token}`)).json()).messages as { content: string }[]).map((m) => m.content);
    expect(await read(snapshot.token)).toEqual(['one']);
    expect(await read(live.token)).toEqual(['one', 'two']);
  });

  it('pages a long shared chat with cursors, never skipping or repeating', async () => {
    const alice = await api.createUser();
    const lines = Array.from({ length: 25 }, (_, i) => `m${i}`);
    const { id } = await chat(alice, lines);
    const { token } = await share(alice, id);
    const seen: string[] = [];
    let before: string | null = null;
    do {
      const query: string = `?limit=10${before ? `&before=${encodeURIComponent(before)}` : ''}`;
      const body = await (await api.request('GET', `/shared/${token}${query}`)).json();
      seen.unshift(...body.messages.map((m: { content: string }) => m.content));
      before = body.next_cursor;
    } while (before);
    expect(seen).toEqual(lines);
  });

  it("another user can neither share, see nor revoke someone else's link", async () => {
    const alice = await api.createUser();
    const mallory = await api.createUser();
    const { id } = await chat(alice, ['private']);
    await share(alice, id);
    expect((await mallory.request('POST', `/sessions/${id}/share`, {})).status).toBe(404);
    expect((await mallory.request('GET', `/sessions/${id}/share`)).status).toBe(404);
    expect((await mallory.request('DELETE', `/sessions/${id}/share`)).status).toBe(404);
    expect((await alice.request('GET', `/sessions/${id}/share`)).status).toBe(200);
  });

  it('answers 400 for something that cannot be a token and 404 for a well-formed unknown one', async () => {
    expect((await api.request('GET', '/shared/short')).status).toBe(400);
    expect((await api.request('GET', `/shared/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await api.request('POST', `/sessions/${crypto.randomUUID()}/share`, {})).status).toBe(401);
  });
});

describe('fork', () => {
  it('copies my chat up to a message into a new session; the original is untouched', async () => {
    const alice = await api.createUser();
    const { id, messages } = await chat(alice, ['a', 'b', 'c', 'd']);
    const res = await alice.request('POST', `/sessions/${id}/fork`, { message_id: messages[1] });
    expect(res.status).toBe(201);
    const { session_id } = await res.json();
    const page = await (await alice.request('GET', `/sessions/${session_id}/messages`)).json();
    expect(page.messages.map((m: { content: string }) => m.content)).toEqual(['a', 'b']);
    const original = await (await alice.request('GET', `/sessions/${id}/messages`)).json();
    expect(original.messages).toHaveLength(4);
    const forked = await (await alice.request('GET', `/sessions/${session_id}`)).json();
    expect(forked.title).toBe('Trip plans (fork)');
  });

  it("copies a shared chat into the viewer's own account; a signed-out visitor must sign in first", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const { id, messages } = await chat(alice, ['q', 'a']);
    const { token } = await share(alice, id);
    expect((await api.request('POST', `/shared/${token}/fork`, {})).status).toBe(401);
    const res = await bob.request('POST', `/shared/${token}/fork`, {});
    expect(res.status).toBe(201);
    const { session_id } = await res.json();
    const page = await (await bob.request('GET', `/sessions/${session_id}/messages`)).json();
    expect(page.messages.map((m: { content: string }) => m.content)).toEqual(['q', 'a']);
    // Forking someone else's chat without the link, or a message outside it, is a 404.
    const refused = async (res: Response) => [res.status, (await res.json()).error.message];
    expect(await refused(await bob.request('POST', `/sessions/${id}/fork`, {}))).toEqual([404, 'Session not found']);
    expect(await refused(await bob.request('POST', `/shared/${'x'.repeat(43)}/fork`, {}))).toEqual([404, 'Share link not found']);
    expect(await refused(await bob.request('POST', `/shared/${token}/fork`, { message_id: crypto.randomUUID() }))).toEqual([404, 'Message not found']);
    expect((await bob.request('POST', `/shared/${token}/fork`, { message_id: messages[0] })).status).toBe(201);
  });
});

describe('branches', () => {
  /** Where to? → Lisbon. → Why? → Sun. and, regenerated, "Food." under "Why?" (active). */
  async function branched(user: ApiUser) {
    const c = await chat(user, ['Where to?', 'Lisbon.', 'Why?', 'Sun.']);
    const [regenerated] = await api.db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${c.id}, ${user.id}, 'assistant', 'Food.', ${c.messages[2]}) returning id`;
    return { ...c, regenerated: regenerated.id as string };
  }
  const texts = async (res: Response) => ((await res.json()) as { messages: { content: string }[] }).messages.map((m) => m.content);

  it('a share link returns only the active branch', async () => {
    const alice = await api.createUser();
    const { id } = await branched(alice);
    const link = await share(alice, id);
    expect(await texts(await api.request('GET', `/shared/${link.token}`))).toEqual(['Where to?', 'Lisbon.', 'Why?', 'Food.']);
    const paged = await api.request('GET', `/shared/${link.token}?limit=3`);
    const first = (await paged.json()) as { messages: { content: string }[]; next_cursor: string };
    expect(first.messages.map((m) => m.content)).toEqual(['Lisbon.', 'Why?', 'Food.']);
    expect(await texts(await api.request('GET', `/shared/${link.token}?limit=3&before=${encodeURIComponent(first.next_cursor)}`))).toEqual(['Where to?']);
  });

  it('fork copies only the branch (up to a message), with parent links', async () => {
    const alice = await api.createUser();
    const c = await branched(alice);
    const whole = (await (await alice.request('POST', `/sessions/${c.id}/fork`, {})).json()) as { session_id: string };
    expect(await texts(await alice.request('GET', `/sessions/${whole.session_id}/messages`))).toEqual(['Where to?', 'Lisbon.', 'Why?', 'Food.']);
    const other = (await (await alice.request('POST', `/sessions/${c.id}/fork`, { message_id: c.messages[3] })).json()) as { session_id: string };
    const page = (await (await alice.request('GET', `/sessions/${other.session_id}/messages`)).json()) as { messages: { id: string; parent_id: string | null; content: string }[] };
    expect(page.messages.map((m) => m.content)).toEqual(['Where to?', 'Lisbon.', 'Why?', 'Sun.']);
    page.messages.forEach((m, i) => expect(m.parent_id).toBe(i === 0 ? null : page.messages[i - 1].id));
  });
});
