// Provider-key checks share one budget (lib/key-checks.ts): POST /credentials/{provider}/verify,
// and a chat turn, a gateway call, a chat's naming or GET /providers/{id}/models whose provider
// refused the caller's own key all draw on the `verify` bucket (10, then one per 10 s); while it
// is empty none of them calls the provider, so a user cannot keep testing keys (a leaked list)
// through the server. A working key chats and lists freely.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, joinGroupChat, readSse, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
let server: http.Server;
let url: string;
/** Every request the provider saw, with the key it carried. */
const seen: { method: string; key: string }[] = [];
const GOOD = 'sk-live-the-one-that-works';

beforeAll(async () => {
  // A provider that accepts one key only, as a real one does (401 for the rest).
  server = http.createServer((req, res) => {
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    seen.push({ method: req.method ?? '', key });
    const ok = key === GOOD;
    const stream = req.method === 'POST';
    req.resume();
    if (!ok) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: 'Incorrect API key', type: 'invalid_api_key' } }));
    }
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model' }] }));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta: object, finish: string | null = null) => ({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
    for (const data of [chunk({ role: 'assistant', content: 'hi' }), chunk({}, 'stop'), { id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }]) {
      res.write(`data: ${JSON.stringify(data)}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  // Priced, so a group chat owner's shared key may answer it too.
  api = await createApiHarness({ env: { CHAT_RATE_CAPACITY: '1000', MODEL_PRICES: JSON.stringify({ 'custom/m': { input: 1, output: 1 } }) } });
});
afterAll(async () => {
  await api?.close();
  await new Promise((resolve) => server.close(resolve));
});

const store = async (user: ApiUser, key: string) =>
  expect((await user.request('PUT', '/credentials/custom', { api_key: key, base_url: url })).status).toBe(200);
const gateway = (user: ApiUser) =>
  user.request('POST', '/v1/chat/completions', { model: 'custom/m', stream: true, max_tokens: 1, messages: [{ role: 'user', content: 'x' }] });
const chat = (user: ApiUser, body: Record<string, unknown> = {}) => user.request('POST', '/chat', { provider: 'custom', model: 'm', message: 'x', ...body });
const verifyStatuses = async (user: ApiUser, times: number) => {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await user.request('POST', '/credentials/custom/verify')).status);
  return statuses;
};
const codeOf = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code ?? null });

describe('one budget for provider-key checks', () => {
  it('verify, model lists and keys refused in chat and the gateway draw on it; once empty, no provider is called, whatever the key', async () => {
    const eve = await api.createUser();
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      await store(eve, `sk-leaked-${i}-${crypto.randomUUID()}`);
      const kind = i % 4;
      if (kind === 0) outcomes.push((await (await eve.request('POST', '/credentials/custom/verify')).json()).status);
      if (kind === 1) outcomes.push((await codeOf(await eve.request('GET', '/providers/custom/models'))).code!);
      if (kind === 2) outcomes.push((await (await gateway(eve)).text()).includes('provider_auth') ? 'provider_auth' : 'told nothing');
      if (kind === 3) outcomes.push(String((await readSse(await chat(eve))).at(-1)?.data.code));
    }
    expect(outcomes).toEqual(['invalid', 'provider_rejected_key', 'provider_auth', 'provider_auth', 'invalid', 'provider_rejected_key', 'provider_auth', 'provider_auth', 'invalid', 'provider_rejected_key']);

    // Ten checks made: every way of telling the next key is refused before the provider hears of it, the good key too.
    await store(eve, GOOD);
    const before = seen.length;
    const refused = [
      await codeOf(await eve.request('POST', '/credentials/custom/verify')),
      await codeOf(await eve.request('GET', '/providers/custom/models')),
      await codeOf(await gateway(eve)),
      await codeOf(await chat(eve)),
    ];
    expect(refused).toEqual(new Array(4).fill({ status: 429, code: 'rate_limited' }));
    expect(seen.length).toBe(before);
  });

  it('a working key takes no check in chat, the gateway or a models list, a refused naming takes one', async () => {
    const ada = await api.createUser();
    await store(ada, GOOD);
    for (let i = 0; i < 12; i++) {
      const res = await gateway(ada);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('"hi"');
    }
    const events = await readSse(await chat(ada));
    expect(events.at(-1)?.data.status).toBe('complete');
    // One list from the provider, then eleven from the cache: the key works, so no check.
    for (let i = 0; i < 12; i++) expect((await ada.request('GET', '/providers/custom/models')).status).toBe(200);
    // Naming the chat with a key the provider refuses: one.
    await store(ada, `sk-revoked-${crypto.randomUUID()}`);
    expect(await codeOf(await ada.request('POST', `/sessions/${events[0]!.data.session_id}/title`))).toEqual({ status: 502, code: 'provider_auth' });
    // The refused key's list: a second one, and the refusal is kept: asked again, it takes none.
    const asked = seen.length;
    for (let i = 0; i < 3; i++) expect(await codeOf(await ada.request('GET', '/providers/custom/models'))).toEqual({ status: 502, code: 'provider_rejected_key' });
    expect(seen.length).toBe(asked + 1);
    expect(await verifyStatuses(ada, 9)).toEqual([...new Array(8).fill(200), 429]);
  });

  it("a refused key of a group chat's owner, shared with a member, takes none of the member's checks", async () => {
    const [owner, member] = await Promise.all([api.createUser(), api.createUser()]);
    await store(owner, GOOD);
    const sessionId = (await readSse(await chat(owner)))[0]!.data.session_id as string;
    await joinGroupChat(owner, member, sessionId, 'member');
    expect((await owner.request('PUT', `/sessions/${sessionId}/key-sharing`, { share_owner_key: true })).status).toBe(200);
    await store(owner, `sk-revoked-${crypto.randomUUID()}`);
    for (let i = 0; i < 3; i++) {
      expect((await readSse(await chat(member, { session_id: sessionId }))).at(-1)?.data.code).toBe('provider_auth');
    }
    // The member could not change the key that was refused: nothing was a check of theirs (nor of the owner's).
    await store(member, GOOD);
    expect(await verifyStatuses(member, 11)).toEqual([...new Array(10).fill(200), 429]);
    expect(await verifyStatuses(owner, 11)).toEqual([...new Array(10).fill(200), 429]);
  });
});
