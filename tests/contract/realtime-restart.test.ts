/**
 * Realtime survives a Postgres restart (issue 3, item 6): a change committed while a
 * subscriber is joined is delivered exactly once, even if Postgres stops right after the
 * commit. Needs a server it may restart, so it starts its own embedded Postgres.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../local/src/db/embedded.ts';
import { generateKeys } from '../../local/src/keys/index.ts';
import { getFreePort } from '../../local/src/ports.ts';
import { startStack, type Stack } from '../../local/src/stack.ts';
import { createAuthUser } from '../helpers/actors.ts';
import { TEST_PASSWORD, testEmail } from '../helpers/stack.ts';
import { createSession, idOf, insertMessage, record } from './realtime-helpers.ts';

let dir: string;
let server: EmbeddedDatabase;
let stack: Stack;
let sql: Sql;
let client: SupabaseClient;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-realtime-restart-'));
  server = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: await getFreePort() });
  stack = await startStack({ databaseUrl: server.url, apiPort: await getFreePort(), webPort: false, keys: await generateKeys(), log: () => {} });
  sql = postgres(server.url, { max: 2, onnotice: () => {} });
  client = createClient(stack.apiUrl, stack.keys.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  });
});

afterAll(async () => {
  await client?.removeAllChannels();
  await sql?.end({ timeout: 5 });
  await stack?.stop();
  await server?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

it('loses nothing and duplicates nothing across a Postgres restart', async () => {
  const user = await createAuthUser(sql, { email: testEmail('restart'), password: TEST_PASSWORD });
  const { error } = await client.auth.signInWithPassword({ email: user.email, password: TEST_PASSWORD });
  expect(error).toBeNull();
  const session = await createSession(sql, user.id);
  const sub = await record(client, { event: 'INSERT', filter: `session_id=eq.${session}` });

  const first = await insertMessage(sql, session, user.id, 'before');
  await sub.waitFor((c) => idOf(c) === first);
  // Committed, then Postgres goes down before (or while) the change is dispatched.
  const during = await insertMessage(sql, session, user.id, 'at the restart');
  await server.restart();
  const after = await insertMessage(sql, session, user.id, 'after');
  await sub.waitFor((c) => idOf(c) === after, 30_000);
  // A last row as a barrier: everything committed before it has been dispatched.
  const barrier = await insertMessage(sql, session, user.id, 'barrier');
  await sub.waitFor((c) => idOf(c) === barrier, 30_000);

  expect(sub.changes.map(idOf)).toEqual([first, during, after, barrier]);
}, 90_000);
