// Rendering a prompt through the real Deno function behind the local gateway (business audit
// B2): a template of 20,000 `{{a}}` and a 20,000-character value once made one render request
// build 400 M characters, and the function died ("Fatal JavaScript out of memory", restarted),
// cutting every answer streaming on it — another user's stream ended after 0 of 40 chunks and
// its row was left `streaming` with no usage log. Now the render is refused with 422
// rendered_too_long before anything is built, and the other user's answer streams to its end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeReplyChunks, startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { functionsDirWithEnv } from '../faults/helpers.ts';
import { readSse } from '../helpers/api.ts';
import { startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let provider: FakeProvider;
let functionsDir: Awaited<ReturnType<typeof functionsDirWithEnv>>;
const logLines: string[] = [];
beforeAll(async () => {
  provider = await startFakeProvider();
  functionsDir = await functionsDirWithEnv({ ALLOW_PRIVATE_PROVIDER_URLS: 'true' });
  stack = await startTestStack({ demoProvider: true, functionsDir: functionsDir.dir, log: (line) => logLines.push(line) });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  await provider?.stop();
  await functionsDir?.remove();
});

async function signUp() {
  const { data, error } = await stack.client().auth.signUp({ email: testEmail('render'), password: TEST_PASSWORD });
  if (error || !data.session) throw error ?? new Error('no session');
  const token = data.session.access_token;
  const request = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.apiUrl}/functions/v1/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, apikey: stack.keys.publishableKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { id: data.session.user.id, request };
}

describe('an amplifying render against the Deno function (256 MB heap)', () => {
  it("is refused with 422 rendered_too_long, and another user's answer streams on to its end", async () => {
    const victim = await signUp();
    const attacker = await signUp();
    await victim.request('PUT', '/credentials/custom', { api_key: 'sk-victim-0000', base_url: provider.url });
    // The victim's answer streams for about 4 s (40 chunks, 10 a second).
    const turn = await victim.request('POST', '/chat', { provider: 'custom', model: 'fake', message: '/tokens 40 at 10/s' });
    expect(turn.status).toBe(200);
    const victimEvents = readSse(turn).catch((error: unknown) => [{ event: 'client-error', data: String(error), at: 0 }]);

    const created = await attacker.request('POST', '/prompts', { title: 'amp', content: '{{a}}'.repeat(20_000) });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    // Three at once, each a 20 KB request that would render 400 M characters.
    const answers = await Promise.all([0, 1, 2].map(async () => {
      const res = await attacker.request('POST', `/prompts/${id}/render`, { variables: { a: 'x'.repeat(20_000) } });
      return { status: res.status, error: (await res.json()).error };
    }));
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 422, error: { code: 'rendered_too_long', rendered_chars: 400_000_000, max_rendered_chars: 1_000_000 } });
    }

    const events = await victimEvents;
    expect(events.at(-1)?.event).toBe('done');
    // Every word arrives, in order. How many deltas carry them is the live feed's business: a
    // chunk that comes while the outbox is still sending the last joins the next unit
    // (unit-batcher.ts), and the renders' CPU can make that happen, so 40 chunks may be 38 deltas.
    const text = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text).join('');
    expect(text).toBe(fakeReplyChunks([{ role: 'user', content: '/tokens 40 at 10/s' }]).join(''));
    expect(logLines.filter((l) => /out of memory|exited .*restarting/i.test(l))).toEqual([]);
    const [answer] = await stack.db.sql`
      select m.status, m.content, (select count(*)::int from public.prompt_usage_logs l where l.message_id = m.id) as logs
        from public.messages m where m.user_id = ${victim.id} and m.sender = 'assistant'`;
    expect(answer).toEqual({ status: 'complete', logs: 1, content: text });
  }, 120_000);
});
