/**
 * The API test harness: the real Hono app (as index.ts builds it) against a fresh database,
 * with a fake OpenAI-compatible provider and users signed in with real ES256 tokens.
 *
 *   const api = await createApiHarness();          // beforeAll
 *   const alice = await api.createUser();
 *   const res = await alice.request('PUT', '/api/credentials/openai', { api_key: 'sk-test-1234' });
 *   await api.close();                              // afterAll
 *
 * Paths may be given with or without the `/api` prefix (`/api-keys` is `/api/api-keys`).
 * `api.logs` holds every structured log entry the app emitted (for "no secret in logs"
 * assertions).
 */
import { expect } from 'vitest';
import { createApp, type App } from '../../supabase/functions/api/app.ts';
import { loadConfig, type Config } from '../../supabase/functions/api/config.ts';
import { createDb, type Db } from '../../supabase/functions/api/lib/db.ts';
import { functionsJwks, generateKeys, signAccessToken, type StackKeys } from '../../local/src/keys/index.ts';
import { createAuthUser, type CreateAuthUserOptions } from './actors.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
export { onceStored } from './stored.ts';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from '../../local/src/demo-provider.ts';

export interface ApiUser {
  id: string;
  email: string;
  token: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

export interface ApiHarness {
  app: App;
  config: Config;
  db: TestDatabase;
  /** The API's own Db (owner pool), e.g. to call privileged helpers in a test. */
  apiDb: Db;
  keys: StackKeys;
  fakeProvider: FakeProvider;
  logs: Record<string, unknown>[];
  /** Every outbound fetch the app made (URL and method). */
  fetches: { url: string; method: string }[];
  createUser(options?: CreateAuthUserOptions): Promise<ApiUser>;
  /** An unauthenticated request (optionally with a raw Authorization header). */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export interface ApiHarnessOptions {
  /** Extra or replacement env entries for loadConfig. */
  env?: Record<string, string | undefined>;
  provider?: FakeProviderOptions;
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
}

export async function createApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const keys = await generateKeys();
  const fakeProvider = await startFakeProvider(options.provider);
  const config = loadConfig({
    SUPABASE_URL: 'http://127.0.0.1:9',
    SUPABASE_DB_URL: db.url,
    SUPABASE_JWKS: JSON.stringify(functionsJwks(keys)),
    CREDENTIALS_ENCRYPTION_KEYS: keys.credentialsEncryptionKeys,
    // The fake provider listens on loopback, as Ollama does for the local stack.
    ALLOW_PRIVATE_PROVIDER_URLS: 'true',
    CORS_ORIGINS: 'http://localhost:5173',
    DEMO_PROVIDER_URL: fakeProvider.url,
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  const fetches: { url: string; method: string }[] = [];
  const observedFetch: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    fetches.push({ url, method: init?.method ?? (input instanceof Request ? input.method : 'GET') });
    return await fetch(input, init);
  };
  const apiDb = createDb(db.url, { max: 4 });
  const app = createApp(config, { db: apiDb, fetch: observedFetch, log: (entry) => logs.push(entry), lookup: options.lookup });

  const send = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    // Already prefixed only if `/api` is a whole segment: `/api-keys` is a route under it.
    const url = /^\/api(?:[/?#]|$)/.test(path) ? path : `/api${path.startsWith('/') ? '' : '/'}${path}`;
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    return await app.request(url, init);
  };

  return {
    app,
    config,
    db,
    apiDb,
    keys,
    fakeProvider,
    logs,
    fetches,
    async createUser(userOptions = {}) {
      const user = await createAuthUser(db.sql, userOptions);
      const token = await signAccessToken(keys, { sub: user.id, email: user.email, iss: `${config.supabaseUrl}/auth/v1` });
      return {
        ...user,
        token,
        request: (method, path, body, headers = {}) => send(method, path, body, { authorization: `Bearer ${token}`, ...headers }),
      };
    },
    request: (method, path, body, headers = {}) => send(method, path, body, headers),
    async close() {
      await fakeProvider.stop();
      await apiDb.end();
      await db.drop();
    },
  };
}

export interface SseEvent {
  event: string;
  data: any;
  /** The SSE `id:` field, when the event had one. */
  id?: string;
  /** performance.timeOrigin + performance.now() when the client parsed it. */
  at: number;
}

/**
 * Reads an SSE response to the end (or until `stopAfter` returns true, then cancels the
 * body, as a browser tab closing would). Comments come back as event ':' with the text.
 */
export async function readSse(response: Response, stopAfter?: (event: SseEvent) => boolean): Promise<SseEvent[]> {
  const { ServerSentEventParseStream } = await import('deno-std/http/server_sent_event_parse_stream.js');
  if (!response.body) throw new Error('response has no body');
  const reader = response.body.pipeThrough(new ServerSentEventParseStream()).getReader();
  const events: SseEvent[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const message = value as { event?: string; data?: string; comment?: string; id?: string };
    const at = performance.timeOrigin + performance.now();
    const event: SseEvent =
      message.comment !== undefined && message.event === undefined && message.data === undefined
        ? { event: ':', data: message.comment, at }
        : { event: message.event ?? 'message', data: message.data ? JSON.parse(message.data) : null, at, ...(message.id !== undefined ? { id: message.id } : {}) };
    events.push(event);
    if (stopAfter?.(event)) {
      await reader.cancel();
      break;
    }
  }
  return events;
}

/** Polls until fn returns a truthy value (for state written after a stream ends). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Makes `who` a participant of `owner`'s chat as a person would: the owner invites their
 * address (POST /sessions/{id}/members), they accept (POST /invitations/{id}/accept). */
export async function joinGroupChat(owner: ApiUser, who: ApiUser, sessionId: string, role: 'member' | 'viewer' = 'member'): Promise<void> {
  const invited = await owner.request('POST', `/sessions/${sessionId}/members`, { email: who.email, role });
  if (invited.status !== 201) throw new Error(`invite: ${invited.status} ${await invited.text()}`);
  const { id } = (await invited.json()) as { id: string };
  const accepted = await who.request('POST', `/invitations/${id}/accept`);
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${await accepted.text()}`);
}

/** A new chat of `user`'s through POST /sessions (`body`: its title, project…); it must answer 201. */
export async function newSession<T extends { id: string } = { id: string; title: string }>(user: ApiUser, body: Record<string, unknown> = {}): Promise<T> {
  const res = await user.request('POST', '/sessions', body);
  expect(res.status).toBe(201);
  return (await res.json()) as T;
}
