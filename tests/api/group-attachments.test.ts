/**
 * Group chats with files, through the real API, the local Storage and the fake provider:
 * a member's turn in the owner's project gets the project's system prompt and files (read as
 * the owner; the member still cannot read the project through the Data API); a member attaches
 * an image and a text file from their own folder, the model receives them, the owner and the
 * other participants read them, the owner's later turns and regenerations carry them, and
 * deleting the chat or the member's account removes the objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../fixtures/files.ts';
import { asActor } from '../helpers/actors.ts';
import { joinGroupChat } from '../helpers/api.ts';
import { holdTable } from '../helpers/database.ts';
import { chatAs, lastProviderMessages, uploadToChat as upload } from '../helpers/chat-files.ts';
import { createStorageApiHarness, type StorageApiHarness, type StorageApiUser } from '../helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

/** A turn that must be answered to its end. */
async function chat(user: StorageApiUser, body: Record<string, unknown>) {
  const reply = await chatAs(user, body);
  expect(reply.status, JSON.stringify(reply.error)).toBe(200);
  expect(reply.events.at(-1)?.event).toBe('done');
  return reply;
}

const lastProviderCall = () => lastProviderMessages(h.provider);

/** The owner's chat in a project with a system prompt and a file; a member, a second member, a viewer, a stranger. */
async function projectGroup() {
  const [owner, member, other, viewer, stranger] = await Promise.all(Array.from({ length: 5 }, () => h.createUser()));
  const db = h.stack.db.sql;
  await db`update public.profiles set custom_instructions = 'OWNER-PRIVATE: call me Captain.' where id = ${owner!.id}`;
  const [prompt] = await db`insert into public.prompts (user_id, title, content) values (${owner!.id}, 'Style', 'You review {{thing|code}} for the Acme project.') returning id`;
  const project = await (await owner!.request('POST', '/projects', { name: 'Acme' })).json();
  await db`update public.projects set system_prompt_id = ${prompt!.id} where id = ${project.id}`;
  const filePath = await upload(owner!, 'style.md', '# Style\nAlways use tabs.', 'text/markdown');
  expect((await owner!.request('POST', `/projects/${project.id}/files`, { path: filePath })).status).toBe(201);
  const first = await chat(owner!, { project_id: project.id, message: 'Tabs or spaces?' });
  const sessionId = first.meta.session_id as string;
  for (const [who, role] of [[member!, 'member'], [other!, 'member'], [viewer!, 'viewer']] as const) {
    await joinGroupChat(owner!, who, sessionId, role);
  }
  return { owner: owner!, member: member!, other: other!, viewer: viewer!, stranger: stranger!, sessionId, projectId: project.id as string, promptId: prompt!.id as string };
}

describe("group chats: the owner's project context in a member's turn", () => {
  it("a member's turn gets the project's system prompt and files, not the owner's custom instructions; the project stays hidden from the member", async () => {
    const g = await projectGroup();
    const ownerTurn = lastProviderCall();
    expect(ownerTurn.system[0]).toBe('You review code for the Acme project.');
    expect(ownerTurn.system[1]).toBe('OWNER-PRIVATE: call me Captain.');

    await h.stack.db.sql`update public.profiles set custom_instructions = 'Answer briefly.' where id = ${g.member.id}`;
    const turn = await chat(g.member, { session_id: g.sessionId, message: 'Tabs or spaces, for tests?' });
    const { system } = lastProviderCall();
    // The sender's own instructions first; the chat's project prompt and files after (the last word).
    expect(system[0]).toBe('Answer briefly.');
    expect(system[1]).toBe('You review code for the Acme project.');
    expect(system.join('\n')).toContain('<project_file name="style.md" type="text/markdown">\n# Style\nAlways use tabs.\n</project_file>');
    expect(system.join('\n')).not.toContain('OWNER-PRIVATE');
    expect(turn.meta.files_used).toEqual([expect.objectContaining({ name: 'style.md', chunks: null })]);
    // The answer's sources are the owner's (their project's files): the owner reads them, the member does not.
    const sources = async (who: typeof g.member) => (await (await who.request('GET', `/sessions/${g.sessionId}/attachments`)).json()).sources as { message_id: string; name: string }[];
    await expect.poll(async () => (await sources(g.owner)).filter((s) => s.message_id === turn.meta.assistant_message_id).map((s) => s.name)).toEqual(['style.md']);
    await expect(sources(g.member)).resolves.toEqual([]);

    // A regenerate by the member (no message in the request) gets them as well.
    await chat(g.member, { session_id: g.sessionId, regenerate: true });
    expect(lastProviderCall().system.join('\n')).toContain('Always use tabs.');

    // Nothing new for the member through the Data API: the project, its prompt and files stay the owner's.
    const member = { id: g.member.id, email: g.member.email };
    const seen = await asActor(h.stack.db.sql, member, async (tx) => ({
      projects: await tx`select 1 from public.projects where id = ${g.projectId}`,
      prompts: await tx`select 1 from public.prompts where id = ${g.promptId}`,
      files: await tx`select 1 from public.file_metadata where project_id = ${g.projectId}`,
      chunks: await tx`select 1 from public.file_chunks c join public.file_metadata f on f.id = c.file_id where f.project_id = ${g.projectId}`,
    }));
    expect(seen).toEqual({ projects: [], prompts: [], files: [], chunks: [] });
    expect((await g.member.request('GET', `/projects/${g.projectId}`)).status).toBe(404);
  });
});

