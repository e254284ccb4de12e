// The prompt platform: names (suggested, unique per owner, editable), versions carrying
// model settings, typed variables answering 422 naming the variable, locked labels, and
// GET /prompts/resolve with ETag / If-None-Match → 304, with a session or an API key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function create(user: ApiUser, body: Record<string, unknown>) {
  const res = await user.request('POST', '/prompts', { content: 'Hello {{name}}', ...body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; name: string; latest_version: number; config: Record<string, unknown> };
}

describe('prompt names', () => {
  it('suggests a unique slug from the title, per owner, and lets the owner rename', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    expect((await create(alice, { title: 'Support Reply — v2!' })).name).toBe('support-reply-v2');
    expect((await create(alice, { title: 'support reply v2' })).name).toBe('support-reply-v2-2');
    expect((await create(bob, { title: 'Support Reply v2' })).name).toBe('support-reply-v2');
    expect((await create(alice, { title: '✨✨' })).name).toBe('prompt');
    const named = await create(alice, { title: 'Anything', name: 'my-own' });
    expect(named.name).toBe('my-own');
    const taken = await alice.request('POST', '/prompts', { title: 'X', content: 'y', name: 'my-own' });
    expect(taken.status).toBe(409);
    expect((await taken.json()).error.code).toBe('name_taken');
    const renamed = await alice.request('PATCH', `/prompts/${named.id}`, { name: 'renamed' });
    expect((await renamed.json()).name).toBe('renamed');
    expect((await alice.request('PATCH', `/prompts/${named.id}`, { name: 'support-reply-v2' })).status).toBe(409);
    for (const bad of ['Has Caps', '-dash', '', 'a'.repeat(81), 'under_score']) {
      expect((await alice.request('PATCH', `/prompts/${named.id}`, { name: bad })).status, bad).toBe(400);
    }
  });

  it('forks get their own name', async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const shared = await create(alice, { title: 'Greeter', is_public: true, config: { model: 'gpt-4o' } });
    await create(bob, { title: 'Greeter' });
    const fork = await (await bob.request('POST', `/prompts/${shared.id}/fork`)).json();
    expect(fork).toMatchObject({ name: 'greeter-2', config: { model: 'gpt-4o' } });
  });
});

describe('versions carry settings', () => {
  it('stores provider, model, temperature and max tokens; a settings change is a new version', async () => {
    const alice = await api.createUser();
    const p = await create(alice, { title: 'S', config: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 500 } });
    expect(p.config).toEqual({ provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 500 });
    const changed = await (await alice.request('PATCH', `/prompts/${p.id}`, { config: { provider: 'groq', model: 'llama-3.3-70b-versatile' } })).json();
    expect(changed.latest_version).toBe(2);
    const v1 = await (await alice.request('GET', `/prompts/${p.id}/versions/1`)).json();
    const v2 = await (await alice.request('GET', `/prompts/${p.id}/versions/2`)).json();
    expect(v1.config).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2 });
    expect(v2.config).toEqual({ provider: 'groq', model: 'llama-3.3-70b-versatile' });
    expect((await (await alice.request('PATCH', `/prompts/${p.id}`, { tags: ['x'] })).json()).latest_version).toBe(2);
    for (const config of [{ temperature: 3 }, { max_tokens: 0 }, { provider: 'Bad Id' }, { top_p: 1 }]) {
      expect((await alice.request('PATCH', `/prompts/${p.id}`, { config })).status, JSON.stringify(config)).toBe(400);
    }
  });
});

describe('the provider of model settings', () => {
  it('must be one this server offers; one saved before that stays through other edits, until changed', async () => {
    const alice = await api.createUser();
    const typo = await alice.request('POST', '/prompts', { title: 'Typo', content: 'x', config: { provider: 'opnai', model: 'gpt-4o-mini' } });
    expect(typo.status).toBe(400);
    const body = await typo.json();
    expect(body.error).toMatchObject({ code: 'invalid_request' });
    expect(body.error.message).toMatch(/^config\.provider: "opnai" is not a provider this server offers; use one of openai, .*custom.*, or leave it out$/);
    expect((await (await alice.request('GET', '/prompts')).json()).prompts).toEqual([]);

    const p = await create(alice, { title: 'Legacy', config: { provider: 'openai', model: 'gpt-4o-mini' } });
    // Saved when any well-formed id was taken (or by a server offering it): it is shown and kept as it is.
    await api.db.sql`update public.prompts set config = '{"provider":"opnai","model":"gpt-4o-mini"}' where id = ${p.id}`;
    const edited = await alice.request('PATCH', `/prompts/${p.id}`, { content: 'y', config: { provider: 'opnai', model: 'gpt-4o' } });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ content: 'y', config: { provider: 'opnai', model: 'gpt-4o' } });
    const changed = await alice.request('PATCH', `/prompts/${p.id}`, { config: { provider: 'openia' } });
    expect(changed.status).toBe(400);
    const fixed = await alice.request('PATCH', `/prompts/${p.id}`, { config: { provider: 'anthropic', model: 'claude-sonnet-4-5' } });
    expect(await fixed.json()).toMatchObject({ config: { provider: 'anthropic' } });
  });
});

