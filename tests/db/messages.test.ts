// messages: owner-only chat turns. Users read and delete their own; every row, status, token
// count and timing is written by the function (privileged), so a user's own token — what the
// Data API uses on hosted Supabase — cannot forge an answer, a status or a token count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser, joinGroupChat } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function ownerWithMessage(): Promise<{ owner: AuthUser; sessionId: string; messageId: string }> {
  const owner = await createAuthUser(db.sql);
  const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
  const [message] = await db.sql`insert into public.messages (session_id, user_id, sender, content)
    values (${session.id}, ${owner.id}, 'user', 'Hello there') returning id`;
  return { owner, sessionId: session.id, messageId: message.id };
}

describe('messages: owner', () => {
  it('reads and deletes messages of their own session', async () => {
    const { owner, sessionId, messageId } = await ownerWithMessage();
    const result = await asActor(db.sql, owner, async (tx) => {
      const page = await tx`select sender from public.messages where session_id = ${sessionId} order by created_at desc, id desc limit 50`;
      const deleted = await tx`delete from public.messages where id = ${messageId} returning id`;
      return { page: page.map((m) => m.sender), deleted: deleted.length };
    });
    expect(result).toEqual({ page: ['user'], deleted: 1 });
  });

  it('cannot add a question with their own token: questions enter a chat through a chat turn (the function)', async () => {
    const { owner, sessionId } = await ownerWithMessage();
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
      values (${sessionId}, ${owner.id}, 'user', 'typed') returning status`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('cannot write answers, statuses, token counts or times, nor change any message', async () => {
    const { owner, sessionId, messageId } = await ownerWithMessage();
    await expect(asActor(db.sql, owner, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
      values (${sessionId}, ${owner.id}, 'assistant', 'forged answer')`)).rejects.toThrow(PERMISSION_DENIED);
    for (const query of [
      `insert into public.messages (session_id, user_id, sender, status, content) values ('${sessionId}', '${owner.id}', 'assistant', 'complete', 'forged answer')`,
      `insert into public.messages (session_id, user_id, sender, status) values ('${sessionId}', '${owner.id}', 'user', 'streaming')`,
      `insert into public.messages (session_id, user_id, sender, content, token_count) values ('${sessionId}', '${owner.id}', 'user', 'x', 0)`,
      `insert into public.messages (session_id, user_id, sender, content, created_at) values ('${sessionId}', '${owner.id}', 'user', 'x', now() - interval '1 year')`,
      `update public.messages set content = 'rewritten' where id = '${messageId}'`,
      `update public.messages set status = 'error' where id = '${messageId}'`,
      `update public.messages set token_count = 0, prompt_tokens = 0, completion_tokens = 0 where id = '${messageId}'`,
      `update public.messages set sender = 'assistant' where id = '${messageId}'`,
      // Who stopped an answer is the stop route's word: nobody names someone else as the one who did.
      `update public.messages set stopped_by = '${owner.id}' where id = '${messageId}'`,
    ]) {
      await expect(asActor(db.sql, owner, (tx) => tx.unsafe(query)), query).rejects.toThrow(PERMISSION_DENIED);
    }
  });

  it("cannot reach a running turn's lock, lease, stop flag or checkpoints", async () => {
    const { owner } = await ownerWithMessage();
    for (const table of ['private.chat_turns', 'private.message_chunks']) {
      await expect(asActor(db.sql, owner, (tx) => tx.unsafe(`select * from ${table}`))).rejects.toThrow(/permission denied for schema private/);
    }
    await expect(asActor(db.sql, owner, (tx) => tx`select private.settle_abandoned_answers(${owner.id}::uuid)`))
      .rejects.toThrow(/permission denied for schema private/);
  });

  it('keeps the write order of messages written in one transaction', async () => {
    const owner = await createAuthUser(db.sql);
    const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    await db.sql.begin(async (tx) => {
      for (const sender of ['user', 'assistant', 'user', 'assistant']) {
        await tx`insert into public.messages (session_id, user_id, sender, content) values (${session.id}, ${owner.id}, ${sender}, ${sender})`;
      }
    });
    const order = await asActor(db.sql, owner, (tx) => tx`select sender from public.messages where session_id = ${session.id} order by created_at, id`);
    expect(order.map((m) => m.sender)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it("bumps the session's last_message_at", async () => {
    const { owner, sessionId } = await ownerWithMessage();
    await db.sql`update public.chat_sessions set last_message_at = now() - interval '1 day' where id = ${sessionId}`;
    const [message] = await db.sql`insert into public.messages (session_id, user_id, sender, content)
      values (${sessionId}, ${owner.id}, 'user', 'Again') returning created_at`;
    const [session] = await db.sql`select last_message_at from public.chat_sessions where id = ${sessionId}`;
    expect(session.last_message_at.getTime()).toBe(message.created_at.getTime());
  });

  it('allows one streaming answer per session', async () => {
    const { owner, sessionId } = await ownerWithMessage();
    await db.sql`insert into public.messages (session_id, user_id, sender, status) values (${sessionId}, ${owner.id}, 'assistant', 'streaming')`;
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, status) values (${sessionId}, ${owner.id}, 'assistant', 'streaming')`)
      .rejects.toThrow(/messages_one_streaming_per_session_idx/);
  });

  it('pages history newest-first straight from the index, without sorting', async () => {
    const { owner, sessionId } = await ownerWithMessage();
    const plan = await asActor(db.sql, owner, async (tx) => {
      // Tiny tables favour a sequential scan; this asks whether the index *can* serve the order.
      await tx`set local enable_seqscan = off`;
      const [row] = await tx`explain (format json) select id, content from public.messages
        where session_id = ${sessionId} and (created_at, id) < (now(), ${'ffffffff-ffff-4fff-bfff-ffffffffffff'}::uuid)
        order by created_at desc, id desc limit 50`;
      return JSON.stringify(row['QUERY PLAN']);
    });
    expect(plan).toContain('messages_session_id_created_at_id_idx');
    expect(plan).not.toContain('"Node Type":"Sort"');
  });

  it('finds finished messages by full-text search, never a streaming one', async () => {
    const { owner, sessionId, messageId } = await ownerWithMessage();
    await db.sql`insert into public.messages (session_id, user_id, sender, status, content)
      values (${sessionId}, ${owner.id}, 'assistant', 'streaming', 'there is more')`;
    // Through the search index's function (as the API asks), and through RLS on the text itself.
    const found = await asActor(db.sql, owner, (tx) => tx`select public.search_message_ids(websearch_to_tsquery('simple', 'there'), 10) as id`);
    expect(found.map((h) => h.id)).toEqual([messageId]);
    const hits = await asActor(db.sql, owner, (tx) => tx`select id from public.messages
      where status <> 'streaming' and to_tsvector('simple', content) @@ websearch_to_tsquery('simple', 'there')`);
    expect(hits.map((h) => h.id)).toEqual([messageId]);
  });

  it('rejects unknown senders, statuses, error codes and model names with control characters, whoever writes', async () => {
    const { owner, sessionId } = await ownerWithMessage();
    await expect(db.sql`insert into public.messages (session_id, user_id, sender)
      values (${sessionId}, ${owner.id}, 'robot')`).rejects.toThrow(/check constraint/);
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, status)
      values (${sessionId}, ${owner.id}, 'assistant', 'done')`).rejects.toThrow(/check constraint/);
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, error_code)
      values (${sessionId}, ${owner.id}, 'assistant', 'Not A Code')`).rejects.toThrow(/check constraint/);
    // A model name is a label: no control characters (C0, DEL, C1), also for the Data API's secret key.
    for (const model of ['gpt-4o\u001b[2J', 'gpt\n4o', 'gpt\u007f', 'gpt\u009b4o']) {
      await expect(asActor(db.sql, 'service_role', (tx) => tx`insert into public.messages (session_id, user_id, sender, model)
        values (${sessionId}, ${owner.id}, 'assistant', ${model})`)).rejects.toThrow(/messages_model_no_control_characters/);
    }
    await db.sql`insert into public.messages (session_id, user_id, sender, model) values (${sessionId}, ${owner.id}, 'assistant', 'meta-llama/Llama-3.1-8B:ﬁne ✓')`;
  });
});

describe('messages: another user', () => {
  it("cannot insert a message into another user's session, even knowing its id", async () => {
    const { owner, sessionId } = await ownerWithMessage();
    const stranger = await createAuthUser(db.sql);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
      values (${sessionId}, ${stranger.id}, 'user', 'Injected')`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, stranger, (tx) => tx`insert into public.messages (session_id, user_id, sender, content)
      values (${sessionId}, ${owner.id}, 'user', 'Injected')`)).rejects.toThrow(PERMISSION_DENIED);
    const rows = await db.sql`select content from public.messages where session_id = ${sessionId}`;
    expect(rows.map((r) => r.content)).toEqual(['Hello there']);
  });

  it('sees nothing and cannot change or delete the owner’s messages', async () => {
    const { messageId } = await ownerWithMessage();
    const stranger = await createAuthUser(db.sql);
    const result = await asActor(db.sql, stranger, async (tx) => ({
      seen: (await tx`select id from public.messages where id = ${messageId}`).length,
      deleted: (await tx`delete from public.messages where id = ${messageId} returning id`).length,
    }));
    expect(result).toEqual({ seen: 0, deleted: 0 });
    await expect(asActor(db.sql, stranger, (tx) => tx`update public.messages set content = 'x' where id = ${messageId}`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('messages: anonymous', () => {
  it('has no access at all', async () => {
    const { owner, sessionId, messageId } = await ownerWithMessage();
    for (const query of [
      'select id from public.messages',
      `insert into public.messages (session_id, user_id, sender) values ('${sessionId}', '${owner.id}', 'user')`,
      `update public.messages set content = 'x' where id = '${messageId}'`,
      `delete from public.messages where id = '${messageId}'`,
    ]) {
      await expect(asActor(db.sql, 'anon', (tx) => tx.unsafe(query))).rejects.toThrow(PERMISSION_DENIED);
    }
  });
});

describe('messages: service role', () => {
  it('reads, writes and deletes any message', async () => {
    const { owner, sessionId, messageId } = await ownerWithMessage();
    const result = await asActor(db.sql, 'service_role', async (tx) => ({
      seen: (await tx`select id from public.messages where id = ${messageId}`).length,
      inserted: (await tx`insert into public.messages (session_id, user_id, sender) values (${sessionId}, ${owner.id}, 'system') returning id`).length,
      updated: (await tx`update public.messages set content = 'edited' where id = ${messageId} returning id`).length,
      deleted: (await tx`delete from public.messages where id = ${messageId} returning id`).length,
    }));
    expect(result).toEqual({ seen: 1, inserted: 1, updated: 1, deleted: 1 });
  });
});

// Branches: parent_id threads a conversation into a tree; chat_sessions.active_leaf_id names
// the branch shown. Per actor: owner / group member / viewer / other user / anonymous.
describe('messages: branches', () => {
  /** u1 → a1, and a second answer a2 under u1 (a regenerate), with a member and a viewer. */
  async function tree() {
    const [owner, member, viewer, stranger] = await Promise.all([1, 2, 3, 4].map(() => createAuthUser(db.sql)));
    const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner!.id}) returning id`;
    const add = async (sender: string, content: string, parent: string | null) =>
      (await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
        values (${session.id}, ${owner!.id}, ${sender}, ${content}, ${parent}) returning id`)[0].id as string;
    const u1 = await add('user', 'question', null);
    const a1 = await add('assistant', 'first answer', u1);
    const a2 = await add('assistant', 'second answer', u1);
    await joinGroupChat(db.sql, owner!, member!, session.id, 'member');
    await joinGroupChat(db.sql, owner!, viewer!, session.id, 'viewer');
    return { owner: owner!, member: member!, viewer: viewer!, stranger: stranger!, session: session.id as string, u1, a1, a2 };
  }
  const leaf = async (session: string) => (await db.sql`select active_leaf_id from public.chat_sessions where id = ${session}`)[0].active_leaf_id;

  it('a new message becomes the active leaf; the parent must be a message of the same session', async () => {
    const t = await tree();
    expect(await leaf(t.session)).toBe(t.a2);
    const other = await tree();
    // Not even the database owner can thread a message under another session's message.
    await expect(db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${t.session}, ${t.owner.id}, 'user', 'x', ${other.a1})`).rejects.toThrow(/messages_parent_in_session_fkey/);
    await expect(db.sql`update public.messages set parent_id = id where id = ${t.a1}`).rejects.toThrow(/messages_parent_id_not_self/);
    // Nor move one: its depth and jump (20261208060000_index_message_depths.sql) hold only in its place.
    await expect(db.sql`update public.messages set parent_id = ${t.a1} where id = ${t.a2}`).rejects.toThrow(/keeps its place in the conversation/);
  });

  it("every message's depth and jump follow Myers' skew-binary rule, on a long branch and one forked from its middle", async () => {
    const owner = await createAuthUser(db.sql);
    const [session] = await db.sql`insert into public.chat_sessions (user_id) values (${owner.id}) returning id`;
    // The rule, computed here: a message's jump is its parent's jump's jump when the parent's
    // jump spans as many levels as that jump's own, else the parent; a first message jumps to itself.
    const expected = new Map<string, { depth: number; jump: string }>();
    const place = (id: string, parent: string | null) => {
      if (!parent) return expected.set(id, { depth: 0, jump: id });
      const p = expected.get(parent)!;
      const j = expected.get(p.jump)!;
      const j2 = expected.get(j.jump)!;
      expected.set(id, { depth: p.depth + 1, jump: p.depth - j.depth === j.depth - j2.depth ? j.jump : parent });
    };
    const write = async (parent: string | null) => {
      const [row] = await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
        values (${session.id}, ${owner.id}, 'user', ${'x'.repeat(4000)}, ${parent}) returning id`;
      place(row.id, parent);
      return row.id as string;
    };
    const branch = [await write(null)];
    for (let i = 1; i < 70; i++) branch.push(await write(branch.at(-1)!));
    let fork = branch[33]!;
    for (let i = 0; i < 20; i++) fork = await write(fork);
    const stored = await db.sql`select id, branch_depth, branch_jump_id from public.messages where session_id = ${session.id}`;
    expect(stored).toHaveLength(90);
    for (const row of stored) expect({ depth: row.branch_depth, jump: row.branch_jump_id }).toEqual(expected.get(row.id));
    expect(expected.get(fork)!.depth).toBe(53);
  });

  it('owner: cannot write or re-thread messages with their own token (only chat turns write them)', async () => {
    const t = await tree();
    await expect(asActor(db.sql, t.owner, (tx) => tx`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${t.session}, ${t.owner.id}, 'user', 'follow-up', ${t.a1})`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, t.owner, (tx) => tx`update public.messages set parent_id = null where id = ${t.a1}`)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('a message written without a parent follows the active leaf, unless named a new first message', async () => {
    const t = await tree();
    const [follow] = await db.sql`insert into public.messages (session_id, user_id, sender, content)
      values (${t.session}, ${t.owner.id}, 'user', 'follow-up') returning id, parent_id`;
    expect(follow.parent_id).toBe(t.a2);
    const [root] = await db.sql.begin(async (tx) => {
      const id = crypto.randomUUID();
      await tx`select set_config('mrprompt.root_message', ${id}, true)`;
      return await tx`insert into public.messages (id, session_id, user_id, sender, content) values (${id}, ${t.session}, ${t.owner.id}, 'user', 'again') returning id, parent_id`;
    });
    expect(root.parent_id).toBeNull();
    expect(await leaf(t.session)).toBe(root.id);
  });

  it('rows written without a parent in one statement form a thread, after the active leaf', async () => {
    const t = await tree();
    const rows = await db.sql`insert into public.messages (session_id, user_id, sender, content)
      select ${t.session}, ${t.owner.id}, 'user', 'bulk ' || g from generate_series(1, 3) g returning id, parent_id`;
    expect(rows.map((r) => r.parent_id)).toEqual([t.a2, rows[0].id, rows[1].id]);
    expect(await leaf(t.session)).toBe(rows[2].id);
  });

  it('owner: switches the branch (select_branch picks the newest leaf beneath) or sets a leaf of the same session only', async () => {
    const t = await tree();
    const [q] = await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${t.session}, ${t.owner.id}, 'user', 'under the first answer', ${t.a1}) returning id`;
    await db.sql`update public.chat_sessions set active_leaf_id = ${t.a2} where id = ${t.session}`;
    const [{ chosen }] = await asActor(db.sql, t.owner, (tx) => tx`select public.select_branch(${t.session}, ${t.a1}) as chosen`);
    expect(chosen).toBe(q.id); // the newest message beneath the first answer
    const [{ back }] = await asActor(db.sql, t.owner, (tx) => tx`select public.select_branch(${t.session}, ${t.a2}) as back`);
    expect(back).toBe(t.a2);
    expect(await leaf(t.session)).toBe(t.a2);
    const other = await tree();
    await expect(asActor(db.sql, t.owner, (tx) => tx`update public.chat_sessions set active_leaf_id = ${other.a1} where id = ${t.session}`))
      .rejects.toThrow(/chat_sessions_active_leaf_in_session_fkey/);
    // A message of another session through select_branch: nothing found, nothing changed.
    const [{ none }] = await asActor(db.sql, t.owner, (tx) => tx`select public.select_branch(${t.session}, ${other.a1}) as none`);
    expect(none).toBeNull();
    expect(await leaf(t.session)).toBe(t.a2);
  });

  it('owner: choosing a message already on the branch shown keeps that branch', async () => {
    const t = await tree();
    // u1 → a1 → q1 (shown: a1's branch), beside the newer answer a2.
    const [q1] = await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${t.session}, ${t.owner.id}, 'user', 'under the first answer', ${t.a1}) returning id`;
    const [late] = await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${t.session}, ${t.owner.id}, 'user', 'under the second answer', ${t.a2}) returning id`;
    await db.sql`update public.chat_sessions set active_leaf_id = ${q1.id} where id = ${t.session}`;
    for (const message of [t.u1, t.a1, q1.id]) {
      const [{ kept }] = await asActor(db.sql, t.owner, (tx) => tx`select public.select_branch(${t.session}, ${message}) as kept`);
      expect(kept).toBe(q1.id);
    }
    // Off the branch: the newest message beneath it.
    const [{ moved }] = await asActor(db.sql, t.owner, (tx) => tx`select public.select_branch(${t.session}, ${t.a2}) as moved`);
    expect(moved).toBe(late.id);
    // Back on u1 (now on the branch shown): stays.
    const [{ again }] = await asActor(db.sql, t.owner, (tx) => tx`select public.select_branch(${t.session}, ${t.u1}) as again`);
    expect(again).toBe(late.id);
  });

  it('deleting a message deletes the branch beneath it and clears a leaf that was in it; deleting the session still works', async () => {
    const t = await tree();
    const deleted = await asActor(db.sql, t.owner, (tx) => tx`delete from public.messages where id = ${t.a2} returning id`);
    expect(deleted).toHaveLength(1);
    expect(await leaf(t.session)).toBeNull();
    const [q] = await db.sql`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${t.session}, ${t.owner.id}, 'user', 'more', ${t.a1}) returning id`;
    await asActor(db.sql, t.owner, (tx) => tx`delete from public.messages where id = ${t.u1}`);
    const left = await db.sql`select id from public.messages where session_id = ${t.session}`;
    expect(left).toEqual([]);
    expect(q.id).toBeTruthy();
    const removed = await asActor(db.sql, t.owner, (tx) => tx`delete from public.chat_sessions where id = ${t.session} returning id`);
    expect(removed).toHaveLength(1);
  });

  it('group member and viewer: read the tree (parent links, active leaf) but cannot switch the branch', async () => {
    const t = await tree();
    for (const actor of [t.member, t.viewer]) {
      const seen = await asActor(db.sql, actor, async (tx) => ({
        rows: (await tx`select id, parent_id from public.messages where session_id = ${t.session} order by created_at`).map((r) => r.parent_id),
        leaf: (await tx`select active_leaf_id from public.chat_sessions where id = ${t.session}`)[0]?.active_leaf_id,
        switched: (await tx`select public.select_branch(${t.session}, ${t.a1}) as id`)[0].id,
        updated: (await tx`update public.chat_sessions set active_leaf_id = ${t.a1} where id = ${t.session} returning id`).length,
      }));
      expect(seen).toEqual({ rows: [null, t.u1, t.u1], leaf: t.a2, switched: null, updated: 0 });
    }
    expect(await leaf(t.session)).toBe(t.a2);
  });

  it('other user: sees no message, cannot switch or thread under the session', async () => {
    const t = await tree();
    const seen = await asActor(db.sql, t.stranger, async (tx) => ({
      rows: (await tx`select id from public.messages where session_id = ${t.session}`).length,
      switched: (await tx`select public.select_branch(${t.session}, ${t.a1}) as id`)[0].id,
      updated: (await tx`update public.chat_sessions set active_leaf_id = ${t.a1} where id = ${t.session} returning id`).length,
    }));
    expect(seen).toEqual({ rows: 0, switched: null, updated: 0 });
    await expect(asActor(db.sql, t.stranger, (tx) => tx`insert into public.messages (session_id, user_id, sender, content, parent_id)
      values (${t.session}, ${t.stranger.id}, 'user', 'x', ${t.a1})`)).rejects.toThrow(PERMISSION_DENIED);
    expect(await leaf(t.session)).toBe(t.a2);
  });

  it('anonymous: cannot read, switch or thread', async () => {
    const t = await tree();
    await expect(asActor(db.sql, 'anon', (tx) => tx`select parent_id from public.messages`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`select public.select_branch(${t.session}, ${t.a1})`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, 'anon', (tx) => tx`update public.chat_sessions set active_leaf_id = ${t.a1}`)).rejects.toThrow(PERMISSION_DENIED);
  });
});
