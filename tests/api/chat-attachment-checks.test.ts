/**
 * What the chat API checks of a message's files, and what it lets stand of files a question
 * already carries (QA16's leftovers): an empty text file from any client is refused by name
 * before anything is stored, as the web tray refuses it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../fixtures/files.ts';
import { readSse } from '../helpers/api.ts';
import { createStorageApiHarness, uploadAs, type StorageApiHarness, type StorageApiUser } from '../helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

const upload = (user: StorageApiUser, name: string, body: Buffer | string, contentType: string) => uploadAs(user, 'chat', name, body, contentType);

async function chat(user: StorageApiUser, body: Record<string, unknown>) {
  const res = await user.request('POST', '/chat', { provider: 'demo', model: 'demo-model', ...body });
  if (res.status !== 200) return { status: res.status, error: (await res.json()).error, meta: null, done: null };
  const events = await readSse(res);
  return { status: 200, error: null, meta: events.find((e) => e.event === 'meta')!.data, done: events.find((e) => e.event === 'done')?.data };
}

const countRows = async (table: 'messages' | 'chat_sessions', userId: string) =>
  (await h.stack.db.sql`select count(*)::int as n from public.${h.stack.db.sql(table)} where user_id = ${userId}`)[0]!.n as number;

describe('an empty text file', () => {
  it.each([
    ['empty.txt', Buffer.alloc(0)],
    ['blank.md', Buffer.from(' \n\n\t\n')],
    ['bom.txt', Buffer.from([0xef, 0xbb, 0xbf])],
  ])('%s is refused with 422 naming it, before any chat, message or provider call', async (name, bytes) => {
    const alice = await h.createUser();
    const notes = await upload(alice, 'notes.md', '# real notes', 'text/markdown');
    const empty = await upload(alice, name, bytes, 'text/plain');
    const before = h.provider.requests.length;
    const result = await chat(alice, { message: 'Read these', attachments: [notes, empty] });
    expect(result.status).toBe(422);
    expect(result.error).toMatchObject({ code: 'empty_attachment', attachment: empty });
    expect(result.error.message).toMatch(new RegExp(`^"${name.replace('.', '\\.')}" is empty: there is nothing in it to read`));
    expect(h.provider.requests.length).toBe(before);
    expect(await countRows('chat_sessions', alice.id)).toBe(0);
    expect(await countRows('messages', alice.id)).toBe(0);
  });

  it('a file with some text is taken', async () => {
    const alice = await h.createUser();
    const short = await upload(alice, 'one.txt', 'x', 'text/plain');
    expect((await chat(alice, { message: 'Read it', attachments: [short] })).status).toBe(200);
  });
});
