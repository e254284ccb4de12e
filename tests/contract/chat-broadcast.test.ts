/**
 * A chat answer reaches the asker's other devices over Realtime Broadcast, end to end: the
 * real Deno function (behind the gateway) sends its units to the private channel
 * `session:<id>`; a second device of the same user, joined with the official supabase-js
 * client, receives every `delta` in seq order and then `done`; another user cannot join.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { functionsDirWithEnv } from '../faults/helpers.ts';
import { readSse } from '../helpers/api.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { callApi, join, printStackLogOnFailure, settle, signedIn } from './realtime-channels.ts';

let stack: TestStack;
printStackLogOnFailure(() => stack);
let functionsDir: Awaited<ReturnType<typeof functionsDirWithEnv>>;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  functionsDir = await functionsDirWithEnv({});
  stack = await startTestStack({ demoProvider: true, functionsDir: functionsDir.dir });
});
afterAll(async () => {
  for (const client of clients) await client.removeAllChannels();
  await stack?.stop();
  await functionsDir?.remove();
});

const api = (client: SupabaseClient, method: string, path: string, body?: unknown) => callApi(stack, client, method, path, body);

it("another device of the asker follows the answer on session:<id>; a stranger cannot join", async () => {
  const asker = await signedIn(stack, clients);
  const created = await api(asker.client, 'POST', '/sessions', { title: 'broadcast' });
  const { id: sessionId } = (await created.json()) as { id: string };

  // The same user's second device (its own client and sign-in).
  const device = stack.client();
  clients.push(device);
  const { data: signIn } = await asker.client.auth.getSession();
  await device.auth.setSession({ access_token: signIn.session!.access_token, refresh_token: signIn.session!.refresh_token });
  await device.realtime.setAuth(signIn.session!.access_token);
  const watching = await join(device, `session:${sessionId}`, { private: true });

  const stranger = await signedIn(stack, clients);
  await stranger.client.realtime.setAuth((await stranger.client.auth.getSession()).data.session!.access_token);
  expect(await settle(join(stranger.client, `session:${sessionId}`, { private: true }))).toBeInstanceOf(Error);

  const words = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
  const events = await readSse(await api(asker.client, 'POST', '/chat', { provider: 'demo', model: 'demo-model', session_id: sessionId, message: `/echo ${words}` }));
  const meta = events[0].data as { assistant_message_id: string };
  await watching.until(() => watching.broadcasts.some((b) => b.event === 'done'), 'done broadcast', 20_000);

  const deltas = watching.broadcasts.filter((b) => b.event === 'delta');
  expect(deltas.every((d) => d.payload.message_id === meta.assistant_message_id)).toBe(true);
  expect(deltas.map((d) => d.payload.seq)).toEqual(deltas.map((_, i) => i + 1));
  expect(deltas.map((d) => d.payload.text).join('')).toBe(words);
  expect(watching.broadcasts.at(-1)).toEqual({ event: 'done', payload: { message_id: meta.assistant_message_id, status: 'complete', code: null, seq: deltas.length } });
}, 60_000);

it('the function sends a running answer over its Realtime WebSocket once the channel is joined, not one REST request per unit', async () => {
  // Every REST broadcast request the function makes, counted where local Realtime answers them.
  let restRequests = 0;
  const handle = stack.realtime.handle.bind(stack.realtime);
  stack.realtime.handle = (req, res) => {
    if (req.url?.startsWith('/api/broadcast')) restRequests += 1;
    return handle(req, res);
  };
  try {
    const asker = await signedIn(stack, clients);
    const created = await api(asker.client, 'POST', '/sessions', { title: 'broadcast over the socket' });
    const { id: sessionId } = (await created.json()) as { id: string };
    const { data } = await asker.client.auth.getSession();
    const device = stack.client();
    clients.push(device);
    await device.auth.setSession({ access_token: data.session!.access_token, refresh_token: data.session!.refresh_token });
    await device.realtime.setAuth(data.session!.access_token);
    const watching = await join(device, `session:${sessionId}`, { private: true });

    const events = await readSse(await api(asker.client, 'POST', '/chat', { provider: 'demo', model: 'demo-model', session_id: sessionId, message: '/tokens 3000' }));
    const meta = events[0].data as { assistant_message_id: string };
    await watching.until(() => watching.broadcasts.some((b) => b.event === 'done'), 'done broadcast', 30_000);
    const deltas = watching.broadcasts.filter((b) => b.event === 'delta');
    expect(deltas.map((d) => d.payload.seq)).toEqual(deltas.map((_, i) => i + 1));
    expect(deltas.map((d) => d.payload.text).join('')).toBe(events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text).join(''));
    expect(watching.broadcasts.at(-1)).toEqual({ event: 'done', payload: { message_id: meta.assistant_message_id, status: 'complete', code: null, seq: deltas.length } });
    // REST carries what was sent before the join, if anything: far fewer requests than units.
    expect(deltas.length).toBeGreaterThan(20);
    expect(restRequests).toBeLessThan(deltas.length / 4);
  } finally {
    stack.realtime.handle = handle;
  }
}, 60_000);
