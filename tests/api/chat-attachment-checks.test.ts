/**
 * What the chat API checks of a message's files, and what it lets stand of files a question
 * already carries (QA16's leftovers): an empty text file from any client is refused by name
 * before anything is stored, as the web tray refuses it; an image stored before the per-image
 * cap does not block Regenerate or Edit of its question: it is left out, and the model and the
 * answer's notes say so; a file cut to fit keeps its total, so its chip says "read N of M"
 * after a reload.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../fixtures/files.ts';
import { MAX_IMAGE_BYTES } from '../../supabase/functions/api/lib/attachments/image-limits.ts';
import { chatAs as chat, uploadToChat as upload } from '../helpers/chat-files.ts';
import { createStorageApiHarness, type StorageApiHarness, type StorageApiUser } from '../helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

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

describe('an image stored before the per-image cap', () => {
  /** A real PNG followed by random bytes: sniffed as a PNG, heavier than the cap. */
  const oversized = () => Buffer.concat([makePng(2, 2, [9, 9, 9]), randomBytes(MAX_IMAGE_BYTES + 100_000)]);
  const lastUserContent = () => {
    const body = h.provider.requests.at(-1)!.body as { messages: { role: string; content: unknown }[] };
    return JSON.stringify(body.messages.filter((m) => m.role === 'user').at(-1)!.content);
  };

  /** A question carrying a small image, then the oversized one recorded on it as an older API would have. */
  async function questionWithOldImage(alice: StorageApiUser) {
    const small = await upload(alice, 'small.png', makePng(4, 4, [1, 2, 3]), 'image/png');
    const first = await chat(alice, { message: 'What are these?', attachments: [small] });
    expect(first.status).toBe(200);
    const big = await upload(alice, 'holiday.png', oversized(), 'image/png');
    await h.stack.db.sql`
      insert into public.message_attachments (message_id, user_id, storage_path, name, type, size, token_count, truncated, extracted_text)
      values (${first.meta.user_message_id}, ${alice.id}, ${big}, 'holiday.png', 'image/png', ${MAX_IMAGE_BYTES + 100_070}, 765, false, '')`;
    return { session: first.meta.session_id as string, question: first.meta.user_message_id as string, small, big };
  }

  const leftOutNote = /^"holiday\.png" was left out: at 3\.8 MB it is over the 3\.75 MB an image sent to a model may be, so the model did not see it; attach a smaller copy to ask about it$/;

  it('Regenerate answers without it: the model reads a note in its place, and the answer notes it', async () => {
    const alice = await h.createUser();
    const { session } = await questionWithOldImage(alice);
    const again = await chat(alice, { session_id: session, regenerate: true });
    expect(again.status).toBe(200);
    expect(again.done).toMatchObject({ status: 'complete' });
    expect(again.meta.notes).toEqual([expect.stringMatching(leftOutNote)]);
    const content = lastUserContent();
    expect(content.match(/"type":"image_url"/g)).toHaveLength(1); // the small one only
    expect(content).toContain('<attachment name=\\"holiday.png\\" type=\\"image/png\\" note=\\"left out: at 3.8 MB it is over the 3.75 MB an image sent to a model may be\\"/>');
  });

  it('Edit keeping it answers the same way, and the new question still carries it; a new upload over the cap is still refused', async () => {
    const alice = await h.createUser();
    const { session, question, small, big } = await questionWithOldImage(alice);
    const kept = await chat(alice, { session_id: session, edit_message_id: question, message: 'And now?', attachments: [small, big] });
    expect(kept.status).toBe(200);
    expect(kept.meta.notes).toEqual([expect.stringMatching(leftOutNote)]);
    const chips = (await (await alice.request('GET', `/sessions/${session}/attachments`)).json()).attachments as { message_id: string; path: string }[];
    expect(chips.filter((a) => a.message_id === kept.meta.user_message_id).map((a) => a.path).sort()).toEqual([small, big].sort());

    const fresh = await upload(alice, 'new-photo.png', oversized(), 'image/png');
    const refused = await chat(alice, { session_id: session, edit_message_id: question, message: 'And this?', attachments: [small, fresh] });
    expect(refused.status).toBe(413);
    expect(refused.error).toMatchObject({ code: 'image_too_large', attachment: fresh });
  });
});

describe('a file cut to fit', () => {
  it("keeps its total with the row, so the chip says 'read N of M' after a reload and in a fork", async () => {
    const alice = await h.createUser();
    const long = Array.from({ length: 4000 }, (_, i) => `line ${i} of a long log file`).join('\n');
    const path = await upload(alice, 'server.log', long, 'text/plain');
    const result = await chat(alice, { message: 'Any errors?', attachments: [path] });
    expect(result.status).toBe(200);
    const [, read, total] = /^"server\.log" was cut to (\d+) of (\d+) tokens/.exec(result.meta.notes[0]) ?? [];
    expect(Number(total)).toBeGreaterThan(Number(read));
    expect(result.meta.attachments[0]).toMatchObject({ tokens: Number(read), total_tokens: Number(total), total_estimated: false });

    const chipsOf = async (session: string) => (await (await alice.request('GET', `/sessions/${session}/attachments`)).json()).attachments;
    const stored = { path, tokens: Number(read), total_tokens: Number(total), total_estimated: false, truncated: true };
    expect(await chipsOf(result.meta.session_id)).toEqual([expect.objectContaining(stored)]);

    const fork = await alice.request('POST', `/sessions/${result.meta.session_id}/fork`, { message_id: result.meta.assistant_message_id });
    expect(fork.status).toBe(201);
    expect(await chipsOf((await fork.json()).session_id)).toEqual([expect.objectContaining(stored)]);
  });
});
