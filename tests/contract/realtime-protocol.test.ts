/**
 * Realtime wire protocol details that supabase-js relies on but does not expose
 * (https://supabase.com/docs/guides/realtime/protocol), checked frame by frame with a raw WebSocket through the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signAccessToken } from '../../local/src/keys/index.ts';
import { createAuthUser } from '../helpers/actors.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { connectRaw, createSession, insertMessage, is, realtimeSocketUrl, type Frame, type Raw } from './realtime-helpers.ts';

let stack: TestStack;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await stack?.stop();
});

const url = (apikey: string | null, vsn?: string) => realtimeSocketUrl(stack, apikey, vsn);

async function connect(apikey: string, vsn?: string): Promise<Raw> {
  const raw = await connectRaw(stack, apikey, vsn);
  sockets.push(raw.ws);
  return raw;
}

async function upgradeStatus(address: string): Promise<number> {
  const ws = new WebSocket(address);
  return await new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => {});
  });
}

describe('handshake', () => {
  it('refuses a missing or invalid key with 401', async () => {
    expect(await upgradeStatus(url(null))).toBe(401);
    expect(await upgradeStatus(url('not-a-jwt'))).toBe(401);
    const expired = await signAccessToken(stack.keys, { sub: crypto.randomUUID() }, { expiresInSeconds: -10 });
    expect(await upgradeStatus(url(expired))).toBe(401);
  });

  it('answers heartbeats with the same ref', async () => {
    const raw = await connect(stack.keys.publishableKey);
    raw.send([null, '7', 'phoenix', 'heartbeat', {}]);
    expect(await raw.next(is('phoenix', 'phx_reply'))).toEqual([null, '7', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
  });

  it('speaks v1 JSON objects when asked', async () => {
    const raw = await connect(stack.keys.publishableKey, '1.0.0');
    raw.send({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '3', join_ref: null });
    const reply = await raw.next((f) => !Array.isArray(f) && 'event' in f && f.event === 'phx_reply');
    expect(reply).toMatchObject({ topic: 'phoenix', ref: '3', payload: { status: 'ok' } });
  });
});

describe('channels', () => {
  const changes = [
    { event: 'INSERT', schema: 'public', table: 'messages' },
    { event: '*', schema: 'public', table: 'chat_sessions', filter: 'title=eq.x' },
  ];

  it('echoes the bindings in order with stable integer ids, then confirms', async () => {
    const raw = await connect(stack.keys.secretKey);
    raw.send(['1', '1', 'realtime:a', 'phx_join', { config: { postgres_changes: changes } }]);
    const reply = (await raw.next(is('realtime:a', 'phx_reply'))) as unknown[];
    const echoed = (reply[4] as { response: { postgres_changes: Record<string, unknown>[] } }).response.postgres_changes;
    expect(echoed.map(({ id: _id, ...rest }) => rest)).toEqual(changes);
    expect(echoed.every((e) => Number.isInteger(e.id))).toBe(true);
    expect(await raw.next(is('realtime:a', 'system'))).toEqual([
      '1', null, 'realtime:a', 'system',
      { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: 'a' },
    ]);
    raw.send(['2', '2', 'realtime:b', 'phx_join', { config: { postgres_changes: changes } }]);
    const again = (await raw.next(is('realtime:b', 'phx_reply'))) as unknown[];
    expect((again[4] as { response: { postgres_changes: unknown } }).response.postgres_changes).toEqual(echoed);
  });

  it('answers phx_leave, then closes with the join ref', async () => {
    const raw = await connect(stack.keys.publishableKey);
    raw.send(['4', '4', 'realtime:leave', 'phx_join', { config: {} }]);
    await raw.next(is('realtime:leave', 'phx_reply'));
    raw.send(['4', '5', 'realtime:leave', 'phx_leave', {}]);
    expect(await raw.next(is('realtime:leave', 'phx_reply'))).toEqual(['4', '5', 'realtime:leave', 'phx_reply', { status: 'ok', response: {} }]);
    expect(await raw.next(is('realtime:leave', 'phx_close'))).toEqual(['4', '4', 'realtime:leave', 'phx_close', {}]);
  });

  it('closes the channel on an invalid access_token push', async () => {
    const raw = await connect(stack.keys.publishableKey);
    raw.send(['1', '1', 'realtime:tok', 'phx_join', { config: {} }]);
    await raw.next(is('realtime:tok', 'phx_reply'));
    raw.send(['1', '2', 'realtime:tok', 'access_token', { access_token: 'garbage.token.here' }]);
    const system = (await raw.next(is('realtime:tok', 'system'))) as unknown[];
    expect(system[4]).toMatchObject({ extension: 'system', status: 'error', channel: 'tok' });
    expect(await raw.next(is('realtime:tok', 'phx_close'))).toEqual(['1', '1', 'realtime:tok', 'phx_close', {}]);
  });

  it('closes the channel when its token expires', async () => {
    const raw = await connect(stack.keys.publishableKey);
    const token = await signAccessToken(stack.keys, { sub: crypto.randomUUID() }, { expiresInSeconds: 2 });
    raw.send(['1', '1', 'realtime:exp', 'phx_join', { config: {}, access_token: token }]);
    expect(((await raw.next(is('realtime:exp', 'phx_reply'))) as unknown[])[4]).toMatchObject({ status: 'ok' });
    const system = (await raw.next(is('realtime:exp', 'system'))) as unknown[];
    expect(system[4]).toMatchObject({ extension: 'system', status: 'error', message: expect.stringMatching(/^Token has expired/) });
    await raw.next(is('realtime:exp', 'phx_close'));
  });

  it('refuses a join whose own token is invalid', async () => {
    const raw = await connect(stack.keys.publishableKey);
    raw.send(['1', '1', 'realtime:bad', 'phx_join', { config: {}, access_token: 'x.y.z' }]);
    expect(((await raw.next(is('realtime:bad', 'phx_reply'))) as unknown[])[4]).toMatchObject({ status: 'error' });
  });

  it('relays a binary broadcast to the other subscribers of the topic', async () => {
    const [one, two] = [await connect(stack.keys.publishableKey), await connect(stack.keys.publishableKey)];
    for (const raw of [one, two]) {
      raw.send(['1', '1', 'realtime:room', 'phx_join', { config: { broadcast: { self: false } } }]);
      await raw.next(is('realtime:room', 'phx_reply'));
    }
    one.send(Buffer.from([0x09, 0x01])); // an unknown binary frame is tolerated
    const head = Buffer.from([3, 1, 1, 13, 4, 0, 1]);
    one.send(Buffer.concat([head, Buffer.from('12realtime:roomping{"x":1}')]));
    const frame = (await two.next((f) => f instanceof Buffer)) as Buffer;
    expect(frame[0]).toBe(4);
    expect(frame.subarray(5).toString()).toBe('realtime:roomping{"x":1}');
  });
});

describe('who sees a change', () => {
  it('gives the service role every row and the anonymous key only an Unauthorized notice', async () => {
    const user = await createAuthUser(stack.db.sql);
    const session = await createSession(stack.db.sql, user.id);
    const [service, anon] = [await connect(stack.keys.secretKey), await connect(stack.keys.publishableKey)];
    for (const raw of [service, anon]) {
      raw.send(['1', '1', 'realtime:all', 'phx_join', { config: { postgres_changes: [{ event: 'INSERT', schema: 'public', table: 'messages' }] } }]);
      await raw.next(is('realtime:all', 'system'));
    }
    const id = await insertMessage(stack.db.sql, session, user.id, 'seen by service');
    const full = (await service.next(is('realtime:all', 'postgres_changes'))) as unknown[];
    expect(full.slice(0, 2)).toEqual([null, null]);
    expect(full[4]).toMatchObject({ data: { type: 'INSERT', record: { id, content: 'seen by service' }, errors: null } });
    const notice = (await anon.next(is('realtime:all', 'postgres_changes'))) as unknown[];
    expect(notice[4]).toMatchObject({ data: { type: 'INSERT', errors: ['Error 401: Unauthorized'] } });
    expect(notice[4]).not.toHaveProperty('data.record');
  });

  it('checks later changes with the claims of a pushed access_token', async () => {
    const [a, b] = [await createAuthUser(stack.db.sql), await createAuthUser(stack.db.sql)];
    const [sessionA, sessionB] = [await createSession(stack.db.sql, a.id), await createSession(stack.db.sql, b.id)];
    const raw = await connect(stack.keys.publishableKey);
    const tokenA = await signAccessToken(stack.keys, { sub: a.id, email: a.email });
    raw.send(['1', '1', 'realtime:switch', 'phx_join', {
      config: { postgres_changes: [{ event: 'INSERT', schema: 'public', table: 'messages' }] },
      access_token: tokenA,
    }]);
    await raw.next(is('realtime:switch', 'system'));
    raw.send(['1', '2', 'realtime:switch', 'access_token', { access_token: await signAccessToken(stack.keys, { sub: b.id, email: b.email }) }]);
    // Pushes get no reply; a heartbeat round trip shows the push was handled (frames are handled in order).
    raw.send([null, '3', 'phoenix', 'heartbeat', {}]);
    await raw.next(is('phoenix', 'phx_reply'));
    await insertMessage(stack.db.sql, sessionA, a.id, 'for A only');
    const forB = await insertMessage(stack.db.sql, sessionB, b.id, 'for B');
    const change = (await raw.next(is('realtime:switch', 'postgres_changes'))) as unknown[];
    expect(change[4]).toMatchObject({ data: { record: { id: forB } } });
  });
});