describe('group chats: members attach files', () => {
  it('a member attaches an image and a text file; the model receives them; the owner, the other member and the viewer read them; a stranger does not', async () => {
    const g = await projectGroup();
    const png = makePng(4, 4, [200, 20, 20]);
    const image = await upload(g.member, 'red.png', png, 'image/png');
    const notes = await upload(g.member, 'notes.txt', 'Deadline: Friday 17:00', 'text/plain');

    const turn = await chat(g.member, { session_id: g.sessionId, message: 'What do these say?', attachments: [image, notes] });
    expect(turn.meta.attachments.map((a: { name: string }) => a.name)).toEqual(['red.png', 'notes.txt']);
    const { user } = lastProviderCall();
    const parts = user.content as { type: string; text?: string; image_url?: { url: string } }[];
    expect(parts[0]!.text).toContain('<attachment name="notes.txt" type="text/plain">\nDeadline: Friday 17:00\n</attachment>');
    expect(parts[1]).toEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } });
    expect(turn.events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('')).toBe('I received 1 image and the file notes.txt.');

    // Recorded on the member's question (the owner's row, the member as author), in the member's folder.
    const rows = await h.stack.db.sql`
      select a.user_id, m.user_id as message_owner, m.author_id from public.message_attachments a join public.messages m on m.id = a.message_id
       where a.message_id = ${turn.meta.user_message_id}`;
    expect(rows).toEqual([0, 1].map(() => ({ user_id: g.member.id, message_owner: g.owner.id, author_id: g.member.id })));

    // Everyone in the chat sees the chips and downloads the files; a stranger does neither.
    for (const reader of [g.owner, g.member, g.other, g.viewer]) {
      const chips = await (await reader.request('GET', `/sessions/${g.sessionId}/attachments`)).json();
      expect(chips.attachments.map((a: { name: string }) => a.name).sort()).toEqual(['notes.txt', 'red.png']);
      const { data, error } = await reader.storage.download(notes);
      expect(error).toBeNull();
      expect(await data!.text()).toBe('Deadline: Friday 17:00');
      const signed = await reader.storage.createSignedUrl(image, 60);
      expect(signed.error).toBeNull();
    }
    expect((await g.stranger.request('GET', `/sessions/${g.sessionId}/attachments`)).status).toBe(404);
    expect((await g.stranger.storage.download(notes)).error).not.toBeNull();
    // Only the uploader may remove or replace the object.
    const removed = await g.owner.storage.remove([notes]);
    expect(removed.data ?? []).toEqual([]);
    expect(await h.bucketObjects(`${g.member.id}/`)).toEqual([image, notes].sort());

    // The owner may regenerate the answer to the member's question, which reads the member's
    // files again; the owner's next turn carries the member's file text in its history.
    const again = await chat(g.owner, { session_id: g.sessionId, regenerate: true });
    expect(again.meta.attachments.map((a: { name: string }) => a.name).sort()).toEqual(['notes.txt', 'red.png']);
    expect(lastProviderCall().all).toContain(png.toString('base64'));
    await chat(g.owner, { session_id: g.sessionId, message: 'When is the deadline?' });
    expect(lastProviderCall().all).toContain('Deadline: Friday 17:00');

    // The member edits their question: the new version carries the same files, on the member's question.
    const edited = await chat(g.member, { session_id: g.sessionId, message: 'And now?', edit_message_id: turn.meta.user_message_id });
    expect(edited.meta.attachments.map((a: { name: string }) => a.name).sort()).toEqual(['notes.txt', 'red.png']);
    const [{ n }] = await h.stack.db.sql`select count(*)::int as n from public.message_attachments where message_id = ${edited.meta.user_message_id} and user_id = ${g.member.id}`;
    expect(n).toBe(2);

    // Deleting the chat removes the member's objects too.
    expect((await g.owner.request('DELETE', `/sessions/${g.sessionId}`)).status).toBe(204);
    expect(await h.bucketObjects(`${g.member.id}/`)).toEqual([]);
  });

  it("a member cannot attach someone else's file; deleting the member's account removes their files from the chat", async () => {
    const g = await projectGroup();
    const ownerFile = await upload(g.owner, 'secret.txt', 'owner only', 'text/plain');
    const res = await g.member.request('POST', '/chat', { provider: 'demo', model: 'demo-model', session_id: g.sessionId, message: 'x', attachments: [ownerFile] });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_attachment_path');

    const mine = await upload(g.member, 'mine.txt', 'member notes', 'text/plain');
    const turn = await chat(g.member, { session_id: g.sessionId, message: 'mine', attachments: [mine] });
    expect(await h.bucketObjects(`${g.member.id}/`)).toEqual([mine]);
    // Leaving the service takes the member's files with it; their words stay in the owner's chat.
    expect((await g.member.request('DELETE', '/me')).status).toBe(204);
    expect(await h.bucketObjects(`${g.member.id}/`)).toEqual([]);
    const chips = await (await g.owner.request('GET', `/sessions/${g.sessionId}/attachments`)).json();
    expect(chips.attachments.map((a: { name: string }) => a.name)).toEqual([]);
    const [question] = await h.stack.db.sql`select content from public.messages where id = ${turn.meta.user_message_id}`;
    expect(question!.content).toBe('mine');
  });
});

