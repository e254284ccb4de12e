// POST /api/chat with `{path, name}` attachments: a Storage key keeps only ASCII letters, digits
// and a few marks, so the name a person gave the file travels beside its path. It is what the
// model reads, what message_attachments keeps and what the chips, export and search show; a bare
// path (an older client) is still named by its last part. Names that could hide or disguise
// text (control characters, bidirectional overrides) are refused before anything is read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../../../../tests/helpers/api.ts';
import { createStorageApiHarness, uploadAs, type StorageApiHarness, type StorageApiUser } from '../../../../tests/helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

async function ask(user: StorageApiUser, attachments: unknown[]) {
  const res = await user.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'Read these', attachments });
  return res.status === 200 ? { status: 200, meta: (await readSse(res)).find((e) => e.event === 'meta')!.data } : { status: res.status, error: (await res.json()).error };
}

/** The text of the last user message the provider received. */
function lastPrompt(): string {
  const body = h.provider.requests.at(-1)!.body as { messages: { content: string | { type: string; text?: string }[] }[] };
  const content = body.messages.at(-1)!.content;
  return typeof content === 'string' ? content : content.map((p) => p.text ?? '').join('');
}

describe('attachment names', { timeout: 60_000 }, () => {
  it('keeps German, Chinese and emoji names apart and whole, from the prompt to the chips', async () => {
    const user = await h.createUser();
    const names = ['Übersicht – Bericht.md', '研究.md', '数据.md', 'Notizen 📎.txt'];
    // As the web app stores them: the key's name made safe, two CJK names alike.
    const safe = ['_bersicht _ Bericht.md', '__.md', '__.md', 'Notizen _.txt'];
    const paths = await Promise.all(safe.map((key, i) => uploadAs(user, 'chat', key, `Inhalt ${i}`, i === 3 ? 'text/plain' : 'text/markdown')));
    const sent = await ask(user, paths.map((path, i) => ({ path, name: names[i] })));
    expect(sent.status).toBe(200);

    for (const name of names) expect(lastPrompt()).toContain(`<attachment name="${name}"`);
    expect(sent.meta.attachments.map((a: { name: string }) => a.name)).toEqual(names);
    const listed = await (await user.request('GET', `/sessions/${sent.meta.session_id}/attachments`)).json();
    expect(listed.attachments.map((a: { name: string }) => a.name).sort()).toEqual([...names].sort());
    const exported = await (await user.request('GET', `/sessions/${sent.meta.session_id}/export`)).text();
    expect(exported).toContain('研究.md');
    expect(exported).toContain('数据.md');
  });

  it('names a bare path (an older client) by its last part', async () => {
    const user = await h.createUser();
    const path = await uploadAs(user, 'chat', 'plain.txt', 'hello', 'text/plain');
    const sent = await ask(user, [path]);
    expect(sent.status).toBe(200);
    expect(sent.meta.attachments[0].name).toBe('plain.txt');
  });

  it('refuses a name with a bidirectional override, a line break or over 255 characters, before the model is called', async () => {
    const user = await h.createUser();
    const path = await uploadAs(user, 'chat', 'x.txt', 'hello', 'text/plain');
    const calls = h.provider.requests.length;
    for (const name of ['invoice\u202Etxt.exe', 'a\nb.txt', 'x'.repeat(256), '   ']) {
      const refused = await ask(user, [{ path, name }]);
      expect(refused.status, JSON.stringify(name)).toBe(400);
    }
    expect(h.provider.requests.length).toBe(calls);
    // 255 emoji are 255 characters as the column counts them (510 UTF-16 units): taken.
    expect((await ask(user, [{ path, name: '📎'.repeat(255) }])).status).toBe(200);
  });
});
