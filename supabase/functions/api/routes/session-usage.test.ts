// GET /api/sessions/{id}/usage: what one chat cost the caller. The owner reads every call their
// key paid for in it (answers, the call naming it, a member's turns with who asked); a member
// reads the calls they paid for on their own key, and counts and tokens of those the owner paid
// for, never the owner's dollars; the owner never reads what a member paid. A stranger, a former
// member and a chat that does not exist all get 404. Usage's summary ranks chats by cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, joinGroupChat, readSse, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({
    env: { CHAT_RATE_CAPACITY: '1000', MODEL_PRICES: JSON.stringify({ 'custom/any-model': { input: 1, output: 2 } }) },
    provider: { tokens: 6 },
  });
});
afterAll(async () => { await api?.close(); });

const custom = { provider: 'custom', model: 'any-model' };

async function send(user: ApiUser, body: Record<string, unknown>): Promise<string> {
  const res = await user.request('POST', '/chat', { ...custom, ...body });
  expect(res.status, await res.clone().text()).toBe(200);
  const events = await readSse(res);
  expect(events.at(-1)?.event).toBe('done');
  return events[0]!.data.session_id as string;
}
const ownKey = async (user: ApiUser) =>
  expect((await user.request('PUT', '/credentials/custom', { api_key: `sk-${crypto.randomUUID()}`, base_url: api.fakeProvider.url })).status).toBe(200);

async function usageOf(user: ApiUser, id: string) {
  const res = await user.request('GET', `/sessions/${id}/usage`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

/** What the database holds for the chat's calls paid by `payer`, summed. */
async function stored(id: string, payer: ApiUser) {
  const [row] = await api.db.sql<{ calls: number; prompt_tokens: number; completion_tokens: number; cost_usd: number }[]>`
    select count(*)::int as calls, sum(prompt_tokens)::float8 as prompt_tokens, sum(completion_tokens)::float8 as completion_tokens,
           sum(cost_usd)::float8 as cost_usd
      from public.prompt_usage_logs where session_id = ${id} and user_id = ${payer.id}`;
  return row!;
}

describe('GET /api/sessions/{id}/usage', () => {
  it("lists the owner's answer and the call that named the chat, with totals matching what was stored", async () => {
    const olive = await api.createUser();
    await ownKey(olive);
    const id = await send(olive, { message: '/echo tides and moons' });
    expect((await olive.request('POST', `/sessions/${id}/title`)).status).toBe(200);

    const usage = await usageOf(olive, id);
    expect(usage.session_id).toBe(id);
    expect(usage.calls.map((c: { purpose: string }) => c.purpose)).toEqual(['title', 'chat']);
    expect(usage.calls[1]).toMatchObject({ provider: 'custom', model: 'any-model', status: 'success', session_id: id });
    expect(usage.calls[1].latency_ms).toEqual(expect.any(Number));
    expect(usage.calls[1].ttft_ms).toEqual(expect.any(Number));
    const db = await stored(id, olive);
    expect(usage.totals).toMatchObject({ calls: 2, prompt_tokens: db.prompt_tokens, completion_tokens: db.completion_tokens, unpriced_calls: 0 });
    expect(usage.totals.cost_usd).toBeCloseTo(db.cost_usd, 12);
    expect(usage.totals.cost_usd).toBeGreaterThan(0);
    expect(usage.totals.total_tokens).toBe(db.prompt_tokens + db.completion_tokens);
    expect(usage.more_calls).toBe(false);
    expect(usage.paid_by_others).toEqual([]);

    // Usage ranks the chat by what it cost, with its title and the same totals.
    const summary = await (await olive.request('GET', '/usage/summary')).json();
    expect(summary.by_chat).toEqual([expect.objectContaining({ session_id: id, calls: 2, title: expect.any(String) })]);
    expect(summary.by_chat[0].cost_usd).toBeCloseTo(db.cost_usd, 12);
  });

  it("in a group chat each reads what they paid: the owner a member's turn on the shared key with who asked, the member counts and tokens only", async () => {
    const [olive, ann, bob] = await Promise.all(['Olive', 'Ann', 'Bob'].map((name) => api.createUser({ metadata: { display_name: name } })));
    await ownKey(olive!);
    const id = await send(olive!, { message: '/echo hello team' });
    await joinGroupChat(olive!, ann!, id, 'member');
    await joinGroupChat(olive!, bob!, id, 'member');
    expect((await olive!.request('PUT', `/sessions/${id}/key-sharing`, { share_owner_key: true })).status).toBe(200);
    await send(ann!, { session_id: id, message: '/echo one' });

    const owner = await usageOf(olive!, id);
    expect(owner.calls.map((c: { asked_by_name: string }) => c.asked_by_name)).toEqual(['Ann', 'Olive']);
    expect(owner.totals.calls).toBe(2);

    const member = await usageOf(ann!, id);
    expect(member.calls).toEqual([]);
    expect(member.totals).toMatchObject({ calls: 0, cost_usd: 0 });
    expect(member.paid_by_others).toHaveLength(1);
    const [paid] = member.paid_by_others;
    expect(paid).toMatchObject({ payer_id: olive!.id, payer_name: 'Olive', calls: 1 });
    expect(paid.total_tokens).toBeGreaterThan(0);
    expect(Object.keys(paid)).not.toContain('cost_usd');
    expect(JSON.stringify(member)).not.toContain(olive!.email);

    // A member who asked nothing reads nothing of the others' calls.
    expect(await usageOf(bob!, id)).toMatchObject({ calls: [], paid_by_others: [], totals: { calls: 0 } });
  });

  it("a member's turn on their own key is theirs to read, never the owner's", async () => {
    const [olive, ann] = await Promise.all([api.createUser(), api.createUser()]);
    await ownKey(olive!);
    await ownKey(ann!);
    const id = await send(olive!, { message: '/echo hello' });
    await joinGroupChat(olive!, ann!, id, 'member');
    await send(ann!, { session_id: id, message: '/echo mine' });

    const member = await usageOf(ann!, id);
    expect(member.calls).toHaveLength(1);
    expect(member.calls[0].asked_by).toBe(ann!.id);
    const db = await stored(id, ann!);
    expect(member.totals.cost_usd).toBeCloseTo(db.cost_usd, 12);
    expect(member.paid_by_others).toEqual([]);

    const owner = await usageOf(olive!, id);
    expect(owner.calls.map((c: { asked_by: string }) => c.asked_by)).toEqual([olive!.id]);
    expect(owner.totals.calls).toBe(1);
  });

  it('answers 404 to a stranger, a former member and a chat that does not exist', async () => {
    const [olive, ann, sam] = await Promise.all([api.createUser(), api.createUser(), api.createUser()]);
    await ownKey(olive!);
    const id = await send(olive!, { message: '/echo private' });
    await joinGroupChat(olive!, ann!, id, 'member');
    expect((await ann!.request('GET', `/sessions/${id}/usage`)).status).toBe(200);
    expect((await ann!.request('DELETE', `/sessions/${id}/members/${ann!.id}`)).status).toBe(204);

    for (const [who, chat] of [[sam!, id], [ann!, id], [olive!, crypto.randomUUID()]] as const) {
      const res = await who.request('GET', `/sessions/${chat}/usage`);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
    }
    expect((await olive!.request('GET', '/sessions/not-a-uuid/usage')).status).toBe(400);
  });
});
