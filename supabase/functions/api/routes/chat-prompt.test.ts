// A chat started with a library prompt as its system message keeps it: later turns, regenerate
// and edit are answered with it (at its label, resolved on each turn, or at a pinned version),
// each turn's usage names the version it used, and a turn that names another prompt or none
// changes what the chat's metadata says. The values a turn fills it with are that turn's: the
// chat's metadata, which everyone in a group chat reads, never holds them (security review 11 #2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, joinGroupChat, readSse, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import { createPrompt as createPromptAs, systemMessagesSent } from '../../../../tests/helpers/prompts.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({ provider: { tokens: 3 } });
});
afterAll(async () => {
  await api?.close();
});

const demo = { provider: 'demo', model: 'demo-model' };
const systemSent = () => systemMessagesSent(api.fakeProvider);
const createPrompt = (user: ApiUser, content: string) => createPromptAs(user, { title: 'Support', content });
async function chat(user: ApiUser, body: Record<string, unknown>) {
  const res = await user.request('POST', '/chat', { ...demo, ...body });
  expect(res.status, await res.clone().text()).toBe(200);
  const events = await readSse(res);
  return events[0].data as { session_id: string; user_message_id: string };
}
const usage = (sessionId: string) =>
  api.db.sql<{ prompt_id: string | null; prompt_version: number | null }[]>`
    select prompt_id, prompt_version from public.prompt_usage_logs where session_id = ${sessionId} order by executed_at`;
const chatPrompt = async (user: ApiUser, sessionId: string) => (await (await user.request('GET', `/sessions/${sessionId}`)).json()).metadata.prompt;

