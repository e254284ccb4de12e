// GET /api/sessions/{id}/export: the active branch (not the other versions) as Markdown or
// JSON, named after the title; group members export with the others' names; strangers get 404.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser, joinGroupChat } from '../../../../tests/helpers/api.ts';
import { chatMarkdown, exportDisposition } from '../lib/chat-export.ts';

let api: ApiHarness;
beforeAll(async () => { api = await createApiHarness(); });
afterAll(async () => { await api?.close(); });

interface Row { parent?: string | null; sender: 'user' | 'assistant'; content: string; model?: string; reasoning?: string; status?: string; author?: string | null }

/** Inserts a message as the chat route stores it, one millisecond after the previous one. */
async function insert(owner: ApiUser, sessionId: string, row: Row): Promise<string> {
  const id = randomUUID();
  await api.db.sql`
    insert into public.messages (id, session_id, user_id, author_id, parent_id, sender, content, model, reasoning, status, error_code, created_at)
    values (${id}, ${sessionId}, ${owner.id}, ${row.author === undefined ? owner.id : row.author}, ${row.parent ?? null}, ${row.sender},
            ${row.content}, ${row.model ?? null}, ${row.reasoning ?? ''}, ${row.status ?? 'complete'},
            ${row.status === 'stopped' ? 'stopped_by_user' : null}, clock_timestamp())`;
  await new Promise((resolve) => setTimeout(resolve, 2));
  return id;
}

/** A chat whose first answer was regenerated: A → B1 (older version), A → B2 (stopped, with thinking) → C. */
async function branchedChat(owner: ApiUser, title: string) {
  const session = (await (await owner.request('POST', '/sessions', { title })).json()) as { id: string };
  const a = await insert(owner, session.id, { sender: 'user', content: 'Plan a **3-day** trip' });
  const b1 = await insert(owner, session.id, { parent: a, sender: 'assistant', content: 'The older version', model: 'demo-model' });
  const b2 = await insert(owner, session.id, {
    parent: a, sender: 'assistant', content: 'Day 1: walk\n\n```sh\necho hi\n```', model: 'demo-model',
    reasoning: 'Three days.\nKeep it short.', status: 'stopped',
  });
  const c = await insert(owner, session.id, { parent: b2, sender: 'user', content: 'And day 2?' });
  return { id: session.id, a, b1, b2, c };
}