describe("a member's files at the owner's", () => {
  it("the answer ends only once the question's files are stored, so the owner's view that reads them at the end finds them", async () => {
    const [owner, member] = await Promise.all([h.createUser(), h.createUser()]);
    const first = await chat(owner, { message: 'Hello team' });
    const sessionId = first.meta.session_id as string;
    await joinGroupChat(owner, member, sessionId, 'member');
    const agenda = await upload(member, 'agenda.txt', 'Agenda: budget, hiring', 'text/plain');
    const hold = await holdTable(h.stack.dbUrl, 'public.message_attachments');
    try {
      const calls = h.provider.requests.length;
      const sent = chat(member, { session_id: sessionId, message: 'Here is the agenda', attachments: [agenda] });
      // The provider answers in full while the files cannot be recorded: the stored answer waits.
      await expect.poll(() => h.provider.requests.length).toBeGreaterThan(calls);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const answers = await h.stack.db.sql`select status from public.messages where session_id = ${sessionId} and sender = 'assistant' order by created_at`;
      expect(answers.map((r) => r.status)).toEqual(['complete', 'streaming']);
      hold.release();
      const { events, meta } = await sent;
      expect(events.at(-1)!.data).toMatchObject({ status: 'complete' });
      const read = await (await owner.request('GET', `/sessions/${sessionId}/attachments`)).json();
      expect(read.attachments).toEqual([expect.objectContaining({ message_id: meta.user_message_id, name: 'agenda.txt' })]);
    } finally {
      await hold.end();
    }
  });
});
