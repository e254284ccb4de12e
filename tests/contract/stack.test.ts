/**
 * The whole local stack as a user's own script sees it (issue 3, "done when"): a plain Node
 * program with the official supabase-js signs up, subscribes to its chat sessions, creates
 * one through the real `api` function, and receives the insert over Realtime — all through
 * the one gateway URL and the publishable key.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT } from '../../local/src/paths.ts';
import { startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const SCRIPT = `
  import { createClient } from '@supabase/supabase-js';
  import WebSocket from 'ws';
  const supabase = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_PUBLISHABLE_KEY, {
    realtime: { transport: WebSocket },
  });
  const { data: auth, error } = await supabase.auth.signUp({ email: process.env.EMAIL, password: process.env.PASSWORD });
  if (error) throw error;

  let deliver, subscribed;
  const received = new Promise((resolve) => (deliver = resolve));
  const ready = new Promise((resolve) => (subscribed = resolve));
  supabase
    .channel('my-sessions')
    .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'chat_sessions' }, (change) => deliver(change.new))
    .subscribe((status) => { if (status === 'SUBSCRIBED') subscribed(); });
  await ready;

  const created = await supabase.functions.invoke('api/sessions', { body: { title: 'From a plain script' } });
  if (created.error) throw new Error('create failed: ' + (await created.error.context.text()));
  const row = await received;
  console.log(JSON.stringify({ userId: auth.user.id, createdId: created.data.id, received: row }));
  process.exit(0);
`;

it('a plain Node script signs up, subscribes and receives the insert it caused through the API', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: ROOT,
    timeout: 90_000,
    env: {
      ...process.env,
      SUPABASE_URL: stack.apiUrl,
      SUPABASE_PUBLISHABLE_KEY: stack.keys.publishableKey,
      EMAIL: testEmail('script'),
      PASSWORD: TEST_PASSWORD,
    },
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  expect(result.received.id).toBe(result.createdId);
  expect(result.received.user_id).toBe(result.userId);
  expect(result.received.title).toBe('From a plain script');
}, 120_000);

it("leaves a function's CORS allow-list intact: the web origin is allowed, another origin is not", async () => {
  const ask = (origin: string) =>
    fetch(`${stack.apiUrl}/functions/v1/api/health`, { headers: { Origin: origin, apikey: stack.keys.publishableKey } });
  const allowed = await ask('http://localhost:3000');
  expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  const other = await ask('http://evil.example');
  expect(other.status).toBe(200);
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});
