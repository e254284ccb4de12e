// A project's system prompt with {{variables}}: the values are kept with the project (its
// settings), a project whose prompt would lack one is not saved, and every chat in it — the
// owner's and a group member's — renders the prompt with them.
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
const TRANSLATE = 'Translate {{text}} into {{language}} in a {{tone:enum(formal,casual)|formal}} tone.';
const systemSent = () => systemMessagesSent(api.fakeProvider);
const createPrompt = (user: ApiUser, content: string) => createPromptAs(user, { title: 'Translator', content });
async function chat(user: ApiUser, body: Record<string, unknown>) {
  const res = await user.request('POST', '/chat', { ...demo, ...body });
  expect(res.status, await res.clone().text()).toBe(200);
  return await readSse(res);
}

describe('a project system prompt with variables', () => {
  it('is saved only with a value for every variable without a default, and names the missing ones', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, TRANSLATE);
    const refused = await alice.request('POST', '/projects', { name: 'Travel', system_prompt_id: prompt.id });
    expect(refused.status).toBe(422);
    const body = await refused.json();
    expect(body.error).toMatchObject({ code: 'missing_variables', variables: [{ name: 'text' }, { name: 'language' }] });
    expect(body.error.message).toMatch(/needs a value for the variables text, language: give it in system_prompt_variables/);
    expect((await (await alice.request('GET', '/projects')).json()).projects).toEqual([]);

    const wrongType = await alice.request('POST', '/projects', {
      name: 'Travel', system_prompt_id: prompt.id, system_prompt_variables: { text: 'the menu', language: 'French', tone: 'rude' },
    });
    expect(wrongType.status).toBe(422);
    expect((await wrongType.json()).error).toMatchObject({ code: 'invalid_variables', message: expect.stringContaining('formal, casual') });

    const created = await alice.request('POST', '/projects', {
      name: 'Travel', system_prompt_id: prompt.id, system_prompt_variables: { text: 'the menu', language: 'French' },
    });
    expect(created.status).toBe(201);
    const project = await created.json();
    expect(project.system_prompt_variables).toEqual({ text: 'the menu', language: 'French' });
    expect(await (await alice.request('GET', `/projects/${project.id}`)).json()).toMatchObject({ system_prompt_variables: { language: 'French' } });

    // A change that leaves a needed value out is refused and changes nothing.
    const emptied = await alice.request('PATCH', `/projects/${project.id}`, { system_prompt_variables: { text: 'the menu' } });
    expect(emptied.status).toBe(422);
    expect((await emptied.json()).error.message).toContain('language');
    expect(await (await alice.request('GET', `/projects/${project.id}`)).json()).toMatchObject({ system_prompt_variables: { language: 'French' } });

    // Malformed values are a 400 (as a test case's).
    for (const values of [{ text: { nested: true } }, { text: 'x'.repeat(20_001) }, 'French']) {
      const res = await alice.request('PATCH', `/projects/${project.id}`, { system_prompt_variables: values });
      expect(res.status, JSON.stringify(values).slice(0, 40)).toBe(400);
    }
  });

  it('clears the values with the prompt they were for; a rename alone keeps them and asks nothing', async () => {
    const alice = await api.createUser();
    const translate = await createPrompt(alice, TRANSLATE);
    const plain = await createPrompt(alice, 'Be brief.');
    const project = await (await alice.request('POST', '/projects', {
      name: 'Travel', system_prompt_id: translate.id, system_prompt_variables: { text: 'signs', language: 'Greek' },
    })).json();
    const renamed = await alice.request('PATCH', `/projects/${project.id}`, { name: 'Trips' });
    expect(await renamed.json()).toMatchObject({ name: 'Trips', system_prompt_variables: { text: 'signs', language: 'Greek' } });
    const switched = await alice.request('PATCH', `/projects/${project.id}`, { system_prompt_id: plain.id });
    expect(await switched.json()).toMatchObject({ system_prompt_id: plain.id, system_prompt_variables: {} });
    const back = await alice.request('PATCH', `/projects/${project.id}`, { system_prompt_id: translate.id });
    expect(back.status).toBe(422);
    const none = await alice.request('PATCH', `/projects/${project.id}`, { system_prompt_id: null, system_prompt_variables: { stray: 'x' } });
    expect(await none.json()).toMatchObject({ system_prompt_id: null, system_prompt_variables: {} });
  });

  it("renders every chat's prompt with the project's values; a request's own values override them", async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, TRANSLATE);
    const project = await (await alice.request('POST', '/projects', {
      name: 'Travel', system_prompt_id: prompt.id, system_prompt_variables: { text: 'the menu', language: 'French' },
    })).json();
    const first = await chat(alice, { project_id: project.id, message: '/echo hi' });
    expect(systemSent()).toEqual(['Translate the menu into French in a formal tone.']);
    await chat(alice, { session_id: first[0].data.session_id, message: '/echo again', variables: { language: 'Italian', tone: 'casual' } });
    expect(systemSent()).toEqual(['Translate the menu into Italian in a casual tone.']);
    // A prompt the client rendered into the message brought its own variables: not the project's.
    const other = await createPrompt(alice, 'Reply in {{language}}.');
    await chat(alice, { session_id: first[0].data.session_id, message: '/echo Reply in Welsh.', prompt_id: other.id, prompt_in_message: true, variables: { language: 'Welsh' } });
    expect(systemSent()).toEqual(['Translate the menu into French in a formal tone.']);

    // The prompt gains a variable after the project was saved: the chat says where to fill it in.
    expect((await alice.request('PATCH', `/prompts/${prompt.id}`, { content: `${TRANSLATE} Sign as {{name}}.` })).status).toBe(200);
    const stale = await alice.request('POST', '/chat', { ...demo, session_id: first[0].data.session_id, message: 'hi' });
    expect(stale.status).toBe(422);
    expect((await stale.json()).error).toMatchObject({
      code: 'missing_variables',
      message: "The project's system prompt (v2) now needs a value for name: set it in the project's settings",
    });
  });

  it("gives a group member's turn the owner's values for the project's prompt", async () => {
    const [owner, member] = await Promise.all([api.createUser(), api.createUser()]);
    const prompt = await createPrompt(owner, TRANSLATE);
    const project = await (await owner.request('POST', '/projects', {
      name: 'Travel', system_prompt_id: prompt.id, system_prompt_variables: { text: 'the tickets', language: 'Dutch' },
    })).json();
    const first = await chat(owner, { project_id: project.id, message: '/echo hi' });
    await joinGroupChat(owner, member, first[0].data.session_id);
    await chat(member, { session_id: first[0].data.session_id, message: '/echo me too' });
    expect(systemSent()).toEqual(['Translate the tickets into Dutch in a formal tone.']);
  });
});