describe('chat export', () => {
  it('exports the branch shown as Markdown, named after the title, with the thinking quoted and why an answer stopped', async () => {
    const owner = await api.createUser();
    const chat = await branchedChat(owner, 'Trip: Über "plans"');
    const res = await owner.request('GET', `/sessions/${chat.id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Trip-Uber-plans.md"; filename*=UTF-8''Trip%20%C3%9Cber%20plans.md`,
    );
    const text = await res.text();
    expect(text.startsWith('# Trip: Über "plans"\n\n_Exported from Mr.Prompt on ')).toBe(true);
    expect(text).toContain('· 3 messages_');
    expect(text).toMatch(/## You · \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n\nPlan a \*\*3-day\*\* trip/);
    expect(text).toContain('## Assistant (demo-model) · ');
    expect(text).toContain('> **Thoughts**\n>\n> Three days.\n> Keep it short.\n\nDay 1: walk\n\n```sh\necho hi\n```\n\n_Stopped before the end._');
    expect(text).toContain('And day 2?');
    expect(text).not.toContain('The older version');
    expect(text.indexOf('Plan a')).toBeLessThan(text.indexOf('Day 1')); // oldest first
    expect(text.indexOf('Day 1')).toBeLessThan(text.indexOf('And day 2?'));
  });

  it('follows the branch switched to, and exports JSON with every message field', async () => {
    const owner = await api.createUser();
    const chat = await branchedChat(owner, 'Branches');
    expect((await owner.request('POST', `/sessions/${chat.id}/branch`, { message_id: chat.b1 })).status).toBe(200);
    const res = await owner.request('GET', `/sessions/${chat.id}/export?format=json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="Branches\.json"/);
    const body = await res.json();
    expect(body).toMatchObject({ format: 'mrprompt-chat/1', session: { id: chat.id, title: 'Branches' } });
    expect(Number.isNaN(Date.parse(body.exported_at))).toBe(false);
    expect(body.messages.map((m: { id: string }) => m.id)).toEqual([chat.a, chat.b1]);
    expect(body.messages[1]).toMatchObject({ sender: 'assistant', content: 'The older version', model: 'demo-model', status: 'complete', parent_id: chat.a });
  });

  it('a long conversation is exported whole, across the pages it is read in', async () => {
    const owner = await api.createUser();
    const session = (await (await owner.request('POST', '/sessions', { title: 'Long' })).json()) as { id: string };
    // 1,203 messages in a chain: more than two of the pages the export reads them in.
    const ids = Array.from({ length: 1_203 }, () => randomUUID());
    await api.db.sql`
      insert into public.messages (id, session_id, user_id, author_id, parent_id, sender, content, created_at)
      select id, ${session.id}, ${owner.id}, ${owner.id}, parent, case when i % 2 = 1 then 'assistant' else 'user' end,
             'message ' || i, now() - make_interval(secs => 1204 - i)
        from unnest(${ids}::uuid[], ${[null, ...ids.slice(0, -1)]}::uuid[]) with ordinality as m(id, parent, i)`;
    const body = await (await owner.request('GET', `/sessions/${session.id}/export?format=json`)).json();
    expect(body.messages.map((m: { id: string }) => m.id)).toEqual(ids);
  });

  it("a group member exports with the others' names; a stranger gets 404; bad input gets 400", async () => {
    const [owner, member, stranger] = await Promise.all([1, 2, 3].map(() => api.createUser()));
    const chat = await branchedChat(owner!, 'Team');
    await joinGroupChat(owner!, member!, chat.id, 'member');
    await insert(owner!, chat.id, { parent: chat.c, sender: 'user', content: 'Member here', author: member!.id });
    const history = await (await member!.request('GET', `/sessions/${chat.id}/messages`)).json();
    const ownerName = history.messages[0].author_name as string;
    expect(ownerName).toBeTruthy();

    const text = await (await member!.request('GET', `/sessions/${chat.id}/export`)).text();
    expect(text).toContain(`## ${ownerName} · `);
    expect(text).toMatch(/## You · .*\n\nMember here/);
    expect(text).toContain('· 4 messages_');

    expect((await stranger!.request('GET', `/sessions/${chat.id}/export`)).status).toBe(404);
    expect((await owner!.request('GET', `/sessions/${randomUUID()}/export`)).status).toBe(404);
    expect((await owner!.request('GET', '/sessions/not-a-uuid/export')).status).toBe(400);
    const badFormat = await owner!.request('GET', `/sessions/${chat.id}/export?format=pdf`);
    expect(badFormat.status).toBe(400);
    expect((await badFormat.json()).error.message).toMatch(/format/);
  });
});

describe('chat export formatting', () => {
  const message = (over: Partial<Parameters<typeof chatMarkdown>[0]['messages'][number]>) => ({
    id: randomUUID(), parent_id: null, sender: 'assistant' as const, author_id: null, author_name: null, content: 'x', reasoning: '',
    status: 'complete' as const, error: null, error_code: null, provider: null, model: null, prompt_tokens: null,
    completion_tokens: null, latency_ms: null, created_at: '2026-12-03T00:15:42.123Z', ...over,
  });
  const chat = (messages: ReturnType<typeof message>[], title = 'T') => ({
    session: { id: randomUUID(), title, created_at: '2026-12-03T00:00:00Z' }, messages, exportedAt: '2026-12-03T01:02:03Z', viewerId: 'me',
  });

  it('says why an answer is not whole, and who wrote what', () => {
    const md = chatMarkdown(chat([
      message({ sender: 'user', author_id: 'someone', author_name: null, content: 'From a deleted account' }),
      message({ status: 'error', error: 'The provider refused the key', content: '' }),
      message({ status: 'stopped', error_code: 'wall_clock_limit' }),
      message({ status: 'streaming' }),
    ], '  Multi\nline   title '));
    expect(md.split('\n')[0]).toBe('# Multi line title');
    expect(md).toContain('_Exported from Mr.Prompt on 2026-12-03 01:02 UTC · 4 messages_');
    expect(md).toContain('## A deleted account · 2026-12-03 00:15 UTC\n\nFrom a deleted account');
    expect(md).toContain('## Assistant · 2026-12-03 00:15 UTC\n\n_Failed: The provider refused the key._');
    expect(md).toContain('_Cut off by the time limit._');
    expect(md).toContain('_Still being written when this was exported._');
    expect(chatMarkdown(chat([message({})]))).toContain('· 1 message_');
  });

  it('names the file safely whatever the title', () => {
    expect(exportDisposition('a/b\\c:d*e?f"g<h>i|j', 'md')).toBe(`attachment; filename="a-b-c-d-e-f-g-h-i-j.md"; filename*=UTF-8''a%20b%20c%20d%20e%20f%20g%20h%20i%20j.md`);
    expect(exportDisposition('日本語のチャット', 'json')).toBe(`attachment; filename="chat.json"; filename*=UTF-8''${encodeURIComponent('日本語のチャット.json')}`);
    expect(exportDisposition("It's (mine)!", 'md')).toBe(`attachment; filename="It's-(mine)!.md"; filename*=UTF-8''It%27s%20%28mine%29%21.md`);
    expect(exportDisposition('line\r\nbreak', 'md')).toBe(`attachment; filename="line-break.md"; filename*=UTF-8''line%20break.md`);
    expect(exportDisposition('x'.repeat(300), 'md')).toBe(`attachment; filename="${'x'.repeat(80)}.md"; filename*=UTF-8''${'x'.repeat(80)}.md`);
  });
});
