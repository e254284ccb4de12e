/**
 * The API app (as index.ts builds it) against a local stack whose Storage is real, for tests
 * of attachments and project files: users upload with the official client, the API reads
 * the objects back through /storage/v1 as them, and lifecycle clean-up goes through Storage.
 *
 *   const h = await createStorageApiHarness();
 *   const alice = await h.createUser();
 *   await alice.storage.upload(`${alice.id}/a.md`, '# A', { contentType: 'text/markdown' });
 *   const res = await alice.request('POST', '/projects/…/files', { path: `${alice.id}/a.md` });
 *   await h.close();
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';

type StorageFileApi = ReturnType<SupabaseClient['storage']['from']>;
import { createApp, type App } from '../../supabase/functions/api/app.ts';
import { loadConfig, type Config } from '../../supabase/functions/api/config.ts';
import { createDb, type Db } from '../../supabase/functions/api/lib/db.ts';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { signAccessToken } from '../../local/src/keys/index.ts';
import { createAuthUser } from './actors.ts';
import { NO_FUNCTIONS, startTestStack, type TestStack } from './stack.ts';

export interface StorageApiUser {
  id: string;
  email: string;
  token: string;
  /** The attachments bucket through the official client, as this user. */
  storage: StorageFileApi;
  request(method: string, path: string, body?: unknown): Promise<Response>;
}

/**
 * Uploads into a fresh folder under the user's `chat/` or `projects/` prefix, as the web app
 * does, and returns the object path; a refused upload fails the test.
 */
export async function uploadAs(user: StorageApiUser, folder: 'chat' | 'projects', name: string, body: Buffer | string, contentType: string): Promise<string> {
  const path = `${user.id}/${folder}/${crypto.randomUUID()}/${name}`;
  const { error } = await user.storage.upload(path, body, { contentType });
  if (error) throw new Error(`upload of ${path} refused: ${error.message}`);
  return path;
}

export interface StorageApiHarness {
  stack: TestStack;
  app: App;
  config: Config;
  apiDb: Db;
  /** The fake OpenAI-compatible provider behind the `demo` provider (its requests are recorded). */
  provider: FakeProvider;
  createUser(): Promise<StorageApiUser>;
  /** Every object name in the attachments bucket (read as the superuser). */
  bucketObjects(prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function createStorageApiHarness(): Promise<StorageApiHarness> {
  const stack = await startTestStack({ functionsDir: NO_FUNCTIONS });
  const provider = await startFakeProvider();
  const config = loadConfig({ ...stack.env, DEMO_PROVIDER_URL: provider.url, LOG_LEVEL: 'silent' });
  const apiDb = createDb(stack.dbUrl, { max: 4 });
  const app = createApp(config, { db: apiDb, log: () => {} });
  return {
    stack,
    app,
    config,
    apiDb,
    provider,
    async createUser() {
      const user = await createAuthUser(stack.db.sql);
      const token = await signAccessToken(stack.keys, { sub: user.id, email: user.email, iss: `${stack.apiUrl}/auth/v1` });
      const client = createClient(stack.apiUrl, stack.keys.publishableKey, {
        auth: { persistSession: false, autoRefreshToken: false },
        accessToken: async () => token,
        realtime: { transport: WebSocket as never },
      });
      return {
        ...user,
        token,
        storage: client.storage.from('attachments'),
        request: async (method, path, body) => await app.request(`/api${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      };
    },
    async bucketObjects(prefix = '') {
      const rows = await stack.db.sql<{ name: string }[]>`
        select name from storage.objects where bucket_id = 'attachments' and name like ${`${prefix}%`} order by name`;
      return rows.map((r) => r.name);
    },
    async close() {
      await apiDb.end();
      await provider.stop();
      await stack.stop();
    },
  };
}
