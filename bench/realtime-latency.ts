/**
 * Realtime latency: insert → supabase-js callback, over N inserts (default 200), on a local
 * stack with its own embedded Postgres. Baseline measured in the same run: the insert's own
 * round trip (commit acknowledged to the writer), so the ratio says what Realtime adds.
 *
 *   npx tsx bench/realtime-latency.ts [count]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import WebSocket from 'ws';
import { startEmbeddedPostgres } from '../local/src/db/embedded.ts';
import { generateKeys } from '../local/src/keys/index.ts';
import { getFreePort } from '../local/src/ports.ts';
import { startStack } from '../local/src/stack.ts';

const count = Number(process.argv[2] ?? 200);
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-bench-realtime-'));
const server = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: await getFreePort() });
let t = performance.now();
const stack = await startStack({ databaseUrl: server.url, apiPort: await getFreePort(), webPort: false, keys: await generateKeys(), log: () => {} });
const stackStartMs = performance.now() - t;
const sql = postgres(server.url, { max: 1, onnotice: () => {} });

try {
  const email = `bench-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const password = 'correct-horse-42';
  const [{ id: userId }] = await sql<{ id: string }[]>`
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
      confirmation_token, recovery_token, email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
    values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', ${email},
      extensions.crypt(${password}, extensions.gen_salt('bf', 4)), now(), '', '', '', '',
      '{"provider":"email","providers":["email"]}', '{}', now(), now())
    returning id`;
  const [{ id: sessionId }] = await sql<{ id: string }[]>`insert into public.chat_sessions (user_id) values (${userId}) returning id`;

  const client = createClient(stack.apiUrl, stack.keys.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  const { error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw error;

  const arrivals = new Map<string, number>();
  let wake: (() => void) | null = null;
  t = performance.now();
  await new Promise<void>((resolve, reject) => {
    client
      .channel('bench')
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'messages', filter: `session_id=eq.${sessionId}` }, (change) => {
        arrivals.set(String((change.new as { content?: unknown }).content), performance.now());
        wake?.();
      })
      .subscribe((status, err) => (status === 'SUBSCRIBED' ? resolve() : status !== 'CLOSED' && err ? reject(err) : undefined));
  });
  const subscribeMs = performance.now() - t;

  const latencies: number[] = [];
  const commits: number[] = [];
  for (let i = 0; i < count; i++) {
    const content = `m${i}`;
    const sent = performance.now();
    await sql`insert into public.messages (session_id, user_id, sender, content) values (${sessionId}, ${userId}, 'user', ${content})`;
    commits.push(performance.now() - sent);
    const deadline = setTimeout(() => wake?.(), 10_000);
    while (!arrivals.has(content)) {
      await new Promise<void>((resolve) => (wake = resolve));
      if (!arrivals.has(content) && performance.now() - sent >= 10_000) throw new Error(`insert ${i} never reached the callback`);
    }
    clearTimeout(deadline);
    latencies.push(arrivals.get(content)! - sent);
  }
  await client.removeAllChannels();
  // Otherwise realtime-js keeps reconnecting to the stopped stack and the process never exits.
  client.realtime.disconnect();

  const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`stack start (bootstrap + migrations on a fresh database + services): ${fmt(stackStartMs)}`);
  console.log(`subscribe (join + SUBSCRIBED): ${fmt(subscribeMs)}`);
  console.log(`insert → callback over ${count} inserts: p50 ${fmt(pct(latencies, 50))}, p95 ${fmt(pct(latencies, 95))}, max ${fmt(Math.max(...latencies))}`);
  console.log(`baseline insert round trip: p50 ${fmt(pct(commits, 50))}, p95 ${fmt(pct(commits, 95))}`);
  console.log(`ratio (p50 latency / p50 insert round trip): ${(pct(latencies, 50) / pct(commits, 50)).toFixed(1)}x`);
} finally {
  await sql.end({ timeout: 5 });
  await stack.stop();
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
}
