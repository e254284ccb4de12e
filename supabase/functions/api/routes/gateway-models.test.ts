// The gateway's model list, read by the official `openai` SDK as a front end's model picker
// reads it (lib/gateway-models.ts): exactly what POST /v1/chat/completions can call. A custom
// endpoint's (and a saved Ollama's) own models are listed, Ollama never set up is not; a
// provider whose list fails is left out and the rest listed; models.retrieve agrees with create;
// the provider's list is the model picker's (kept, and a provider-key check when it refuses the
// key). A provider whose list fails (an Ollama switched off, an endpoint without /models) is kept
// out for two minutes without being called, and polling the list never stops the caller's chats.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, readSse, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';
import type OpenAI from 'openai';
import { openAiSdk } from '../../../../tests/helpers/openai-sdk.ts';
import { startFakeProvider, type FakeProvider } from '../../../../local/src/demo-provider.ts';

let api: ApiHarness;
/** A second endpoint, standing in for a local Ollama with two models installed. */
let ollama: FakeProvider;
beforeAll(async () => {
  api = await createApiHarness({ provider: { models: ['fake-model', 'fake-model-large'] } });
  ollama = await startFakeProvider({ models: ['llama3.2:latest', 'qwen2.5-coder:7b'] });
});
afterAll(async () => {
  await api?.close();
  await ollama?.stop();
});

const sdk = (apiKey: string) => openAiSdk(api, apiKey);

async function clientOf(user: ApiUser) {
  return sdk((await (await user.request('POST', '/api-keys', { name: 'models', scopes: ['chat'] })).json()).key as string);
}

const saveCustomKey = async (user: ApiUser) =>
  expect((await user.request('PUT', '/credentials/custom', { api_key: `sk-test-${crypto.randomUUID()}`, base_url: api.fakeProvider.url })).status).toBe(200);

const ids = async (client: OpenAI) => {
  const listed: string[] = [];
  for await (const model of client.models.list()) listed.push(model.id);
  return listed;
};

/** How often the custom endpoint has been asked for its models. */
const modelListCalls = () => api.fakeProvider.requests.filter((r) => r.path === '/v1/models').length;

