// Fork and render: copying public or own prompts, filling variables by label or version.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function createPrompt(user: ApiUser, body: Record<string, unknown> = {}) {
  const res = await user.request('POST', '/prompts', { title: 'Greeter', content: 'Hello {{name}}, welcome to {{place|Mr.Prompt}}.', ...body });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; latest_version: number };
}

describe('fork', () => {
  it("forks someone's public prompt into a private copy that remembers its origin", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const original = await createPrompt(alice, { is_public: true, tags: ['greeting'], description: 'Says hi' });
    const res = await bob.request('POST', `/prompts/${original.id}/fork`);
    expect(res.status).toBe(201);
    const fork = await res.json();
    expect(fork).toMatchObject({
      title: 'Greeter',
      description: 'Says hi',
      tags: ['greeting'],
      is_public: false,
      is_owner: true,
      user_id: bob.id,
      forked_from: original.id,
      latest_version: 1,
    });
    expect(fork.id).not.toBe(original.id);
    const history = await (await bob.request('GET', `/prompts/${fork.id}/versions`)).json();
    expect(history.versions[0].commit_message).toMatch(/^Forked from "Greeter" version 1/);
    // The fork is Bob's to edit; the original is untouched.
    expect((await bob.request('PATCH', `/prompts/${fork.id}`, { content: 'Hi {{name}}' })).status).toBe(200);
    expect((await (await alice.request('GET', `/prompts/${original.id}`)).json()).content).toContain('Hello');
  });

  it('forks with a new title, and forks own private prompts', async () => {
    const alice = await api.createUser();
    const mine = await createPrompt(alice);
    const res = await alice.request('POST', `/prompts/${mine.id}/fork`, { title: 'Greeter v2' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ title: 'Greeter v2', forked_from: mine.id });
    expect((await alice.request('POST', `/prompts/${mine.id}/fork`, { title: '' })).status).toBe(400);
    expect((await alice.request('POST', `/prompts/${mine.id}/fork`, { is_public: true })).status).toBe(400);
  });

  it("answers 404 when forking another user's private prompt or a missing one", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const secret = await createPrompt(alice);
    expect((await bob.request('POST', `/prompts/${secret.id}/fork`)).status).toBe(404);
    expect((await bob.request('POST', `/prompts/${randomUUID()}/fork`)).status).toBe(404);
  });
});

describe('render', () => {
  it('fills variables and defaults in the current text', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice);
    const res = await alice.request('POST', `/prompts/${prompt.id}/render`, { variables: { name: 'Ada' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      rendered: 'Hello Ada, welcome to Mr.Prompt.',
      version: 1,
      config: {},
      variables: [
        { name: 'name', type: 'string', options: [], default: null, required: true },
        { name: 'place', type: 'string', options: [], default: 'Mr.Prompt', required: false },
      ],
    });
  });

  it('keeps escaped braces as text: a prompt about Mustache templates asks only for its own variables', async () => {
    const alice = await api.createUser();
    const content = 'Fix this Mustache template for {{audience}}:\n```\nHello \\{{user.name}}, you have \\{{count}} messages\n```';
    const prompt = await createPrompt(alice, { content });
    const res = await alice.request('POST', `/prompts/${prompt.id}/render`, { variables: { audience: 'beginners' } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.rendered).toBe('Fix this Mustache template for beginners:\n```\nHello {{user.name}}, you have {{count}} messages\n```');
    expect(body.variables.map((v: { name: string }) => v.name)).toEqual(['audience']);
    // A slot that is meant as a variable but is not one is the author's 400, with the way out.
    const typo = await alice.request('PATCH', `/prompts/${prompt.id}`, { content: 'Write {{count:integer}} tips' });
    expect(typo.status).toBe(400);
    expect((await typo.json()).error.message).toBe(
      'content: {{count:integer}} is not a variable: `integer` is not a type — use string, number, boolean or enum(a,b) (or write \\{{ to keep the braces as text)',
    );
  });

  it('a JSON default is a default: saved, listed with the variable, and filled as written', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, { content: 'Search {{query}} with {{filter|{"status":"open","labels":{"any":["bug"]}}}}.' });
    const got = await (await alice.request('GET', `/prompts/${prompt.id}`)).json();
    expect(got.variables).toEqual([
      expect.objectContaining({ name: 'query', required: true }),
      expect.objectContaining({ name: 'filter', default: '{"status":"open","labels":{"any":["bug"]}}', required: false }),
    ]);
    const res = await alice.request('POST', `/prompts/${prompt.id}/render`, { variables: { query: '{{filter}}' } });
    expect((await res.json()).rendered).toBe('Search {{filter}} with {"status":"open","labels":{"any":["bug"]}}.');
    // A default whose braces do not pair up is the author's 400, not text sent to the model.
    const broken = await alice.request('PATCH', `/prompts/${prompt.id}`, { content: 'Search with {{filter|{"status":"open"}}' });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.message).toContain('{{filter|… is not a variable: its default does not end with }}');
  });

  it('answers 422 missing_variables naming every missing one', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, { content: '{{a}} and {{b}} and {{c|x}}' });
    const res = await alice.request('POST', `/prompts/${prompt.id}/render`, { variables: { a: '' } });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe('missing_variables');
    expect(body.error.message).toContain('a, b');
  });

  it('renders a labelled or numbered version', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice, { content: 'One {{x}}' });
    await alice.request('PATCH', `/prompts/${prompt.id}`, { content: 'Two {{x}}' });
    await alice.request('PUT', `/prompts/${prompt.id}/labels/production`, { version: 1 });
    const byLabel = await (await alice.request('POST', `/prompts/${prompt.id}/render`, { variables: { x: 1 }, label: 'production' })).json();
    expect(byLabel).toMatchObject({ rendered: 'One 1', version: 1 });
    const byVersion = await (await alice.request('POST', `/prompts/${prompt.id}/render`, { variables: { x: true }, version: 2 })).json();
    expect(byVersion).toMatchObject({ rendered: 'Two true', version: 2 });
    expect((await alice.request('POST', `/prompts/${prompt.id}/render`, { variables: { x: 1 }, label: 'nope' })).status).toBe(404);
    expect((await alice.request('POST', `/prompts/${prompt.id}/render`, { variables: { x: 1 }, version: 9 })).status).toBe(404);
    expect((await alice.request('POST', `/prompts/${prompt.id}/render`, { variables: { x: 1 }, version: 1, label: 'production' })).status).toBe(400);
  });

  it("renders others' public prompts but not private ones", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const shared = await createPrompt(alice, { is_public: true });
    const secret = await createPrompt(alice);
    expect((await bob.request('POST', `/prompts/${shared.id}/render`, { variables: { name: 'Bob' } })).status).toBe(200);
    expect((await bob.request('POST', `/prompts/${secret.id}/render`, { variables: { name: 'Bob' } })).status).toBe(404);
  });

  it('answers malformed render input with 400', async () => {
    const alice = await api.createUser();
    const prompt = await createPrompt(alice);
    const bodies: unknown[] = [
      { variables: { name: { nested: true } } },
      { variables: { name: null } },
      { variables: ['Ada'] },
      { variables: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, 'x'])) },
      { variables: { name: 'Ada' }, extra: 1 },
      { variables: { name: 'Ada' }, version: 0 },
      'not json',
    ];
    for (const body of bodies) {
      const res = await alice.request('POST', `/prompts/${prompt.id}/render`, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    }
  });
});
