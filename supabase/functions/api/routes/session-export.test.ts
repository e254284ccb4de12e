// GET /api/sessions/{id}/export: the active branch (not the other versions) as Markdown or
// JSON, named after the title; group members export with the others' names; strangers get 404.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser, joinGroupChat } from '../../../../tests/helpers/api.ts';
import { parseMrPrompt } from '../../../../web/src/lib/import/mrprompt.ts';
import { toBatches } from '../../../../web/src/lib/import/batches.ts';
import { chatMarkdown, exportDisposition, markdownText } from '../lib/chat-export.ts';

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

/** Attaches files to a message as the chat route records them (the objects themselves are not needed). */
async function attach(messageId: string, uploader: ApiUser, files: { name: string; type: string; size: number; tokens?: number; truncated?: boolean }[]) {
  for (const f of files) {
    await api.db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size, token_count, truncated, created_at)
      values (${messageId}, ${uploader.id}, ${`${uploader.id}/chat/${randomUUID()}/${f.name.replace(/[^\w.]/g, '_')}`}, ${f.name}, ${f.type},
              ${f.size}, ${f.tokens ?? 0}, ${f.truncated ?? false}, clock_timestamp())`;
  }
}

const FILES = [
  { name: 'doc.pdf', type: 'application/pdf', size: 590, tokens: 120 },
  { name: 'notes.txt', type: 'text/plain', size: 1229, tokens: 300 },
  { name: 'big.txt', type: 'text/plain', size: 3_500_000, tokens: 8000, truncated: true },
  { name: '*bold*_[x](y)<b>&amp;\n#1\u202Etxt.exe', type: 'image/png', size: 20_480 },
];

describe('chat export', () => {
  it('names the files each message carried: a line under it in Markdown, an attachments array in JSON', async () => {
    const owner = await api.createUser();
    const chat = await branchedChat(owner, 'Files');
    await attach(chat.a, owner, FILES);

    const text = await (await owner.request('GET', `/sessions/${chat.id}/export`)).text();
    expect(text).toMatch(/## You · .*\n\nPlan a \*\*3-day\*\* trip\n\n_Attached: doc\\\.pdf \(PDF, 590 B\), notes\\\.txt \(text, 1\.2 KB\), big\\\.txt \(text, 3\.3 MB, cut to fit\), \S.* \(PNG image, 20 KB\)_\n/);
    // The name's Markdown is escaped, its line break and bidi override are spaces: it reads as written.
    expect(text).toContain('\\*bold\\*\\_\\[x\\]\\(y\\)\\<b\\>\\&amp\\; \\#1 txt\\.exe (PNG image, 20 KB)_');
    expect(text.match(/_Attached:/g)).toHaveLength(1); // the answers carried none

    const body = await (await owner.request('GET', `/sessions/${chat.id}/export?format=json`)).json();
    expect(body.messages[0].attachments).toEqual([
      { name: 'doc.pdf', type: 'application/pdf', size: 590, tokens: 120, truncated: false },
      { name: 'notes.txt', type: 'text/plain', size: 1229, tokens: 300, truncated: false },
      { name: 'big.txt', type: 'text/plain', size: 3_500_000, tokens: 8000, truncated: true },
      { name: FILES[3]!.name, type: 'image/png', size: 20_480, tokens: 0, truncated: false },
    ]);
    expect(body.messages.slice(1).map((m: { attachments: unknown[] }) => m.attachments)).toEqual([[], []]);
    expect(JSON.stringify(body)).not.toContain(`${owner.id}/chat/`); // where they are stored stays inside
  });

  it('a group member sees the files of everyone in the chat; the exported JSON imports again, its files ignored', async () => {
    const [owner, member] = await Promise.all([1, 2].map(() => api.createUser()));
    const chat = await branchedChat(owner!, 'Team files');
    await joinGroupChat(owner!, member!, chat.id, 'member');
    const mine = await insert(owner!, chat.id, { parent: chat.c, sender: 'user', content: 'Member files', author: member!.id });
    await attach(chat.a, owner!, FILES.slice(0, 1));
    await attach(mine, member!, FILES.slice(1, 2));

    for (const reader of [owner!, member!]) {
      const text = await (await reader.request('GET', `/sessions/${chat.id}/export`)).text();
      expect(text).toContain('Plan a **3-day** trip\n\n_Attached: doc\\.pdf (PDF, 590 B)_');
      expect(text).toContain('Member files\n\n_Attached: notes\\.txt (text, 1.2 KB)_');
    }

    // Round trip: the member's JSON download, read as the import page reads it, posted to /import.
    const file = await (await member!.request('GET', `/sessions/${chat.id}/export?format=json`)).json();
    expect(file.messages.map((m: { attachments: { name: string }[] }) => m.attachments.map((a) => a.name))).toEqual([['doc.pdf'], [], [], ['notes.txt']]);
    const parsed = parseMrPrompt(file);
    expect(parsed.conversations[0]!.messages.map((m) => m.content)).toEqual(['Plan a **3-day** trip', 'Day 1: walk\n\n```sh\necho hi\n```', 'And day 2?', 'Member files']);
    const [batch] = toBatches(parsed.conversations, parsed.skipped);
    const imported = await member!.request('POST', '/import', { conversations: batch!.conversations });
    expect(imported.status).toBe(200);
    const { results } = await imported.json();
    expect(results).toEqual([{ source_id: chat.id, status: 'imported', session_id: expect.any(String), messages: 4 }]);
    const copy = { id: results[0].session_id as string };
    const history = await (await member!.request('GET', `/sessions/${copy!.id}/messages?limit=100`)).json();
    expect(history.messages.map((m: { content: string }) => m.content)).toEqual(parsed.conversations[0]!.messages.map((m) => m.content));
  });

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
    completion_tokens: null, latency_ms: null, created_at: '2026-12-03T00:15:42.123Z', attachments: [], ...over,
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

  it('escapes Markdown in a file name and writes sizes for people', () => {
    expect(markdownText('a_b*c`d|e~f\\g')).toBe('a\\_b\\*c\\`d\\|e\\~f\\\\g');
    expect(markdownText('ok name 1')).toBe('ok name 1');
    const md = chatMarkdown(chat([message({ sender: 'user', author_id: 'me', content: '', attachments: [
      { name: 'a.png', type: 'image/png', size: 1023, tokens: 0, truncated: false },
      { name: 'b.csv', type: 'text/csv', size: 1024 * 1024 * 12, tokens: 5, truncated: false },
    ] })]));
    expect(md).toContain('## You · 2026-12-03 00:15 UTC\n\n_Attached: a\\.png (PNG image, 1023 B), b\\.csv (CSV, 12 MB)_\n');
  });

  it('names the file safely whatever the title', () => {
    expect(exportDisposition('a/b\\c:d*e?f"g<h>i|j', 'md')).toBe(`attachment; filename="a-b-c-d-e-f-g-h-i-j.md"; filename*=UTF-8''a%20b%20c%20d%20e%20f%20g%20h%20i%20j.md`);
    expect(exportDisposition('日本語のチャット', 'json')).toBe(`attachment; filename="chat.json"; filename*=UTF-8''${encodeURIComponent('日本語のチャット.json')}`);
    expect(exportDisposition("It's (mine)!", 'md')).toBe(`attachment; filename="It's-(mine)!.md"; filename*=UTF-8''It%27s%20%28mine%29%21.md`);
    expect(exportDisposition('line\r\nbreak', 'md')).toBe(`attachment; filename="line-break.md"; filename*=UTF-8''line%20break.md`);
    expect(exportDisposition('x'.repeat(300), 'md')).toBe(`attachment; filename="${'x'.repeat(80)}.md"; filename*=UTF-8''${'x'.repeat(80)}.md`);
  });
});
