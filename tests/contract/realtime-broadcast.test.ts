/**
 * Realtime Broadcast contract (issue 9 item 4), with the official supabase-js client against
 * the local stack: client-sent broadcast with `self` and `ack`, order, the REST endpoint
 * (`POST /realtime/v1/api/broadcast`, httpSend, the REST fallback of an unjoined channel) and
 * broadcast from the database (`realtime.send()`), and what one message the v2 binary frame
 * cannot carry does (audit F9).
 * Docs: https://supabase.com/docs/guides/realtime/broadcast
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { createTestPolicies, join, printStackLogOnFailure, signedIn } from './realtime-channels.ts';
import { connectRaw, contentOf, createSession, insertMessage, record, type Frame } from './realtime-helpers.ts';

let stack: TestStack;
printStackLogOnFailure(() => stack);
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  await createTestPolicies(stack.db.sql);
});

afterAll(async () => {
  for (const client of clients) await client.removeAllChannels();
  await stack?.stop();
});

function anonClient(): SupabaseClient {
  const client = stack.client();
  clients.push(client);
  return client;
}

const room = () => `room-${crypto.randomUUID()}`;
/** Matches a v1 (object) frame of `event`. */
const v1Event = (event: string) => (f: Frame) => !Array.isArray(f) && !Buffer.isBuffer(f) && (f as Record<string, unknown>).event === event;

async function restBroadcast(key: string, body: unknown, authorization?: string): Promise<Response> {
  return fetch(`${stack.apiUrl}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: { apikey: key, 'Content-Type': 'application/json', ...(authorization ? { Authorization: `Bearer ${authorization}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe('client broadcast', () => {
  it('delivers 1000 messages to another device in the order they were sent, not back to the sender', async () => {
    const name = room();
    const [sender, receiver] = [await join(anonClient(), name), await join(anonClient(), name)];
    for (let i = 0; i < 1000; i++) void sender.channel.send({ type: 'broadcast', event: 'tick', payload: { i } });
    await receiver.until(() => receiver.broadcasts.length === 1000, '1000 broadcasts');
    expect(receiver.broadcasts.map((b) => b.payload.i)).toEqual([...Array(1000).keys()]);
    expect(receiver.broadcasts[0]).toEqual({ event: 'tick', payload: { i: 0 } });
    expect(sender.broadcasts).toEqual([]);
  });

  it('echoes to the sender with broadcast.self and answers the push with broadcast.ack', async () => {
    const name = room();
    const sender = await join(anonClient(), name, { broadcast: { self: true, ack: true } });
    const other = await join(anonClient(), name);
    expect(await sender.channel.send({ type: 'broadcast', event: 'hello', payload: { n: 1 } })).toBe('ok');
    await sender.until(() => sender.broadcasts.length === 1, 'own broadcast');
    await other.until(() => other.broadcasts.length === 1, 'broadcast');
    expect(sender.broadcasts[0]).toEqual({ event: 'hello', payload: { n: 1 } });
  });

  // Without the fix local frames were capped at 1 MiB: the 2 MB broadcast closed the sender's socket (1009).
  it('a 2 MB payload (under hosted’s 3,000 KB) is acked and delivered; a frame past hosted’s 5,000,000 bytes closes the socket with 1009', async () => {
    const name = room();
    const sender = await join(anonClient(), name, { broadcast: { ack: true } });
    const other = await join(anonClient(), name);
    const blob = 'y'.repeat(2_000_000);
    expect(await sender.channel.send({ type: 'broadcast', event: 'big', payload: { blob } })).toBe('ok');
    await other.until(() => other.broadcasts.length === 1, 'the 2 MB broadcast');
    expect((other.broadcasts[0].payload as { blob: string }).blob.length).toBe(2_000_000);
    const raw = await connectRaw(stack, stack.keys.publishableKey);
    const closed = new Promise<number>((resolve) => raw.ws.on('close', (code) => resolve(code)));
    raw.send(['1', '1', `realtime:${name}`, 'broadcast', { type: 'broadcast', event: 'huge', payload: { blob: 'z'.repeat(5_000_000) } }]);
    expect(await closed).toBe(1009);
  });

  it('keeps topics apart: another room hears nothing', async () => {
    const name = room();
    const [a, b, elsewhere] = [await join(anonClient(), name), await join(anonClient(), name), await join(anonClient(), room())];
    await a.channel.send({ type: 'broadcast', event: 'x', payload: { v: 1 } });
    await b.until(() => b.broadcasts.length === 1, 'broadcast');
    await a.channel.send({ type: 'broadcast', event: 'x', payload: { v: 2 } });
    await b.until(() => b.broadcasts.length === 2, 'second broadcast');
    expect(elsewhere.broadcasts).toEqual([]);
  });
});

describe('REST broadcast', () => {
  it('POST /realtime/v1/api/broadcast with the secret key reaches subscribers (202)', async () => {
    const name = room();
    const listener = await join(anonClient(), name);
    const response = await restBroadcast(stack.keys.secretKey, {
      messages: [
        { topic: name, event: 'delta', payload: { seq: 1, text: 'Hel' } },
        { topic: name, event: 'delta', payload: { seq: 2, text: 'lo' }, id: 'm-2' },
      ],
    });
    expect(response.status).toBe(202);
    await listener.until(() => listener.broadcasts.length === 2, 'two REST broadcasts');
    expect(listener.broadcasts).toEqual([
      { event: 'delta', payload: { seq: 1, text: 'Hel' } },
      { event: 'delta', payload: { seq: 2, text: 'lo' } },
    ]);
  });

  it('refuses a missing key (401) and a malformed batch (422) with hosted shapes', async () => {
    const noKey = await fetch(`${stack.apiUrl}/realtime/v1/api/broadcast`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ message: 'Unauthorized' });
    const bad = await restBroadcast(stack.keys.secretKey, { messages: [{ topic: 'x', event: 'e' }] });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ errors: { messages: [{ payload: expect.any(Array) }] } });
    const empty = await restBroadcast(stack.keys.secretKey, {});
    expect(empty.status).toBe(422);
  });

  it('delivers private messages from the service role; drops a user’s private send to a topic its policies refuse', async () => {
    const owner = await signedIn(stack, clients);
    const other = await signedIn(stack, clients);
    const name = `rt-own:${owner.user.id}`;
    const listener = await join(owner.client, name, { private: true });
    const publicTwin = await join(anonClient(), name);
    const token = (await other.client.auth.getSession()).data.session!.access_token;
    const refused = await restBroadcast(stack.keys.publishableKey, { messages: [{ topic: name, event: 'x', payload: { from: 'other' }, private: true }] }, token);
    expect(refused.status).toBe(202); // hosted answers 202 and drops what the policies refuse
    const ownerToken = (await owner.client.auth.getSession()).data.session!.access_token;
    await restBroadcast(stack.keys.publishableKey, { messages: [{ topic: name, event: 'x', payload: { from: 'owner' }, private: true }] }, ownerToken);
    await restBroadcast(stack.keys.secretKey, { messages: [{ topic: name, event: 'x', payload: { from: 'service' }, private: true }] });
    await listener.until(() => listener.broadcasts.length === 2, 'owner and service broadcasts');
    expect(listener.broadcasts.map((b) => b.payload.from)).toEqual(['owner', 'service']);
    expect(publicTwin.broadcasts).toEqual([]); // the public channel of the same name is another topic
  });

  it('channel.httpSend() and an unjoined channel’s send() go over REST', async () => {
    const name = room();
    const listener = await join(anonClient(), name);
    const sender = anonClient().channel(name);
    await expect(sender.httpSend('via-http', { a: 1 })).resolves.toEqual({ success: true });
    expect(await sender.send({ type: 'broadcast', event: 'fallback', payload: { b: 2 } })).toBe('ok');
    await listener.until(() => listener.broadcasts.length === 2, 'REST broadcasts');
    expect(listener.broadcasts).toEqual([
      { event: 'via-http', payload: { a: 1 } },
      { event: 'fallback', payload: { b: 2 } },
    ]);
  });
});