describe('typed variables', () => {
  it('answers 422 invalid_variables naming each wrong variable', async () => {
    const alice = await api.createUser();
    const p = await create(alice, { title: 'T', content: '{{n:number}} tips, {{tone:enum(formal,casual)|formal}}, emoji {{emoji:boolean|false}}' });
    const ok = await alice.request('POST', `/prompts/${p.id}/render`, { variables: { n: 3, emoji: true } });
    expect((await ok.json()).rendered).toBe('3 tips, formal, emoji true');
    const bad = await alice.request('POST', `/prompts/${p.id}/render`, { variables: { n: 'three', tone: 'rude' } });
    expect(bad.status).toBe(422);
    const { error } = await bad.json();
    expect(error.code).toBe('invalid_variables');
    expect(error.message).toContain('Variable `n` must be a number');
    expect(error.variables).toEqual([
      { name: 'n', problem: 'must be a number (got "three")' },
      { name: 'tone', problem: 'must be one of formal, casual (got "rude")' },
    ]);
    const missing = await (await alice.request('POST', `/prompts/${p.id}/render`, { variables: {} })).json();
    expect(missing.error).toMatchObject({ code: 'missing_variables', variables: [{ name: 'n', problem: 'is missing' }] });
    const prompt = await (await alice.request('GET', `/prompts/${p.id}`)).json();
    expect(prompt.variables[1]).toEqual({ name: 'tone', type: 'enum', options: ['formal', 'casual'], default: 'formal', required: false });
  });

  it('inserts a number given as text as written, and takes names in any script, up to 64 characters each', async () => {
    const alice = await api.createUser();
    const long = '𠮷'.repeat(64); // 64 characters, 128 UTF-16 units
    const p = await create(alice, { title: 'T', content: `Order {{order:number}} costs {{price:number}} for {{名前}} {{${long}|x}}` });
    const res = await alice.request('POST', `/prompts/${p.id}/render`, { variables: { order: '12345678901234567890', price: '19.90', 名前: 'Ada', [long]: 'y' } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await res.json()).rendered).toBe('Order 12345678901234567890 costs 19.90 for Ada y');
  });

  it('refuses to save a slot whose words are not a name, which would reach the model as text', async () => {
    const alice = await api.createUser();
    for (const content of ['Hi {{customer name}}', 'Hi {{1st}}']) {
      const res = await alice.request('POST', '/prompts', { title: 'T', content });
      expect(res.status, content).toBe(400);
      expect((await res.json()).error.message).toContain('is not a name');
    }
  });
});

describe('locked labels', () => {
  it('refuses to move or remove a locked label without the explicit flag', async () => {
    const alice = await api.createUser();
    const p = await create(alice, { title: 'L', content: 'v1' });
    await alice.request('PATCH', `/prompts/${p.id}`, { content: 'v2' });
    await alice.request('PATCH', `/prompts/${p.id}`, { content: 'v3' });
    const locked = await alice.request('PUT', `/prompts/${p.id}/labels/production`, { version: 1, locked: true });
    expect(await locked.json()).toMatchObject({ label: 'production', version: 1, locked: true });
    const refused = await alice.request('PUT', `/prompts/${p.id}/labels/production`, { version: 2 });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('label_locked');
    // Re-pointing at the same version (e.g. to keep it locked) is not a move.
    expect((await alice.request('PUT', `/prompts/${p.id}/labels/production`, { version: 1 })).status).toBe(200);
    const forced = await (await alice.request('PUT', `/prompts/${p.id}/labels/production`, { version: 2, force: true })).json();
    expect(forced).toMatchObject({ version: 2, locked: true });
    const unlocked = await (await alice.request('PUT', `/prompts/${p.id}/labels/production`, { version: 3, force: true, locked: false })).json();
    expect(unlocked).toMatchObject({ version: 3, locked: false });
    await alice.request('PUT', `/prompts/${p.id}/labels/production`, { version: 3, locked: true });
    expect((await alice.request('DELETE', `/prompts/${p.id}/labels/production`)).status).toBe(409);
    expect((await alice.request('DELETE', `/prompts/${p.id}/labels/production?force=true`)).status).toBe(204);
    // The rule holds in the database too (what the Data API would send).
    await alice.request('PUT', `/prompts/${p.id}/labels/stable`, { version: 1, locked: true });
    await expect(api.db.sql`update public.prompt_labels set version = 2 where prompt_id = ${p.id} and label = 'stable'`).rejects.toThrow(/locked/);
    await expect(api.db.sql`delete from public.prompt_labels where prompt_id = ${p.id} and label = 'stable'`).rejects.toThrow(/locked/);
    // Deleting the prompt still removes its locked labels.
    expect((await alice.request('DELETE', `/prompts/${p.id}`)).status).toBe(204);
  });
});

