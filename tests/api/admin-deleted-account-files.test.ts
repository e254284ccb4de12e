/**
 * An account deleted outside the app — the Auth admin API, as an administrator honouring an
 * erasure request does, or the dashboard — has its Storage objects queued by the trigger on
 * auth.users, with no request of ours to drain them. QA10 #6: they stayed (rows and bytes)
 * until some other user's successful DELETE happened to drain the queue, on a quiet instance
 * for days. Now the next request of anyone, once STORAGE_CLEANUP_INTERVAL_SECONDS has passed,
 * drains it in the background (0 here: after every request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../supabase/functions/api/app.ts';
import { loadConfig } from '../../supabase/functions/api/config.ts';
import { createStorageApiHarness, uploadAs, type StorageApiHarness } from '../helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

describe('an account deleted with the Auth admin API', () => {
  it("loses its files at the next request of anyone, not at some other user's DELETE", async () => {
    const gone = await h.createUser();
    const sent = await uploadAs(gone, 'chat', 'secret.txt', 'a secret', 'text/plain');
    const unsent = await uploadAs(gone, 'chat', 'unsent.txt', 'not sent yet', 'text/plain');
    const chat = await gone.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'read this', attachments: [sent] });
    expect(chat.status).toBe(200);
    await chat.text();
    expect(await h.bucketObjects(`${gone.id}/`)).toEqual([sent, unsent].sort());

    const deleted = await h.stack.admin().auth.admin.deleteUser(gone.id);
    expect(deleted.error).toBeNull();

    const config = loadConfig({ ...h.stack.env, STORAGE_CLEANUP_INTERVAL_SECONDS: '0', LOG_LEVEL: 'silent' });
    const drained: Promise<unknown>[] = [];
    const app = createApp(config, { db: h.apiDb, log: () => {}, waitUntil: (work) => drained.push(work) });
    // Nobody signed in: the health check is the request a quiet instance still gets.
    expect((await app.request('/api/health')).status).toBe(200);
    expect(drained).toHaveLength(1);
    await Promise.all(drained);
    expect(await h.bucketObjects(`${gone.id}/`)).toEqual([]);
    const [queued] = await h.stack.db.sql`select count(*)::int as n from private.storage_cleanup where storage_path like ${`${gone.id}/%`}`;
    expect(queued.n).toBe(0);
  });

  it('drains at most once per interval per instance', async () => {
    const config = loadConfig({ ...h.stack.env, STORAGE_CLEANUP_INTERVAL_SECONDS: '3600', LOG_LEVEL: 'silent' });
    const drained: Promise<unknown>[] = [];
    const app = createApp(config, { db: h.apiDb, log: () => {}, waitUntil: (work) => drained.push(work) });
    for (let i = 0; i < 3; i++) expect((await app.request('/api/health')).status).toBe(200);
    expect(drained).toHaveLength(0);
  });
});
