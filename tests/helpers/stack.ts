/**
 * The local stack for contract tests: a fresh database (cloned from the migrated template),
 * fresh in-memory keys, the gateway on a free port, Storage files in a temp folder, no web app.
 * Auth emails keep config.toml's subjects but carry GoTrue's own /verify link and the code
 * (tests/fixtures/auth-email-stock-link.html): these tests exercise Auth's endpoints, and the
 * app's templates link to the web app, which is not started here.
 *
 *   const stack = await startTestStack();            // in beforeAll
 *   const supabase = stack.client();                 // official supabase-js, publishable key
 *   await stack.stop();                              // in afterAll: stops it and drops the DB
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EMAIL_TEMPLATES, loadProjectConfig } from '../../local/src/config.ts';
import { generateKeys } from '../../local/src/keys/index.ts';
import { ROOT } from '../../local/src/paths.ts';
import { getFreePort } from '../../local/src/ports.ts';
import { startStack, type Stack, type StackOptions } from '../../local/src/stack.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { recentLines } from './recent-lines.ts';

/** Pass as `functionsDir` when a test needs no functions: no Deno process is prepared. */
export const NO_FUNCTIONS = path.join(ROOT, 'tests', 'fixtures', 'no-functions');

export interface TestStack extends Stack {
  db: TestDatabase;
  /** Where this stack's Storage keeps object bytes (removed by stop()). */
  storageDir: string;
  /** A supabase-js client (Node 20: `ws` transport) with the publishable key unless another is given. */
  client(key?: string, options?: { fetch?: typeof fetch }): SupabaseClient;
  /** An admin client built with the secret key. */
  admin(): SupabaseClient;
  /** The stack's last log lines (at most 300, timestamped), for a failed test to print. */
  recentLog(): string[];
}

const RECENT_LOG_LINES = 300;
const STOCK_LINK_BODY = path.join(ROOT, 'tests', 'fixtures', 'auth-email-stock-link.html');

/** config.toml's templates with the stock-link body for every mail that carries a link. */
function stockLinkTemplates() {
  const project = loadProjectConfig().auth.email.template;
  return Object.fromEntries(EMAIL_TEMPLATES.map((name) =>
    [name, name === 'reauthentication' ? project[name] ?? {} : { subject: project[name]?.subject, content_path: STOCK_LINK_BODY }]));
}

export async function startTestStack(overrides: Partial<StackOptions> = {}): Promise<TestStack> {
  const db = await createTestDatabase();
  const storageDir = overrides.storageDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-storage-')));
  // The stack's log goes nowhere unless a test fails and asks for it (recentLog).
  const recent = recentLines(RECENT_LOG_LINES);
  let stack: Stack;
  try {
    stack = await startStack({
      databaseUrl: db.url,
      apiPort: await getFreePort(),
      webPort: false,
      keys: await generateKeys(),
      log: recent.add,
      storageDir,
      ...overrides,
      auth: { ...overrides.auth, email: { template: stockLinkTemplates(), ...overrides.auth?.email } },
    });
  } catch (error) {
    await db.drop();
    await fs.rm(storageDir, { recursive: true, force: true });
    throw error;
  }
  const client = (key = stack.keys.publishableKey, options: { fetch?: typeof fetch } = {}) =>
    createClient(stack.apiUrl, key, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: WebSocket as never },
      global: options.fetch ? { fetch: options.fetch } : {},
    });
  return {
    ...stack,
    db,
    storageDir,
    client,
    admin: () => client(stack.keys.secretKey),
    recentLog: recent.lines,
    async stop() {
      await stack.stop();
      await db.drop();
      if (!overrides.storageDir) await fs.rm(storageDir, { recursive: true, force: true });
    },
  };
}

/** A unique, valid email for a test user. */
export function testEmail(label = 'user'): string {
  return `${label}-${crypto.randomUUID().slice(0, 12)}@example.test`;
}

/** Satisfies config.toml's policy (8+ characters, letters and digits). */
export const TEST_PASSWORD = 'correct-horse-42';

/**
 * Signs in through the web app's form action (as a browser posting the login form), with extra
 * request `headers` (a client address); what the page answered: signed in, wrong password,
 * rate limited, or `other <status>`.
 */
export async function signInThroughWeb(webUrl: string, email: string, password: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${webUrl}/login?/signin`, {
    method: 'POST', redirect: 'manual',
    headers: { origin: webUrl, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ email, password }),
  });
  const text = await res.text();
  if (res.status === 303) return 'signed in';
  if (/rate limit/i.test(text)) return 'rate limited';
  if (/Invalid login credentials/.test(text)) return 'wrong password';
  return `other ${res.status}`;
}
