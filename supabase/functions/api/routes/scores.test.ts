// Scores: thumbs up/down with a comment on a chat answer or a gateway-style call, re-rating
// replaces, only answers the rater can read, and the usage report's positive share per
// prompt version (also filtered to one prompt).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiUser } from '../../../../tests/helpers/api.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api?.close();
});

/** A chat with one assistant answer and its usage log (as a finished turn leaves them). */
async function answered(user: ApiUser, prompt: { id: string; version: number } | null = null) {
  const [session] = await api.db.sql`insert into public.chat_sessions (user_id, title) values (${user.id}, 'T') returning id`;
  const [message] = await api.db.sql`
    insert into public.messages (session_id, user_id, sender, content, status) values (${session.id}, ${user.id}, 'assistant', 'Hi', 'complete') returning id`;
  const [log] = await api.db.sql`
    insert into public.prompt_usage_logs (user_id, session_id, message_id, provider, model, status, latency_ms, cost_usd, prompt_id, prompt_version)
    values (${user.id}, ${session.id}, ${message.id}, 'demo', 'demo-model', 'success', 100, 0.01, ${prompt?.id ?? null}, ${prompt?.version ?? null}) returning id`;
  return { sessionId: session.id as string, messageId: message.id as string, logId: log.id as string };
}

describe('scores', () => {
  it('rates an answer with a comment, re-rates, lists per chat and removes', async () => {
    const alice = await api.createUser();
    const a = await answered(alice);
    const up = await alice.request('PUT', '/scores', { message_id: a.messageId, rating: 'up', comment: '  Great  ' });
    expect(up.status).toBe(200);
    const score = await up.json();
    expect(score).toMatchObject({ message_id: a.messageId, usage_log_id: null, rating: 'up', comment: 'Great' });
    const down = await (await alice.request('PUT', '/scores', { message_id: a.messageId, rating: 'down' })).json();
    expect(down).toMatchObject({ id: score.id, rating: 'down', comment: null });
    const list = await (await alice.request('GET', `/scores?session_id=${a.sessionId}`)).json();
    expect(list.scores).toEqual([expect.objectContaining({ id: score.id, rating: 'down' })]);
    expect((await alice.request('DELETE', `/scores/${score.id}`)).status).toBe(204);
    expect((await alice.request('DELETE', `/scores/${score.id}`)).status).toBe(404);
  });

  it("rates a call without a chat; never someone else's answer or call", async () => {
    const alice = await api.createUser();
    const bob = await api.createUser();
    const a = await answered(alice);
    expect((await alice.request('PUT', '/scores', { usage_log_id: a.logId, rating: 'up' })).status).toBe(200);
    expect((await bob.request('PUT', '/scores', { message_id: a.messageId, rating: 'down' })).status).toBe(404);
    expect((await bob.request('PUT', '/scores', { usage_log_id: a.logId, rating: 'down' })).status).toBe(404);
    expect((await bob.request('PUT', '/scores', { message_id: randomUUID(), rating: 'down' })).status).toBe(404);
    expect((await bob.request('GET', `/scores?session_id=${a.sessionId}`)).status).toBe(200);
    for (const body of [
      { rating: 'up' },
      { message_id: a.messageId, usage_log_id: a.logId, rating: 'up' },
      { message_id: a.messageId, rating: 'meh' },
      { message_id: a.messageId, rating: 'up', comment: 'x'.repeat(2001) },
    ]) {
      expect((await alice.request('PUT', '/scores', body)).status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
  });

  it('reports calls, cost, latency and the share of positive ratings per prompt version', async () => {
    const alice = await api.createUser();
    const prompt = await (await alice.request('POST', '/prompts', { title: 'Rated', content: 'x' })).json();
    const v1 = [await answered(alice, { id: prompt.id, version: 1 }), await answered(alice, { id: prompt.id, version: 1 }), await answered(alice, { id: prompt.id, version: 1 })];
    const v2 = await answered(alice, { id: prompt.id, version: 2 });
    await answered(alice); // no prompt
    await alice.request('PUT', '/scores', { message_id: v1[0].messageId, rating: 'up' });
    await alice.request('PUT', '/scores', { message_id: v1[1].messageId, rating: 'down' });
    await alice.request('PUT', '/scores', { usage_log_id: v1[2].logId, rating: 'up' });
    await alice.request('PUT', '/scores', { message_id: v2.messageId, rating: 'down' });
    const report = await (await alice.request('GET', `/usage?group_by=prompt&prompt_id=${prompt.id}`)).json();
    expect(report.groups.map((g: { prompt_version: number; calls: number; ratings: number; positive_share: number; cost_usd: number }) =>
      [g.prompt_version, g.calls, g.ratings, g.positive_share, g.cost_usd])).toEqual([
      [1, 3, 3, 2 / 3, 0.03],
      [2, 1, 1, 0, 0.01],
    ]);
    expect(report.totals).toMatchObject({ calls: 4, ratings: 4, positive_share: 0.5 });
    const all = await (await alice.request('GET', '/usage/summary')).json();
    expect(all.by_prompt_version.find((g: { prompt_id: string | null }) => g.prompt_id === null)).toMatchObject({ calls: 1, ratings: 0, positive_share: null });
  });
});
