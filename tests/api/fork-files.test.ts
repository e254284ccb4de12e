/**
 * "Fork from here" keeps the files of the branch it copies (fork_session,
 * 20261208430000_fork_with_the_files_of_the_branch.sql), through the real API, the local Storage
 * and the fake provider that records what the model is sent: the fork lists the question's
 * files, a follow-up in the fork still sends the PDF's text, and the object the two chats share
 * leaves Storage only once both are deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdf, makePng } from '../fixtures/files.ts';
import { readSse } from '../helpers/api.ts';
import { createStorageApiHarness, uploadAs, type StorageApiHarness, type StorageApiUser } from '../helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

interface Meta { session_id: string; user_message_id: string; assistant_message_id?: string }

async function chat(user: StorageApiUser, body: Record<string, unknown>): Promise<Meta> {
  const res = await user.request('POST', '/chat', { provider: 'demo', model: 'demo-model', ...body });
  expect(res.status).toBe(200);
  return (await readSse(res)).find((e) => e.event === 'meta')!.data as Meta;
}

/** Everything the model was sent in the last request, as text. */
const lastRequestText = () => JSON.stringify(h.provider.requests.at(-1)!.body);

describe('POST /sessions/{id}/fork with files', () => {
  it("keeps the branch's files: the fork lists them, its follow-up sends the PDF text, and the shared object outlives the first chat deleted", async () => {
    const alice = await h.createUser();
    const pdf = await uploadAs(alice, 'chat', 'paper.pdf', makePdf(['Abstract: 42 lemurs']), 'application/pdf');
    const png = await uploadAs(alice, 'chat', 'fig1.png', makePng(2, 2, [1, 2, 3]), 'image/png');
    const first = await chat(alice, { message: 'Read the paper', attachments: [pdf, png] });
    const [answer] = await h.stack.db.sql`select id from public.messages where session_id = ${first.session_id} and sender = 'assistant'`;

    const res = await alice.request('POST', `/sessions/${first.session_id}/fork`, { message_id: answer!.id });
    expect(res.status).toBe(201);
    const fork = ((await res.json()) as { session_id: string }).session_id;
    const listed = (await (await alice.request('GET', `/sessions/${fork}/attachments`)).json()) as { attachments: { name: string }[] };
    expect(listed.attachments.map((a) => a.name).sort()).toEqual(['fig1.png', 'paper.pdf']);

    await chat(alice, { session_id: fork, message: 'How many lemurs?' });
    expect(lastRequestText()).toContain('42 lemurs');
    expect(lastRequestText()).toContain('fig1.png');

    // Both chats name the same two objects: deleting the first keeps them for the fork.
    expect((await alice.request('DELETE', `/sessions/${first.session_id}`)).status).toBe(204);
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([pdf, png].sort());
    await chat(alice, { session_id: fork, message: 'And the year?' });
    expect(lastRequestText()).toContain('42 lemurs');
    // The fork's reader still gets the image's bytes: the chat view signs its path with their own token.
    const { data: signed, error } = await alice.storage.createSignedUrl(png, 60);
    expect(error).toBeNull();
    expect((await fetch(signed!.signedUrl)).status).toBe(200);

    expect((await alice.request('DELETE', `/sessions/${fork}`)).status).toBe(204);
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([]);
  });
});