describe('broadcast from the database', () => {
  it('realtime.send() reaches private subscribers through their policies, with meta.id', async () => {
    const owner = await signedIn(stack, clients);
    const name = `rt-own:${owner.user.id}`;
    const listener = await join(owner.client, name, { private: true });
    await stack.db.sql`select realtime.send(${stack.db.sql.json({ text: 'from db' })}, 'db-event', ${name}, true)`;
    await listener.until(() => listener.broadcasts.length === 1, 'database broadcast');
    expect(listener.broadcasts[0].event).toBe('db-event');
    expect(listener.broadcasts[0].payload).toMatchObject({ text: 'from db', id: expect.any(String) });
  });

  it('a rolled-back realtime.send() sends nothing', async () => {
    const name = room();
    const listener = await join(anonClient(), name);
    await stack.db.sql
      .begin(async (tx) => {
        await tx`select realtime.send(${tx.json({ n: 1 })}, 'gone', ${name}, false)`;
        throw new Error('rollback');
      })
      .catch(() => {});
    await stack.db.sql`select realtime.send(${stack.db.sql.json({ n: 2 })}, 'kept', ${name}, false)`;
    await listener.until(() => listener.broadcasts.length >= 1, 'database broadcast');
    expect(listener.broadcasts.map((b) => b.event)).toEqual(['kept']);
  });

  // Audit F9: the v2 frame's encoding error escaped the replication stream's handler, which
  // restarted on that commit for ever: no change or database broadcast reached anyone again.
  it('one with a 256-byte event reaches v1 clients, not v2 ones (hosted’s V2Serializer refuses it), and stops nothing behind it', async () => {
    const name = room();
    const v2 = await join(anonClient(), name);
    const v1 = await connectRaw(stack, stack.keys.publishableKey, '1.0.0');
    v1.send({ join_ref: '1', ref: '1', topic: `realtime:${name}`, event: 'phx_join', payload: { config: {} } });
    await v1.next(v1Event('phx_reply'));
    const owner = await signedIn(stack, clients);
    await owner.client.realtime.setAuth((await owner.client.auth.getSession()).data.session!.access_token);
    const session = await createSession(stack.db.sql, owner.user.id);
    const rows = await record(owner.client, { table: 'messages', event: 'INSERT', filter: `session_id=eq.${session}` });

    await stack.db.sql`select realtime.send(${stack.db.sql.json({ n: 1 })}, ${'e'.repeat(256)}, ${name}, false)`;
    await stack.db.sql`select realtime.send(${stack.db.sql.json({ n: 2 })}, 'after', ${name}, false)`;
    await insertMessage(stack.db.sql, session, owner.user.id, 'after');
    await rows.waitFor((c) => contentOf(c) === 'after');
    await v2.until(() => v2.broadcasts.length === 1, 'the broadcast after the long one');
    expect(v2.broadcasts.map((b) => b.event)).toEqual(['after']);
    const long = (await v1.next(v1Event('broadcast'))) as unknown as { payload: { event: string } };
    expect(long.payload.event).toBe('e'.repeat(256));
    expect(stack.recentLog().filter((l) => l.includes('replication stream failed'))).toEqual([]);
    expect(stack.recentLog().join('\n')).toContain('not sent to v2 clients: broadcast header field too long: event must be at most 255 bytes');
    v1.ws.terminate();

    // Over REST, the same frame for a 300-byte topic: 202 (it was a 500), and the rest still flows.
    const topic = 't'.repeat(300);
    const far = await join(anonClient(), topic);
    const bytes = await fetch(`${stack.apiUrl}/realtime/v1/api/broadcast/${topic}/events/raw`, {
      method: 'POST', headers: { apikey: stack.keys.secretKey, 'Content-Type': 'application/octet-stream' }, body: new Uint8Array([1, 2, 3]),
    });
    expect(bytes.status).toBe(202);
    expect((await restBroadcast(stack.keys.secretKey, { messages: [{ topic, event: 'json', payload: { ok: true } }] })).status).toBe(202);
    await far.until(() => far.broadcasts.length === 1, 'the JSON broadcast on the long topic');
    expect(far.broadcasts).toEqual([{ event: 'json', payload: { ok: true } }]);
  });
});