describe('GET /prompts/resolve', () => {
  it('returns the labelled version with settings and variables, an ETag, and 304 on If-None-Match', async () => {
    const alice = await api.createUser();
    const p = await create(alice, { title: 'Support reply', name: 'support-reply', content: 'Be {{tone:enum(kind,brief)|kind}} to {{name}}', config: { model: 'gpt-4o' } });
    await alice.request('PATCH', `/prompts/${p.id}`, { content: 'v2 {{name}}', config: { model: 'gpt-4.1' } });
    await alice.request('PUT', `/prompts/${p.id}/labels/production`, { version: 1 });
    const res = await alice.request('GET', '/prompts/resolve?name=support-reply&label=production');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      id: p.id, name: 'support-reply', version: 1, label: 'production', labels: ['production'],
      prompt: 'Be {{tone:enum(kind,brief)|kind}} to {{name}}', compiled: null, config: { model: 'gpt-4o' },
    });
    expect(body.variables.map((v: { name: string }) => v.name)).toEqual(['tone', 'name']);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(body.etag).toBe(etag);
    expect(res.headers.get('cache-control')).toBe('private, no-cache');

    const again = await alice.request('GET', '/prompts/resolve?name=support-reply&label=production', undefined, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await alice.request('GET', '/prompts/resolve?name=support-reply&label=production', undefined, { 'if-none-match': `W/${etag}, "x"` })).status).toBe(304);

    // Moving the label changes the answer and its ETag.
    await alice.request('PUT', `/prompts/${p.id}/labels/production`, { version: 2 });
    const moved = await alice.request('GET', '/prompts/resolve?name=support-reply&label=production', undefined, { 'if-none-match': etag });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ version: 2, prompt: 'v2 {{name}}', config: { model: 'gpt-4.1' } });
    expect(moved.headers.get('etag')).not.toBe(etag);

    expect((await (await alice.request('GET', '/prompts/resolve?name=support-reply')).json()).version).toBe(2);
    expect((await (await alice.request('GET', '/prompts/resolve?name=support-reply&version=1')).json()).version).toBe(1);
  });

  it('compiles with variables, answers 422 for a wrong one, 404 for unknown names/labels, 400 for bad queries', async () => {
    const alice = await api.createUser();
    await create(alice, { title: 'C', name: 'count', content: 'Give {{n:number}} ideas' });
    const vars = encodeURIComponent(JSON.stringify({ n: 4 }));
    expect((await (await alice.request('GET', `/prompts/resolve?name=count&variables=${vars}`)).json()).compiled).toBe('Give 4 ideas');
    const wrong = await alice.request('GET', `/prompts/resolve?name=count&variables=${encodeURIComponent('{"n":"four"}')}`);
    expect(wrong.status).toBe(422);
    expect((await wrong.json()).error.variables[0].name).toBe('n');
    expect((await alice.request('GET', '/prompts/resolve?name=nope')).status).toBe(404);
    expect((await alice.request('GET', '/prompts/resolve?name=count&label=production')).status).toBe(404);
    expect((await alice.request('GET', '/prompts/resolve?name=count&version=7')).status).toBe(404);
    for (const q of ['', 'name=BAD', 'name=count&label=a&version=1', 'name=count&variables=notjson', 'name=count&variables=%5B1%5D', 'name=count&x=1']) {
      expect((await alice.request('GET', `/prompts/resolve?${q}`)).status, q).toBe(400);
    }
    // A mistake in the query string is called one (a GET has no body to blame).
    const both = await alice.request('GET', '/prompts/resolve?name=count&label=a&version=1');
    expect((await both.json()).error.message).toBe('query: Give a label or a version, not both');
    // Only the caller's own prompts: another user's name is a 404.
    const bob = await api.createUser();
    expect((await bob.request('GET', '/prompts/resolve?name=count')).status).toBe(404);
  });

  it('works with an API key holding prompts:read, not with a chat-only key', async () => {
    const alice = await api.createUser();
    await create(alice, { title: 'K', name: 'keyed', content: 'Hi' });
    const reader = await (await alice.request('POST', '/api-keys', { name: 'r', scopes: ['prompts:read'] })).json();
    const chatter = await (await alice.request('POST', '/api-keys', { name: 'c', scopes: ['chat'] })).json();
    const ok = await api.request('GET', '/prompts/resolve?name=keyed', undefined, { authorization: `Bearer ${reader.key}` });
    expect(ok.status).toBe(200);
    const etag = ok.headers.get('etag')!;
    expect((await api.request('GET', '/prompts/resolve?name=keyed', undefined, { authorization: `Bearer ${reader.key}`, 'if-none-match': etag })).status).toBe(304);
    expect((await api.request('GET', '/prompts/resolve?name=keyed', undefined, { authorization: `Bearer ${chatter.key}` })).status).toBe(403);
  });
});
