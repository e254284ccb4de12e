/**
 * "Fork from here" keeps the files of the branch it copies (fork_session,
 * 20261208430000_fork_with_the_files_of_the_branch.sql), through the real API, the local Storage
 * and the fake provider that records what the model is sent: the fork lists the question's
 * files, a follow-up in the fork still sends the PDF's text, and the object the two chats share
 * leaves Storage only once both are deleted. Files someone else attached stay out of a fork, and
 * both fork routes say how many (`files_left_out`, 20261208491000).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdf, makePng } from '../fixtures/files.ts';
import { joinGroupChat, readSse } from '../helpers/api.ts';
import { createStorageApiHarness, uploadAs, type StorageApiHarness, type StorageApiUser } from '../helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

interface Meta { session_id: string; user_message_id: string; assistant_message_id?: string }
interface ForkResult { session_id: string; files_left_out: number }

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
    const { session_id: fork, files_left_out } = (await res.json()) as ForkResult;
    expect(files_left_out).toBe(0); // a chat of one: every file is the forker's
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

describe('a fork says how many files other people attached it left out', () => {
  it("a group chat's owner and member, and a visitor through its link, each hear how many of the others' files stay out", async () => {
    const [owner, member, visitor] = await Promise.all([h.createUser(), h.createUser(), h.createUser()]);
    const brief = await uploadAs(owner, 'chat', 'brief.pdf', makePdf(['The brief']), 'application/pdf');
    const first = await chat(owner, { message: 'Read the brief', attachments: [brief] });
    await joinGroupChat(owner, member, first.session_id, 'member');
    const plan = await uploadAs(member, 'chat', 'plan.png', makePng(2, 2, [1, 2, 3]), 'image/png');
    const notes = await uploadAs(member, 'chat', 'notes.pdf', makePdf(['My notes']), 'application/pdf');
    await chat(member, { session_id: first.session_id, message: 'My plan and notes', attachments: [plan, notes] });

    const fork = async (who: StorageApiUser, path: string, body: Record<string, unknown> = {}) => {
      const res = await who.request('POST', path, body);
      expect(res.status).toBe(201);
      return (await res.json()) as ForkResult;
    };
    const names = async (who: StorageApiUser, sessionId: string) =>
      ((await (await who.request('GET', `/sessions/${sessionId}/attachments`)).json()) as { attachments: { name: string }[] }).attachments.map((a) => a.name).sort();

    // The owner keeps their brief; the member's two files stay out, and the answer says so.
    const owners = await fork(owner, `/sessions/${first.session_id}/fork`);
    expect(owners.files_left_out).toBe(2);
    expect(await names(owner, owners.session_id)).toEqual(['brief.pdf']);
    // The member keeps their two; the owner's brief stays out.
    const members = await fork(member, `/sessions/${first.session_id}/fork`);
    expect(members.files_left_out).toBe(1);
    expect(await names(member, members.session_id)).toEqual(['notes.pdf', 'plan.png']);
    // Up to the first answer, only what that branch holds counts.
    expect((await fork(member, `/sessions/${first.session_id}/fork`, { message_id: first.assistant_message_id })).files_left_out).toBe(1);
    expect((await fork(owner, `/sessions/${first.session_id}/fork`, { message_id: first.assistant_message_id })).files_left_out).toBe(0);

    // Through the chat's link, a visitor attached none of them: all three stay out.
    const share = await owner.request('POST', `/sessions/${first.session_id}/share`, { live: true });
    expect(share.status).toBe(201);
    const { token } = (await share.json()) as { token: string };
    const visitors = await fork(visitor, `/shared/${token}/fork`);
    expect(visitors.files_left_out).toBe(3);
    expect(await names(visitor, visitors.session_id)).toEqual([]);
  });
});