describe('a chat started with a prompt', () => {
  it('keeps it at its label for later turns, regenerate and edit, and logs the version each used', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, 'SYSTEM v1 {{customer}}');
    expect((await alice.request('PATCH', `/prompts/${prompt.id}`, { content: 'SYSTEM v2 {{customer}}' })).status).toBe(200);
    expect((await alice.request('PUT', `/prompts/${prompt.id}/labels/production`, { version: 1 })).status).toBe(200);

    const ada = { variables: { customer: 'Ada' } };
    const first = await chat(alice, { message: '/echo one', prompt_id: prompt.id, prompt_label: 'production', ...ada });
    const sessionId = first.session_id;
    expect(systemSent()).toEqual(['SYSTEM v1 Ada']);
    await chat(alice, { session_id: sessionId, message: '/echo two', ...ada });
    expect(systemSent()).toEqual(['SYSTEM v1 Ada']);
    // A turn without the values is told which to send: the chat does not keep them.
    const unfilled = await alice.request('POST', '/chat', { ...demo, session_id: sessionId, message: 'no values' });
    expect(unfilled.status).toBe(422);
    expect((await unfilled.json()).error).toMatchObject({
      code: 'missing_variables', message: expect.stringMatching(/needs a value for customer: send it in variables with each turn/),
      // What a client needs to ask for them in its own words (the web app's form).
      kept_by: 'chat', variables: [{ name: 'customer', problem: 'is missing' }],
    });
    // A prompt rendered into the message (the web app's picker) leaves the chat's in place: the
    // turn's values are for the chat's prompt, which keeps none of its own.
    const other = await createPrompt(alice, 'Other words.');
    await chat(alice, { session_id: sessionId, message: '/echo picked', prompt_id: other.id, prompt_in_message: true, ...ada });
    expect(systemSent()).toEqual(['SYSTEM v1 Ada']);

    // The label moves: the chat follows it, as the label was what it was started with.
    expect((await alice.request('PUT', `/prompts/${prompt.id}/labels/production`, { version: 2 })).status).toBe(200);
    const third = await chat(alice, { session_id: sessionId, message: '/echo three', ...ada });
    expect(systemSent()).toEqual(['SYSTEM v2 Ada']);
    await chat(alice, { session_id: sessionId, regenerate: true, ...ada });
    expect(systemSent()).toEqual(['SYSTEM v2 Ada']);
    await chat(alice, { session_id: sessionId, edit_message_id: third.user_message_id, message: '/echo three again', variables: { customer: 'Grace' } });
    expect(systemSent()).toEqual(['SYSTEM v2 Grace']);

    expect((await usage(sessionId)).map((u) => u.prompt_version)).toEqual([1, 1, 1, 2, 2, 2]);
    expect((await usage(sessionId)).map((u) => u.prompt_id === prompt.id)).toEqual([true, true, false, true, true, true]);
    expect(await chatPrompt(alice, sessionId)).toEqual({ id: prompt.id, label: 'production', version: null });
  });

  it('stays at a pinned version; another prompt replaces it and null drops it', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, 'Pinned v1.');
    await alice.request('PATCH', `/prompts/${prompt.id}`, { content: 'Pinned v2.' });
    const other = await createPrompt(alice, 'Other prompt.');
    const { session_id: sessionId } = await chat(alice, { message: '/echo one', prompt_id: prompt.id, prompt_version: 1 });
    await alice.request('PATCH', `/prompts/${prompt.id}`, { content: 'Pinned v3.' });
    await chat(alice, { session_id: sessionId, message: '/echo two' });
    expect(systemSent()).toEqual(['Pinned v1.']);

    // A prompt rendered into the message (the web app's picker) is this turn's words, not the chat's prompt.
    await chat(alice, { session_id: sessionId, message: '/echo Other prompt.', prompt_id: other.id, prompt_in_message: true });
    expect(systemSent()).toEqual(['Pinned v1.']);
    expect(await chatPrompt(alice, sessionId)).toMatchObject({ id: prompt.id, version: 1 });

    await chat(alice, { session_id: sessionId, message: '/echo three', prompt_id: other.id });
    await chat(alice, { session_id: sessionId, message: '/echo four' });
    expect(systemSent()).toEqual(['Other prompt.']);
    expect(await chatPrompt(alice, sessionId)).toEqual({ id: other.id, label: null, version: null });

    await chat(alice, { session_id: sessionId, message: '/echo five', prompt_id: null });
    await chat(alice, { session_id: sessionId, regenerate: true });
    expect(systemSent()).toEqual([]);
    expect(await chatPrompt(alice, sessionId)).toBeNull();
    expect((await usage(sessionId)).map((u) => u.prompt_version && `${u.prompt_id === other.id ? 'other' : 'pinned'} v${u.prompt_version}`))
      .toEqual(['pinned v1', 'pinned v1', 'other v1', 'other v1', 'other v1', null, null]);
  });

  it('says so when the prompt it keeps can no longer be used', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, 'Gone soon.');
    const { session_id: sessionId } = await chat(alice, { message: '/echo one', prompt_id: prompt.id });
    expect((await alice.request('DELETE', `/prompts/${prompt.id}`)).status).toBe(204);
    const refused = await alice.request('POST', '/chat', { ...demo, session_id: sessionId, message: 'two' });
    expect(refused.status).toBe(422);
    expect((await refused.json()).error).toMatchObject({ code: 'chat_prompt_unavailable', prompt_id: prompt.id, message: expect.stringContaining('"prompt_id": null') });
    await chat(alice, { session_id: sessionId, message: '/echo two', prompt_id: null });

  });

  it("answers a group member's turn with the owner's prompt, filled with the member's own values; members never read the owner's", async () => {
    const [owner, member] = await Promise.all([api.createUser(), api.createUser()]);
    const prompt = await createPrompt(owner, 'Private house rules for {{team}}.');
    const { session_id: sessionId } = await chat(owner, { message: '/echo hi', prompt_id: prompt.id, variables: { team: 'Ops-secret-value' } });
    await joinGroupChat(owner, member, sessionId);
    const seen = await member.request('GET', `/sessions/${sessionId}`);
    expect(seen.status).toBe(200);
    expect(JSON.stringify(await seen.json())).not.toContain('Ops-secret-value');
    const [stored] = await api.db.sql`select metadata::text as metadata from public.chat_sessions where id = ${sessionId}`;
    expect(stored!.metadata).not.toContain('Ops-secret-value');
    await chat(member, { session_id: sessionId, message: '/echo me too', variables: { team: 'Support' } });
    expect(systemSent()).toEqual(['Private house rules for Support.']);
    // The member pays with their own key, and their usage does not name a prompt they cannot read.
    expect((await usage(sessionId)).map((u) => u.prompt_id)).toEqual([prompt.id, null]);
  });

  it("goes with a fork of one's own chat, not with a fork of someone else's", async () => {
    const [owner, member] = await Promise.all([api.createUser(), api.createUser()]);
    const prompt = await createPrompt(owner, 'Rules for {{team}}.');
    const { session_id: sessionId } = await chat(owner, { message: '/echo hi', prompt_id: prompt.id, variables: { team: 'Ops' } });
    await joinGroupChat(owner, member, sessionId);
    const fork = async (user: ApiUser) => {
      const res = await user.request('POST', `/sessions/${sessionId}/fork`, {});
      expect(res.status).toBe(201);
      return (await res.json()).session_id as string;
    };
    const own = await fork(owner);
    expect(await chatPrompt(owner, own)).toEqual(await chatPrompt(owner, sessionId));
    expect(await chatPrompt(owner, own)).toMatchObject({ id: prompt.id });
    // Its next turn is answered with it (the values go with each turn, as in the chat forked).
    await chat(owner, { session_id: own, message: '/echo again', variables: { team: 'Support' } });
    expect(systemSent()).toEqual(['Rules for Support.']);
    // The owner's prompt is private: a member's fork does not name it.
    expect(await chatPrompt(member, await fork(member))).toBeUndefined();
  });
});
