// session_shares and the share/fork functions, per actor: owner, other user, anonymous
// visitor with the link, anonymous visitor without it, and the service role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function chatWithMessages(owner: AuthUser, count = 4): Promise<{ session: string; messages: string[] }> {
  const [session] = await db.sql`insert into public.chat_sessions (user_id, title, metadata)
    values (${owner.id}, 'Secret plans', ${JSON.stringify({ provider: 'demo', model: 'demo-model', prompt_id: 'x' })}::text::jsonb) returning id`;
  const messages: string[] = [];
  for (let i = 0; i < count; i++) {
    const [row] = await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${session.id}, ${owner.id}, ${i % 2 ? 'assistant' : 'user'}, ${`line ${i}`}, ${messages.at(-1) ?? null}) returning id`;
    messages.push(row.id);
  }
  return { session: session.id, messages };
}

/** The session's active leaf, as a subquery (what a new message in it follows). */
const leafOf = (session: string) => db.sql`(select active_leaf_id from public.chat_sessions where id = ${session})`;

const share = (owner: AuthUser, session: string, live = false) =>
  asActor(db.sql, owner, async (tx) => (await tx`select public.share_session(${session}, ${live}) as token`)[0].token as string);

const readShared = (actor: AuthUser | 'anon', token: string) =>
  asActor(db.sql, actor, async (tx) => ({
    session: await tx`select * from public.get_shared_session(${token})`,
    messages: await tx`select * from public.get_shared_messages(${token})`,
  }));

describe('session_shares: owner', () => {
  it('shares a session with a 256-bit token, stored only as its hash', async () => {
    const owner = await createAuthUser(db.sql);
    const { session } = await chatWithMessages(owner);
    const token = await share(owner, session);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await db.sql`select encode(token_hash, 'hex') as hash from public.session_shares where session_id = ${session}`;
    expect(row.hash).not.toContain(token);
    expect(row.hash).toHaveLength(64);
    const seen = await asActor(db.sql, owner, (tx) => tx`select session_id, live from public.session_shares`);
    expect(seen).toEqual([{ session_id: session, live: false }]);
  });

  it('sharing again replaces the link: the old token reads nothing', async () => {
    const owner = await createAuthUser(db.sql);
    const { session } = await chatWithMessages(owner);
    const first = await share(owner, session);
    await db.sql`update public.session_shares set token_sealed = 'v1.first' where session_id = ${session}`;
    const second = await share(owner, session, true);
    expect(second).not.toBe(first);
    const [row] = await db.sql`select token_sealed from public.session_shares where session_id = ${session}`;
    expect(row.token_sealed).toBeNull(); // the old link's sealed copy is not shown for the new one
    expect((await readShared('anon', first)).session).toEqual([]);
    expect((await readShared('anon', second)).session).toMatchObject([{ title: 'Secret plans', live: true }]);
  });

  it('cannot write link rows directly (tokens come only from share_session), but can revoke', async () => {
    const owner = await createAuthUser(db.sql);
    const { session } = await chatWithMessages(owner);
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.session_shares (session_id, user_id, token_hash)
      values (${session}, ${owner.id}, sha256('guessable'::bytea))`)).rejects.toThrow(PERMISSION_DENIED);
    const token = await share(owner, session);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.session_shares set live = true`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, owner, (tx) => tx`update public.session_shares set token_hash = sha256('guessable'::bytea)`)).rejects.toThrow(PERMISSION_DENIED);
    // Only the sealed copy the API keeps for them (20261207030000); replacing the link forgets it.
    const sealed = await asActor(db.sql, owner, (tx) => tx`update public.session_shares set token_sealed = 'v1.sealed' returning token_sealed`);
    expect(sealed).toEqual([{ token_sealed: 'v1.sealed' }]);
    const revoked = await asActor(db.sql, owner, (tx) => tx`delete from public.session_shares where session_id = ${session} returning session_id`);
    expect(revoked).toHaveLength(1);
    expect((await readShared('anon', token)).messages).toEqual([]);
  });

  it('forks their own chat up to a message into a new session', async () => {
    const owner = await createAuthUser(db.sql);
    const { session, messages } = await chatWithMessages(owner, 4);
    const forked = await asActor(db.sql, owner, async (tx) =>
      (await tx`select fork_id as id from public.fork_session(${session}, null, ${messages[1]})`)[0].id as string);
    const copied = await db.sql`select sender, content, user_id from public.messages where session_id = ${forked} order by created_at`;
    expect(copied.map((m) => m.content)).toEqual(['line 0', 'line 1']);
    const [copy] = await db.sql`select title, metadata, user_id from public.chat_sessions where id = ${forked}`;
    expect(copy).toEqual({ title: 'Secret plans (fork)', metadata: { provider: 'demo', model: 'demo-model' }, user_id: owner.id });
  });
});

describe('session_shares: anonymous visitor', () => {
  it('with the link reads the title and finished messages, and no user id or email', async () => {
    const owner = await createAuthUser(db.sql);
    const { session } = await chatWithMessages(owner, 3);
    await db.sql`insert into public.messages (session_id, user_id, sender, content, status, parent_id)
      values (${session}, ${owner.id}, 'assistant', 'half an answ', 'streaming', ${leafOf(session)})`;
    const token = await share(owner, session);
    const read = await readShared('anon', token);
    expect(read.session).toMatchObject([{ title: 'Secret plans', live: false }]);
    expect(read.messages.map((m) => m.content)).toEqual(['line 2', 'line 1', 'line 0']);
    const everything = JSON.stringify(read);
    expect(everything).not.toContain(owner.id);
    expect(everything).not.toContain(owner.email);
  });

  it('a snapshot link hides later messages; a live link shows them', async () => {
    const owner = await createAuthUser(db.sql);
    const { session: snapshotChat } = await chatWithMessages(owner, 2);
    const { session: liveChat } = await chatWithMessages(owner, 2);
    const snapshot = await share(owner, snapshotChat, false);
    const live = await share(owner, liveChat, true);
    for (const id of [snapshotChat, liveChat]) {
      await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id) values (${id}, ${owner.id}, 'user', 'later', ${leafOf(id)})`;
    }
    expect((await readShared('anon', snapshot)).messages.map((m) => m.content)).not.toContain('later');
    expect((await readShared('anon', live)).messages.map((m) => m.content)).toContain('later');
  });

  it('without the link (a wrong, empty or null token) reads nothing and cannot touch the tables', async () => {
    const owner = await createAuthUser(db.sql);
    const { session } = await chatWithMessages(owner);
    await share(owner, session);
    for (const token of ['wrong', '', null]) {
      const read = await asActor(db.sql, 'anon', async (tx) => ({
        session: await tx`select * from public.get_shared_session(${token})`,
        messages: await tx`select * from public.get_shared_messages(${token})`,
      }));
      expect(read).toEqual({ session: [], messages: [] });
    }
    await expect(asActor(db.sql, 'anon', (tx) => tx`select * from public.session_shares`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`select public.share_session(${session}, true)`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`select public.fork_session(${session}, null, null)`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('session_shares: another user', () => {
  it("cannot see, share, revoke or fork someone else's chat without its link", async () => {
    const owner = await createAuthUser(db.sql);
    const stranger = await createAuthUser(db.sql);
    const { session } = await chatWithMessages(owner);
    await share(owner, session);
    const view = await asActor(db.sql, stranger, (tx) => tx`select * from public.session_shares`);
    expect(view).toEqual([]);
    const revoked = await asActor(db.sql, stranger, (tx) => tx`delete from public.session_shares returning session_id`);
    expect(revoked).toEqual([]);
    const sealed = await asActor(db.sql, stranger, (tx) => tx`update public.session_shares set token_sealed = 'v1.mine' returning session_id`);
    expect(sealed).toEqual([]);
    await expect(asActor(db.sql, stranger, (tx) => tx`select public.share_session(${session}, true)`)).rejects.toThrow(/no such session/);
    await expect(asActor(db.sql, stranger, (tx) => tx`select public.fork_session(${session}, null, null)`)).rejects.toThrow(/no such session/);
  });

  it('with the link forks what the link shows into their own account, nothing more', async () => {
    const owner = await createAuthUser(db.sql);
    const viewer = await createAuthUser(db.sql);
    const { session, messages } = await chatWithMessages(owner, 4);
    const token = await share(owner, session);
    await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id) values (${session}, ${owner.id}, 'user', 'after sharing', ${leafOf(session)})`;
    const forked = await asActor(db.sql, viewer, async (tx) => (await tx`select fork_id as id from public.fork_session(null, ${token}, null)`)[0].id as string);
    const rows = await db.sql`select content, user_id from public.messages where session_id = ${forked} order by created_at`;
    expect(rows.map((r) => r.content)).toEqual(['line 0', 'line 1', 'line 2', 'line 3']);
    expect(new Set(rows.map((r) => r.user_id))).toEqual(new Set([viewer.id]));
    const [copy] = await db.sql`select user_id, project_id from public.chat_sessions where id = ${forked}`;
    expect(copy).toEqual({ user_id: viewer.id, project_id: null });
    // A message id from outside the link is refused.
    const [outside] = await db.sql`select id from public.messages where session_id = ${session} and content = 'after sharing'`;
    await expect(asActor(db.sql, viewer, (tx) => tx`select public.fork_session(null, ${token}, ${outside.id})`)).rejects.toThrow(/no such message/);
    // Each refusal its own SQLSTATE (lib/db-errors.ts maps them by code): no such message, no such link or chat.
    const code = (query: Promise<unknown>) => query.then(() => 'no error', (error: { code?: string }) => error.code);
    expect(await code(asActor(db.sql, viewer, (tx) => tx`select public.fork_session(null, ${token}, ${outside.id})`))).toBe('MRF03');
    expect(await code(asActor(db.sql, viewer, (tx) => tx`select public.fork_session(null, ${'x'.repeat(43)}, null)`))).toBe('MRF02');
    expect(await code(asActor(db.sql, viewer, (tx) => tx`select public.fork_session(${session}, null, null)`))).toBe('MRF02');
    await expect(asActor(db.sql, viewer, (tx) => tx`select public.fork_session(null, ${token}, ${messages[0]})`)).resolves.toBeTruthy();
  });
});

describe('session_shares: service role', () => {
  it('reads every link (dashboard/maintenance)', async () => {
    const owner = await createAuthUser(db.sql);
    const { session } = await chatWithMessages(owner);
    await share(owner, session);
    const rows = await asActor(db.sql, 'service_role', (tx) => tx`select session_id from public.session_shares where session_id = ${session}`);
    expect(rows).toHaveLength(1);
  });

  it('deleting the session removes its link', async () => {
    const owner = await createAuthUser(db.sql);
    const { session } = await chatWithMessages(owner);
    const token = await share(owner, session);
    await db.sql`delete from public.chat_sessions where id = ${session}`;
    expect((await readShared('anon', token)).session).toEqual([]);
  });
});

describe('session_shares: branches', () => {
  /** line 0 → line 1 → line 2 → line 3, plus a regenerated "other 3" under line 2 (the active leaf). */
  async function branched(owner: AuthUser) {
    const chat = await chatWithMessages(owner, 4);
    const [other] = await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${chat.session}, ${owner.id}, 'assistant', 'other 3', ${chat.messages[2]}) returning id`;
    return { ...chat, other: other.id as string };
  }
  const contents = (rows: readonly { [column: string]: unknown }[]) => rows.map((r) => r.content);

  it('anonymous with a link reads only the active branch; a snapshot keeps its branch after a switch, a live link follows', async () => {
    const owner = await createAuthUser(db.sql);
    const chat = await branched(owner);
    const snapshot = await share(owner, chat.session, false);
    expect(contents((await readShared('anon', snapshot)).messages)).toEqual(['other 3', 'line 2', 'line 1', 'line 0']);
    await asActor(db.sql, owner, (tx) => tx`select public.select_branch(${chat.session}, ${chat.messages[3]})`);
    expect(contents((await readShared('anon', snapshot)).messages)).toEqual(['other 3', 'line 2', 'line 1', 'line 0']);
    const live = await share(owner, chat.session, true);
    expect(contents((await readShared('anon', live)).messages)).toEqual(['line 3', 'line 2', 'line 1', 'line 0']);
  });

  it('a snapshot whose shown answer is deleted shows nothing, names no author and forks nothing, never the branch it did not show; a live link follows the chat', async () => {
    const [owner, member, stranger] = [await createAuthUser(db.sql), await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const [row] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Team') returning id`;
    const session = row!.id as string;
    await joinGroupChat(db.sql, owner, member, session, 'member');
    const say = async (sender: string, content: string, parent: string | null, author: AuthUser) => (await db.sql`
      insert into public.messages (session_id, user_id, author_id, sender, content, parent_id)
      values (${session}, ${owner.id}, ${author.id}, ${sender}, ${content}, ${parent}) returning id`)[0]!.id as string;
    // The member's question, the answer the owner shares, and a newer regenerated one they keep to themselves.
    const question = await say('user', 'question', null, member);
    const shown = await say('assistant', 'answer I chose to share', question, owner);
    await say('assistant', 'regenerated answer I kept private', question, owner);
    await asActor(db.sql, owner, (tx) => tx`select public.select_branch(${session}, ${shown})`);
    const snapshot = await share(owner, session, false);
    const authors = () => asActor(db.sql, 'anon', async (tx) =>
      (await tx`select message_id from public.get_shared_message_authors(${snapshot}, ${[question]}::uuid[])`).map((r) => r.message_id));
    expect(contents((await readShared('anon', snapshot)).messages)).toEqual(['answer I chose to share', 'question']);
    expect(await authors()).toEqual([question]);

    // DELETE /rest/v1/messages?id=eq.<shown>, with the owner's token.
    await asActor(db.sql, owner, (tx) => tx`delete from public.messages where id = ${shown}`);
    expect((await readShared('anon', snapshot)).messages).toEqual([]);
    expect(await authors()).toEqual([]);
    const fork = await asActor(db.sql, stranger, async (tx) => (await tx`select fork_id as id from public.fork_session(null, ${snapshot})`)[0].id as string);
    expect(await db.sql`select content from public.messages where session_id = ${fork}`).toEqual([]);
    // A live link shows the chat as it is: its newest message, once the active leaf is gone.
    const live = await share(owner, session, true);
    expect(contents((await readShared('anon', live)).messages)).toEqual(['regenerated answer I kept private', 'question']);
  });

  it('pages a shared branch by walking parents from the oldest message of the previous page', async () => {
    const owner = await createAuthUser(db.sql);
    const chat = await branched(owner);
    const token = await share(owner, chat.session);
    const first = await asActor(db.sql, 'anon', (tx) => tx`select * from public.get_shared_messages(${token}, null, null, 2)`);
    expect(contents(first)).toEqual(['other 3', 'line 2']);
    const second = await asActor(db.sql, 'anon', (tx) => tx`select * from public.get_shared_messages(${token}, null, ${first[1].id}, 2)`);
    expect(contents(second)).toEqual(['line 1', 'line 0']);
  });

  it('a page cursor off the shown branch reads nothing of the other branch', async () => {
    const owner = await createAuthUser(db.sql);
    // line 0 → line 1 → line 2 → line 3, and line 2 edited: "edit 2" → "edit 3" (the active leaf).
    const chat = await chatWithMessages(owner, 4);
    const [edit] = await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${chat.session}, ${owner.id}, 'user', 'edit 2', ${chat.messages[1]}) returning id`;
    await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${chat.session}, ${owner.id}, 'assistant', 'edit 3', ${edit.id})`;
    const token = await share(owner, chat.session, true);
    const page = (before: string | null) =>
      asActor(db.sql, 'anon', async (tx) => contents(await tx`select * from public.get_shared_messages(${token}, null, ${before}, 10)`));
    expect(await page(null)).toEqual(['edit 3', 'edit 2', 'line 1', 'line 0']);
    expect(await page(edit.id)).toEqual(['line 1', 'line 0']);
    // "line 3" is on the branch the owner left: as a cursor it shows neither "line 2" nor anything else.
    expect(await page(chat.messages[3]!)).toEqual([]);
    expect(await page(chat.messages[2]!)).toEqual([]);
    expect(await page(crypto.randomUUID())).toEqual([]);
  });

  it("a group chat's link names the authors of the questions it shows, and of no other branch's", async () => {
    const [owner, member] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const [row] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Team') returning id`;
    await joinGroupChat(db.sql, owner, member, row!.id, 'member');
    const say = async (sender: string, content: string, parent: string | null, author = owner) => (await db.sql`
      insert into public.messages (session_id, user_id, author_id, sender, content, parent_id)
      values (${row!.id}, ${owner.id}, ${author.id}, ${sender}, ${content}, ${parent}) returning id`)[0]!.id as string;
    // q0 (member) → a0 → q1 (member) → a1, and q1 edited by the owner: q1' → a1' (the active leaf).
    const q0 = await say('user', 'q0', null, member);
    const a0 = await say('assistant', 'a0', q0);
    const q1 = await say('user', 'q1', a0, member);
    await say('assistant', 'a1', q1);
    const q1edit = await say('user', "q1'", a0);
    await say('assistant', "a1'", q1edit);
    const token = await share(owner, row!.id, true);
    const authors = await asActor(db.sql, 'anon', (tx) =>
      tx`select message_id from public.get_shared_message_authors(${token}, ${[q0, q1, q1edit]}::uuid[])`);
    expect(authors.map((a) => a.message_id).sort()).toEqual([q0, q1edit].sort());
  });

  it('fork copies only the branch (up to a message), with its parent links; a shared fork refuses a message of another branch', async () => {
    const owner = await createAuthUser(db.sql);
    const viewer = await createAuthUser(db.sql);
    const chat = await branched(owner);
    const copyOf = async (session: string) => {
      const rows = await db.sql`select id, parent_id, content from public.messages where session_id = ${session} order by created_at, id`;
      const [s] = await db.sql`select active_leaf_id from public.chat_sessions where id = ${session}`;
      rows.forEach((row, i) => expect(row.parent_id).toBe(i === 0 ? null : rows[i - 1].id));
      expect(s.active_leaf_id).toBe(rows.at(-1)?.id);
      return contents(rows);
    };
    const whole = await asActor(db.sql, owner, async (tx) => (await tx`select fork_id as id from public.fork_session(${chat.session}, null, null)`)[0].id as string);
    expect(await copyOf(whole)).toEqual(['line 0', 'line 1', 'line 2', 'other 3']);
    // One's own chat: any message, its own branch.
    const upto = await asActor(db.sql, owner, async (tx) => (await tx`select fork_id as id from public.fork_session(${chat.session}, null, ${chat.messages[3]})`)[0].id as string);
    expect(await copyOf(upto)).toEqual(['line 0', 'line 1', 'line 2', 'line 3']);
    const token = await share(owner, chat.session);
    const shared = await asActor(db.sql, viewer, async (tx) => (await tx`select fork_id as id from public.fork_session(null, ${token}, ${chat.messages[1]})`)[0].id as string);
    expect(await copyOf(shared)).toEqual(['line 0', 'line 1']);
    await expect(asActor(db.sql, viewer, (tx) => tx`select public.fork_session(null, ${token}, ${chat.messages[3]})`)).rejects.toThrow(/no such message/);
  });
});