describe('binary broadcast', () => {
  it('httpSend() with bytes reaches v2 clients as an ArrayBuffer payload', async () => {
    const name = room();
    const listener = await join(anonClient(), name);
    const sender = anonClient().channel(name);
    await expect(sender.httpSend('bytes', new Uint8Array([1, 2, 250]))).resolves.toEqual({ success: true });
    await listener.until(() => listener.broadcasts.length === 1, 'the binary broadcast');
    expect(listener.broadcasts[0].event).toBe('bytes');
    expect([...new Uint8Array(listener.broadcasts[0].payload as unknown as ArrayBuffer)]).toEqual([1, 2, 250]);
  });
});

describe('malformed REST requests', () => {
  it('are answered 4xx, never 5xx', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${stack.apiUrl}/realtime/v1/api${path}`, { method: 'POST', headers: { apikey: stack.keys.secretKey, 'Content-Type': 'application/json', ...headers }, body });
    const statuses = [
      (await post('/broadcast', 'not json')).status,
      (await post('/broadcast', JSON.stringify({ messages: 'x' }))).status,
      (await post('/broadcast', JSON.stringify({ messages: [1, null, 'x'] }))).status,
      (await post('/broadcast', JSON.stringify({ messages: [{ topic: 1, event: 'e', payload: {} }] }))).status,
      (await post('/broadcast', JSON.stringify({ messages: [{ topic: 't', event: 'e', payload: [] }] }))).status,
      (await post('/broadcast', JSON.stringify({ messages: [{ topic: 't', event: 'e', payload: {}, private: 'yes' }] }))).status,
      (await post('/broadcast/%E0%A4%A/events/x', '{}')).status,
      (await post('/broadcast/t/events/x', '[1]')).status,
      (await post('/broadcast/t/events/x', '', { 'Content-Type': 'application/octet-stream' })).status,
      (await post('/nothing', '{}')).status,
      (await fetch(`${stack.apiUrl}/realtime/v1/api/broadcast`, { headers: { apikey: stack.keys.secretKey } })).status,
      (await post('/broadcast', '{}', { apikey: 'not-a-key' })).status,
    ];
    expect(statuses).toEqual([400, 422, 422, 422, 422, 422, 404, 422, 422, 404, 404, 401]);
  });
});