describe('GET /v1/models with the openai SDK', () => {
  it("lists the custom endpoint's own models and no Ollama never set up; retrieve accepts what create accepts", async () => {
    const alice = await api.createUser();
    await saveCustomKey(alice);
    const client = await clientOf(alice);

    const models = (await client.models.list()).data;
    expect(models.map((m) => m.id)).toEqual(['custom/fake-model', 'custom/fake-model-large', 'demo/demo-model', 'demo/demo-text-model']);
    const custom = models.find((m) => m.id === 'custom/fake-model');
    expect(custom).toMatchObject({ object: 'model', owned_by: 'custom' });
    expect(custom?.created).toBeGreaterThan(0);

    // Every listed model answers.
    for (const { id } of models) {
      const completion = await client.chat.completions.create({ model: id, messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.model).toBe(id);
    }
    // retrieve agrees with create: a listed model, and any model of a provider that takes any.
    expect(await client.models.retrieve('custom/fake-model')).toEqual(custom);
    expect(await client.models.retrieve('custom/not-in-its-list')).toMatchObject({ id: 'custom/not-in-its-list', owned_by: 'custom', created: custom?.created });
    expect((await client.chat.completions.create({ model: 'custom/not-in-its-list', messages: [{ role: 'user', content: 'hi' }] })).model).toBe('custom/not-in-its-list');
    // Not hers: Ollama she never set up, a provider without her key, a catalog-only provider's unknown model.
    for (const id of ['ollama/llama3.2', 'openai/gpt-4o-mini', 'deepseek/deepseek-chat', 'nope/x', 'no-slash']) {
      await expect(client.models.retrieve(id), id).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    }
  });

  it("lists a fixed catalog's models for a stored key, and retrieves only those", async () => {
    const bob = await api.createUser();
    await bob.request('PUT', '/credentials/deepseek', { api_key: 'sk-deepseek-test-1234' });
    const client = await clientOf(bob);
    expect(await ids(client)).toEqual(['deepseek/deepseek-chat', 'deepseek/deepseek-reasoner', 'demo/demo-model', 'demo/demo-text-model']);
    expect(await client.models.retrieve('deepseek/deepseek-chat')).toMatchObject({ owned_by: 'deepseek' });
    await expect(client.models.retrieve('deepseek/other-model')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it("lists a saved Ollama's installed models; a provider whose list fails is left out and the rest listed", async () => {
    const carol = await api.createUser();
    await saveCustomKey(carol);
    expect((await carol.request('PUT', '/credentials/ollama', { base_url: ollama.url })).status).toBe(200);
    const client = await clientOf(carol);

    api.fakeProvider.setMode('500');
    try {
      expect(await ids(client)).toEqual(['ollama/llama3.2:latest', 'ollama/qwen2.5-coder:7b', 'demo/demo-model', 'demo/demo-text-model']);
    } finally {
      api.fakeProvider.setMode('ok');
    }
    expect(api.logs.some((entry) => entry.msg === 'gateway models: a provider left out' && entry.provider === 'custom')).toBe(true);
    // The failure is kept (two minutes): the next list leaves it out without asking again…
    const asked = modelListCalls();
    expect(await ids(client)).toEqual(['ollama/llama3.2:latest', 'ollama/qwen2.5-coder:7b', 'demo/demo-model', 'demo/demo-text-model']);
    expect(modelListCalls()).toBe(asked);
    // …and a key saved again is asked with at once.
    await saveCustomKey(carol);
    expect(await ids(client)).toEqual([
      'ollama/llama3.2:latest', 'ollama/qwen2.5-coder:7b', 'custom/fake-model', 'custom/fake-model-large', 'demo/demo-model', 'demo/demo-text-model',
    ]);
    expect(await client.models.retrieve('ollama/llama3.2:latest')).toMatchObject({ owned_by: 'ollama' });
    // The catalog's Ollama models are not what this Ollama has.
    expect(await ids(client)).not.toContain('ollama/mistral');
  });

  it("shares the model picker's kept lists and provider-key checks; with the checks used up the provider is left out", async () => {
    const dave = await api.createUser();
    await saveCustomKey(dave);
    const client = await clientOf(dave);

    // Asked once, by the picker's route; the gateway's list is the kept answer.
    const before = modelListCalls();
    expect((await dave.request('GET', '/providers/custom/models')).status).toBe(200);
    expect(await ids(client)).toContain('custom/fake-model');
    expect(modelListCalls()).toBe(before + 1);

    // A key saved again is asked with again. A key the provider accepts takes none of the 10
    // checks POST /credentials/{provider}/verify draws on (a refused one does, as in a chat).
    await saveCustomKey(dave);
    expect(await ids(client)).toContain('custom/fake-model');
    expect(await ids(client)).toContain('custom/fake-model');
    expect(modelListCalls()).toBe(before + 2);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await dave.request('POST', '/credentials/custom/verify')).status);
    expect(statuses).toEqual([...new Array(10).fill(200), 429]);

    // No check left: a key saved again cannot be asked with; the list still answers, without it.
    await saveCustomKey(dave);
    const asked = modelListCalls();
    expect(await ids(client)).toEqual(['demo/demo-model', 'demo/demo-text-model']);
    expect(modelListCalls()).toBe(asked);
  });
});

describe('GET /v1/models polled with a saved provider whose list fails (QA3 #2)', () => {
  /** An Ollama on a laptop that is switched off: every connection is cut at once; counts them. */
  async function switchedOff() {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      connections: () => connections,
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('leaves an unreachable Ollama out, calls it once, and chats on the working key go on', async () => {
    const off = await switchedOff();
    try {
      const erin = await api.createUser();
      await saveCustomKey(erin);
      expect((await erin.request('PUT', '/credentials/ollama', { base_url: off.url })).status).toBe(200);
      const client = await clientOf(erin);

      // A front end (Open WebUI, LibreChat) lists the models on every page load.
      for (let i = 0; i < 12; i++) expect(await ids(client)).toEqual(['custom/fake-model', 'custom/fake-model-large', 'demo/demo-model', 'demo/demo-text-model']);

      // The user's working key still answers: through the gateway, in the web app's chat, and its check.
      const completion = await client.chat.completions.create({ model: 'custom/fake-model', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.model).toBe('custom/fake-model');
      // Within the two minutes a failure is kept, the Ollama was called once.
      expect(off.connections()).toBe(1);
      const turn = await erin.request('POST', '/chat', { provider: 'custom', model: 'fake-model', message: 'hello' });
      expect(turn.status).toBe(200);
      expect((await readSse(turn)).at(-1)?.data.status).toBe('complete');
      expect((await (await erin.request('POST', '/credentials/custom/verify')).json()).status).toBe('ok');
      // The model picker gets the kept failure without calling it either.
      const picker = await erin.request('GET', '/providers/ollama/models');
      expect(picker.status).toBe(502);
      expect(((await picker.json()) as { error: { code: string } }).error.code).toBe('provider_unreachable');
      expect(off.connections()).toBe(1);
    } finally {
      await off.stop();
    }
  });

  it('leaves a custom endpoint without GET /models (404) out, asked once, and its key still chats', async () => {
    const noList = await startFakeProvider({ models: ['their-model'] });
    try {
      noList.setMode('404');
      const finn = await api.createUser();
      expect((await finn.request('PUT', '/credentials/custom', { api_key: 'sk-test-no-list', base_url: noList.url })).status).toBe(200);
      const client = await clientOf(finn);
      for (let i = 0; i < 12; i++) expect(await ids(client)).toEqual(['demo/demo-model', 'demo/demo-text-model']);

      noList.setMode('ok');
      const completion = await client.chat.completions.create({ model: 'custom/their-model', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.model).toBe('custom/their-model');
      expect(noList.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);
    } finally {
      await noList.stop();
    }
  });

  it('the model picker is still bounded: past its own bucket it calls no provider, and chats go on', async () => {
    const gus = await api.createUser();
    await saveCustomKey(gus);
    const client = await clientOf(gus);
    // Each key saved again is a new list to ask for; the `models` bucket holds 10.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      await saveCustomKey(gus);
      statuses.push((await gus.request('GET', '/providers/custom/models')).status);
    }
    expect(statuses).toEqual([...new Array(10).fill(200), 429]);
    await saveCustomKey(gus);
    const asked = modelListCalls();
    expect(await ids(client)).toEqual(['demo/demo-model', 'demo/demo-text-model']);
    expect(modelListCalls()).toBe(asked);
    expect((await client.chat.completions.create({ model: 'custom/fake-model', messages: [{ role: 'user', content: 'hi' }] })).model).toBe('custom/fake-model');
  });
});
