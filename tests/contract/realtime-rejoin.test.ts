/**
 * The web app's channel joining (web/src/lib/realtime-join.ts), run against the local stack
 * with the official client: a private channel the server closes (its read policy no longer
 * lets the user in, re-checked after a private broadcast from the database) is joined again as
 * one fresh channel once the policy lets them in again, and its handlers run once per message;
 * a channel left and joined again at once (a chat view replaced by one of the same chat) joins.
 * Docs: https://supabase.com/docs/guides/realtime/authorization
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinChannel } from '../../web/src/lib/realtime-join.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { printStackLogOnFailure, signedIn } from './realtime-channels.ts';

let stack: TestStack;
printStackLogOnFailure(() => stack);
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  // A topic readable while a row says so: deleting the row takes the user's access away.
  await stack.db.sql.unsafe(`
    create table public.rt_gate (user_id uuid primary key);
    grant select on public.rt_gate to authenticated;
    create policy "rt test: gated topic read" on realtime.messages for select to authenticated
      using (realtime.topic() = 'rt-gate:' || (select auth.uid())::text
             and exists (select 1 from public.rt_gate g where g.user_id = (select auth.uid())));`);
});

afterAll(async () => {
  for (const client of clients) await client.removeAllChannels();
  await stack?.stop();
});

describe('joining a channel as the web app does', () => {
  it('a channel the server closed joins again once, and a message after that is handled once', async () => {
    const { user, client } = await signedIn(stack, clients);
    const { data } = await client.auth.getSession();
    await client.realtime.setAuth(data.session!.access_token);
    await stack.db.sql`insert into public.rt_gate values (${user.id})`;
    const topic = `rt-gate:${user.id}`;
    const send = (n: number) => stack.db.sql`select realtime.send(${stack.db.sql.json({ n })}, 'ping', ${topic}, true)`;

    const reports: string[] = [];
    const received: number[] = [];
    let joins = 0;
    const stop = joinChannel(
      Promise.resolve(client),
      topic,
      { private: true },
      (channel) => channel.on('broadcast', { event: 'ping' }, (message: { payload: { n: number } }) => void received.push(message.payload.n)),
      () => joins++,
      { joined: (name) => reports.push(`joined ${name}`), dropped: (name) => reports.push(`dropped ${name}`), forget: () => {} },
    );
    try {
      await expect.poll(() => joins).toBe(1);
      await send(1);
      await expect.poll(() => received).toEqual([1]);

      // The user's access ends: the server closes the channel (reported once, not once per
      // re-entered leave); it rejoins as soon as the policy lets them in again.
      await stack.db.sql`delete from public.rt_gate`;
      await send(2);
      await expect.poll(() => reports.filter((r) => r.startsWith('dropped')).length).toBe(1);
      await stack.db.sql`insert into public.rt_gate values (${user.id})`;
      await expect.poll(() => joins, { timeout: 20_000 }).toBe(2);
      expect(reports).toEqual([`joined ${topic}`, `dropped ${topic}`, `joined ${topic}`]);
      expect(client.getChannels().map((c) => c.topic)).toEqual([`realtime:${topic}`]);

      await send(3);
      // 2 may or may not arrive (the broadcasts of the transaction that ends the access go out
      // before the channel closes); 1 and 3 arrive, each once.
      await expect.poll(() => received.includes(3)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received.filter((n) => n !== 2)).toEqual([1, 3]);
      expect(received.filter((n) => n === 2).length).toBeLessThanOrEqual(1);
    } finally {
      stop();
    }
  });

  it('a channel left and joined again at once (a view replaced by one of the same chat) joins, and its handlers run', async () => {
    const { user, client } = await signedIn(stack, clients);
    const { data } = await client.auth.getSession();
    await client.realtime.setAuth(data.session!.access_token);
    await stack.db.sql`insert into public.rt_gate values (${user.id}) on conflict do nothing`;
    const topic = `rt-gate:${user.id}`;
    const reporter = { joined: () => {}, dropped: () => {}, forget: () => {} };
    const view = () => {
      const state = { joins: 0, received: [] as number[], stop: () => {} };
      state.stop = joinChannel(
        Promise.resolve(client),
        topic,
        { private: true },
        (channel) => channel.on('broadcast', { event: 'ping' }, (message: { payload: { n: number } }) => void state.received.push(message.payload.n)),
        () => state.joins++,
        reporter,
      );
      return state;
    };
    const first = view();
    await expect.poll(() => first.joins).toBe(1);
    // realtime-js keeps one channel per topic (`channel()` returns the one it has): the second
    // view must get a channel of its own that joins, not the one leaving.
    first.stop();
    const second = view();
    try {
      await expect.poll(() => second.joins).toBe(1);
      await stack.db.sql`select realtime.send(${stack.db.sql.json({ n: 1 })}, 'ping', ${topic}, true)`;
      await expect.poll(() => second.received).toEqual([1]);
      expect(first.received).toEqual([]);
      expect(client.getChannels().map((c) => c.topic)).toEqual([`realtime:${topic}`]);
    } finally {
      second.stop();
    }
  });
});
