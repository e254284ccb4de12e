// Who spent what in a group chat whose owner pays for members' turns (QA 8 #5): the owner's
// Usage names who asked each call (recent calls, "By person", the CSV's asked_by: "You", a
// display name, never an email), and a member's Usage counts the calls they asked that the
// owner paid for, with tokens and without the owner's dollars. Another member and a stranger
// see none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, readSse, joinGroupChat, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness({
    env: { CHAT_RATE_CAPACITY: '1000', MODEL_PRICES: JSON.stringify({ 'custom/any-model': { input: 1, output: 2 } }) },
    provider: { tokens: 6 },
  });
});
afterAll(async () => { await api?.close(); });

const custom = { provider: 'custom', model: 'any-model' };

async function send(user: ApiUser, body: Record<string, unknown>) {
  const res = await user.request('POST', '/chat', { ...custom, ...body });
  expect(res.status, await res.clone().text()).toBe(200);
  const events = await readSse(res);
  expect(events.at(-1)?.event).toBe('done');
  return events;
}

/** Olive's chat, her key shared: she asks once, Ann (a member) asks twice; Bob is a member who asks nothing; Sam a stranger. */
async function paidGroupChat() {
  const [olive, ann, bob, sam] = await Promise.all(['Olive', 'Ann', 'Bob', 'Sam'].map((name) => api.createUser({ metadata: { display_name: name } })));
  expect((await olive!.request('PUT', '/credentials/custom', { api_key: `sk-${crypto.randomUUID()}`, base_url: api.fakeProvider.url })).status).toBe(200);
  const first = await send(olive!, { message: '/echo hello team' });
  const id = first[0]!.data.session_id as string;
  await joinGroupChat(olive!, ann!, id, 'member');
  await joinGroupChat(olive!, bob!, id, 'member');
  expect((await olive!.request('PUT', `/sessions/${id}/key-sharing`, { share_owner_key: true })).status).toBe(200);
  await send(ann!, { session_id: id, message: '/echo one' });
  await send(ann!, { session_id: id, message: '/echo two' });
  return { olive: olive!, ann: ann!, bob: bob!, sam: sam!, id };
}

const summaryOf = async (who: ApiUser) => {
  const res = await who.request('GET', '/usage/summary');
  expect(res.status).toBe(200);
  return res.json();
};

describe("the payer's Usage names who asked", () => {
  it('in recent calls and By person: "You" is the caller\'s own id, a member by display name, never an email', async () => {
    const g = await paidGroupChat();
    const summary = await summaryOf(g.olive);
    expect(summary.recent.map((c: { asked_by: string; asked_by_name: string }) => [c.asked_by, c.asked_by_name]))
      .toEqual([[g.ann.id, 'Ann'], [g.ann.id, 'Ann'], [g.olive.id, 'Olive']]);
    expect(summary.by_asker.map((p: { key: string; asked_by_name: string; calls: number }) => [p.key, p.asked_by_name, p.calls]))
      .toEqual([[g.ann.id, 'Ann', 2], [g.olive.id, 'Olive', 1]]);
    expect(JSON.stringify(summary)).not.toContain(g.ann.email);
    // The owner's own calls are on their Usage: nothing "paid by others".
    expect(summary.paid_by_others).toEqual([]);

    const report = await (await g.olive.request('GET', '/usage?group_by=asker,model')).json();
    expect(report.groups.map((r: { asked_by_name: string; model: string; calls: number }) => [r.asked_by_name, r.model, r.calls]))
      .toEqual([['Ann', 'any-model', 2], ['Olive', 'any-model', 1]]);
  });

  it('in the CSV: an asked_by column with "You" and the member\'s name, and "Former member" once their account is gone', async () => {
    const g = await paidGroupChat();
    const csv = async () => {
      const text = (await (await g.olive.request('GET', '/usage/export')).text()).replace(/^\uFEFF/, '');
      const [header, ...lines] = text.trim().split('\n');
      const at = header!.split(',').indexOf('asked_by');
      expect(at).toBe(header!.split(',').length - 1);
      return lines.map((line) => line.split(',').at(-1));
    };
    expect(await csv()).toEqual(['You', 'Ann', 'Ann']);
    await api.db.sql`delete from auth.users where id = ${g.ann.id}`;
    expect(await csv()).toEqual(['You', 'Former member', 'Former member']);
    const summary = await summaryOf(g.olive);
    expect(summary.by_asker.map((p: { asked_by: string | null; asked_by_name: string | null; calls: number }) => [p.asked_by, p.asked_by_name, p.calls]))
      .toEqual([[null, null, 2], [g.olive.id, 'Olive', 1]]);
  });
});

describe("a member's Usage says what they asked on someone else's key", () => {
  it('the asker reads the count and tokens per payer, by name, never the dollars; nobody else reads it', async () => {
    const g = await paidGroupChat();
    const ann = await summaryOf(g.ann);
    expect(ann.totals.calls).toBe(0);
    expect(ann.recent).toEqual([]);
    expect(ann.paid_by_others).toHaveLength(1);
    const [paid] = ann.paid_by_others;
    expect(paid).toMatchObject({ payer_id: g.olive.id, payer_name: 'Olive', calls: 2 });
    expect(paid.total_tokens).toBe(paid.prompt_tokens + paid.completion_tokens);
    expect(paid.total_tokens).toBeGreaterThan(0);
    expect(Object.keys(paid)).not.toContain('cost_usd');
    expect(JSON.stringify(ann)).not.toContain(g.olive.email);
    for (const other of [g.bob, g.sam]) expect((await summaryOf(other)).paid_by_others).toEqual([]);
  });
});
