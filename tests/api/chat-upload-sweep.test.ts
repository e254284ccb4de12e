/**
 * Orphaned chat uploads (issue 12: "nothing half-uploaded is left behind", no orphans). The
 * browser uploads a chat file before the message is sent; when the send is refused (or the
 * file is abandoned) nothing refers to the object. The API sweeps the sender's own folder when
 * they send (private.queue_orphan_chat_uploads queues, the Storage cleanup drain removes
 * through /storage/v1): objects older than CHAT_UPLOAD_GRACE_SECONDS — 0 here — that no
 * message refers to go, row and bytes; referenced files and other users' files stay. The quota
 * does not count such orphans.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../supabase/functions/api/app.ts';
import type { Config } from '../../supabase/functions/api/config.ts';
import { makePng } from '../fixtures/files.ts';
import { filesOnDisk, versionOf } from '../contract/storage-helpers.ts';
import { readSse } from '../helpers/api.ts';
import { createStorageApiHarness, uploadAs, type StorageApiHarness, type StorageApiUser } from '../helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

/** An app like the harness's, with its own storage settings; `settled()` waits for its background work (sweeps, turns). */
function appWith(storage: Partial<Config['storage']>) {
  const pending: Promise<unknown>[] = [];
  const app: App = createApp({ ...h.config, storage: { ...h.config.storage, ...storage } }, {
    db: h.apiDb, log: () => {}, waitUntil: (work) => void pending.push(work),
  });
  return {
    async chat(user: StorageApiUser, body: Record<string, unknown>) {
      const res = await app.request('/api/chat', {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'demo', model: 'demo-model', ...body }),
      });
      if (res.status !== 200) return { status: res.status, error: (await res.json()).error as { code: string }, meta: null };
      const events = await readSse(res);
      return { status: 200, error: null, meta: events.find((e) => e.event === 'meta')!.data };
    },
    async request(user: StorageApiUser, method: string, path: string, body?: unknown) {
      return await app.request(`/api${path}`, {
        method,
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
    async settled() {
      while (pending.length > 0) await Promise.allSettled(pending.splice(0));
    },
  };
}

const upload = (user: StorageApiUser, name: string, body: Buffer | string, contentType: string) => uploadAs(user, 'chat', name, body, contentType);

/** What the user sees in the upload's folder through the official client. */
async function listed(user: StorageApiUser, path: string): Promise<string[]> {
  const folder = path.split('/').slice(0, -1).join('/');
  const { data, error } = await user.storage.list(folder);
  expect(error).toBeNull();
  return (data ?? []).map((o) => `${folder}/${o.name}`);
}

describe('sweeping orphaned chat uploads', () => {
  it('a refused send leaves its file for a retry; the next sweep removes the row and the bytes', async () => {
    const api = appWith({ orphanGraceSeconds: 0, sweepIntervalSeconds: 0 });
    const alice = await h.createUser();
    const image = await upload(alice, 'cat.png', makePng(4, 4, [1, 2, 3]), 'image/png');
    const version = await versionOf(h.stack, 'attachments', image);
    expect(version).toBeTruthy();

    // Refused: a text-only model gets no image. The sweep that send ran kept the request's own file.
    const refused = await api.chat(alice, { provider: 'deepseek', model: 'deepseek-chat', message: 'What is this?', attachments: [image] });
    expect(refused).toMatchObject({ status: 422, error: { code: 'model_cannot_see_images' } });
    await api.settled();
    expect(await listed(alice, image)).toEqual([image]);

    // The next send (without the file) sweeps it: nothing refers to it and it is past the grace period.
    const next = await api.chat(alice, { message: 'Never mind' });
    expect(next.status).toBe(200);
    await api.settled();
    expect(await listed(alice, image)).toEqual([]);
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([]);
    expect((await filesOnDisk(h.stack)).stored).not.toContain(version);
    const [queued] = await h.stack.db.sql`select count(*)::int as n from private.storage_cleanup where storage_path = ${image}`;
    expect(queued!.n).toBe(0);
  });

  it('never sweeps a file a message refers to, nor one younger than the grace period', async () => {
    const api = appWith({ orphanGraceSeconds: 0, sweepIntervalSeconds: 0 });
    const alice = await h.createUser();
    const sent = await upload(alice, 'notes.md', '# notes', 'text/markdown');
    const first = await api.chat(alice, { message: 'Read this', attachments: [sent] });
    expect(first.status).toBe(200);
    await api.settled();
    expect((await api.chat(alice, { session_id: first.meta.session_id, message: 'And again?' })).status).toBe(200);
    await api.settled();
    expect(await listed(alice, sent)).toEqual([sent]);
    // Every user's folder at once (the scheduled job's call) leaves it too.
    await h.stack.db.sql`select private.queue_orphan_chat_uploads(null, interval '0')`;
    const [queued] = await h.stack.db.sql`select count(*)::int as n from private.storage_cleanup where storage_path = ${sent}`;
    expect(queued!.n).toBe(0);

    // With the default grace period (a day), a fresh unsent upload — a draft's — stays.
    const patient = appWith({ orphanGraceSeconds: 24 * 60 * 60, sweepIntervalSeconds: 0 });
    const draft = await upload(alice, 'draft.md', '# draft', 'text/markdown');
    expect((await patient.chat(alice, { session_id: first.meta.session_id, message: 'Still there?' })).status).toBe(200);
    await patient.settled();
    expect(await listed(alice, draft)).toEqual([draft]);
  });

  it("one user's sweep never touches another user's files", async () => {
    const api = appWith({ orphanGraceSeconds: 0, sweepIntervalSeconds: 0 });
    const alice = await h.createUser();
    const bob = await h.createUser();
    const bobsSent = await upload(bob, 'sent.md', '# sent', 'text/markdown');
    // Bob's message is sent through the harness's app (a day's grace), so his orphan survives his own send.
    const bobsChat = await bob.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'keep', attachments: [bobsSent] });
    expect(bobsChat.status).toBe(200);
    await readSse(bobsChat);
    const bobsOrphan = await upload(bob, 'orphan.md', '# orphan', 'text/markdown');
    const alicesOrphan = await upload(alice, 'orphan.md', '# orphan', 'text/markdown');

    expect((await api.chat(alice, { message: 'sweep mine' })).status).toBe(200);
    await api.settled();
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([]);
    expect(await listed(alice, alicesOrphan)).toEqual([]);
    expect(await h.bucketObjects(`${bob.id}/`)).toEqual([bobsSent, bobsOrphan].sort());
  });

  it("a send takes its own files out of the cleanup queue (queued by another instance's or the scheduled sweep)", async () => {
    const api = appWith({ orphanGraceSeconds: 0, sweepIntervalSeconds: 0 });
    const alice = await h.createUser();
    const old = await upload(alice, 'yesterday.md', '# from an old draft', 'text/markdown');
    await h.stack.db.sql`select private.queue_orphan_chat_uploads(${alice.id}::uuid, interval '0')`;
    const sent = await api.chat(alice, { message: 'Here it is after all', attachments: [old] });
    expect(sent.status).toBe(200);
    await api.settled();
    expect(await listed(alice, old)).toEqual([old]);
    const [chip] = await h.stack.db.sql`select storage_path from public.message_attachments where message_id = ${sent.meta.user_message_id}`;
    expect(chip!.storage_path).toBe(old);
  });

  it('sweeps a folder at most once per interval', async () => {
    const api = appWith({ orphanGraceSeconds: 0, sweepIntervalSeconds: 3600 });
    const alice = await h.createUser();
    expect((await api.chat(alice, { message: 'first send sweeps' })).status).toBe(200);
    await api.settled();
    const orphan = await upload(alice, 'later.md', '# later', 'text/markdown');
    expect((await api.chat(alice, { message: 'too soon to sweep again' })).status).toBe(200);
    await api.settled();
    expect(await listed(alice, orphan)).toEqual([orphan]);
    // The interval is kept in the database (other function instances see it too).
    const [row] = await h.stack.db.sql`
      select private.queue_orphan_chat_uploads(${alice.id}::uuid, interval '0', '{}', interval '1 hour') as queued`;
    expect(row!.queued).toBeNull();
  });

  it('the quota does not count orphans past the grace period', async () => {
    const alice = await h.createUser();
    const big = await upload(alice, 'big.txt', 'x'.repeat(20_000), 'text/plain');
    const small = await upload(alice, 'small.md', '# small', 'text/markdown');
    // A day's grace: the unsent 20 kB file counts and the send is refused.
    const strict = appWith({ quotaBytes: 10_000, orphanGraceSeconds: 24 * 60 * 60, sweepIntervalSeconds: 3600 });
    expect(await strict.chat(alice, { message: 'over?', attachments: [small] })).toMatchObject({ status: 413, error: { code: 'storage_quota_exceeded' } });
    await strict.settled();
    // Past the grace period it is an orphan: not counted (whether or not a sweep has run yet).
    const lenient = appWith({ quotaBytes: 10_000, orphanGraceSeconds: 0, sweepIntervalSeconds: 3600 });
    await h.stack.db.sql`insert into private.chat_upload_sweeps (user_id) values (${alice.id}) on conflict (user_id) do update set swept_at = now()`;
    expect((await lenient.chat(alice, { message: 'fits', attachments: [small] })).status).toBe(200);
    await lenient.settled();
    expect(await listed(alice, big)).toEqual([big]); // not swept (the interval had not passed)
  });

  it('the queueing functions are out of the API roles\' reach', async () => {
    for (const fn of ['queue_orphan_chat_uploads', 'queue_orphan_uploads']) {
      await expect(h.stack.db.sql.begin(async (tx) => {
        await tx`set local role authenticated`;
        await tx`select ${tx(`private.${fn}`)}(null, interval '0')`;
      })).rejects.toThrow(/permission denied/);
    }
  });
});

describe('sweeping abandoned project-file uploads', () => {
  /** A project-file upload: anywhere in the user's folder but chat/ (the API takes any of their paths). */
  async function projectUpload(user: StorageApiUser, name: string, body: string): Promise<string> {
    const path = `${user.id}/projects/${crypto.randomUUID()}/${name}`;
    const { error } = await user.storage.upload(path, body, { contentType: 'text/markdown' });
    expect(error).toBeNull();
    return path;
  }

  it('an upload never added to a project goes when the user next adds a file (or sends); added files, chat files in use and other users\' uploads stay', async () => {
    const api = appWith({ orphanGraceSeconds: 0, sweepIntervalSeconds: 0 });
    const alice = await h.createUser();
    const bob = await h.createUser();
    const project = (await (await api.request(alice, 'POST', '/projects', { name: 'Sweep' })).json()).id as string;
    const kept = await projectUpload(alice, 'kept.md', '# kept');
    expect((await api.request(alice, 'POST', `/projects/${project}/files`, { path: kept })).status).toBe(201);
    await api.settled();
    const abandoned = await projectUpload(alice, 'abandoned.md', '# never added');
    const atRoot = `${alice.id}/loose.md`;
    expect((await alice.storage.upload(atRoot, '# loose', { contentType: 'text/markdown' })).error).toBeNull();
    const bobsAbandoned = await projectUpload(bob, 'abandoned.md', '# bob never added it');
    expect((await h.bucketObjects(`${alice.id}/`)).sort()).toEqual([atRoot, abandoned, kept].sort());

    // Adding another file sweeps the folder: the abandoned uploads go (row, listing), the added file and this request's stay.
    const another = await projectUpload(alice, 'another.md', '# another');
    expect((await api.request(alice, 'POST', `/projects/${project}/files`, { path: another })).status).toBe(201);
    await api.settled();
    expect((await h.bucketObjects(`${alice.id}/`)).sort()).toEqual([another, kept].sort());
    expect(await listed(alice, abandoned)).toEqual([]);
    expect(await h.bucketObjects(`${bob.id}/`)).toEqual([bobsAbandoned]);

    // A chat send sweeps them too, and so does the scheduled job's call for every user.
    const again = await projectUpload(alice, 'again.md', '# again');
    expect((await api.chat(alice, { message: 'sweep' })).status).toBe(200);
    await api.settled();
    expect(await listed(alice, again)).toEqual([]);
    const [row] = await h.stack.db.sql`select private.queue_orphan_uploads(null, interval '0') as queued`;
    expect(row!.queued).toBeGreaterThanOrEqual(1);
    const queued = await h.stack.db.sql`select storage_path from private.storage_cleanup where storage_path like ${`${bob.id}/%`} or storage_path = ${kept}`;
    expect(queued.map((q) => q.storage_path)).toEqual([bobsAbandoned]);
  });

  it('an upload younger than the grace period stays (it may be being added right now), and past it the quota does not count it', async () => {
    const alice = await h.createUser();
    const project = (await (await alice.request('POST', '/projects', { name: 'Grace' })).json()).id as string;
    const pending = await projectUpload(alice, 'pending.md', 'x'.repeat(20_000));
    const patient = appWith({ orphanGraceSeconds: 24 * 60 * 60, sweepIntervalSeconds: 0, quotaBytes: 10_000 });
    const small = await projectUpload(alice, 'small.md', '# small');
    // Within the grace period the pending upload counts against the quota, and no sweep removes it.
    const refused = await patient.request(alice, 'POST', `/projects/${project}/files`, { path: small });
    expect(refused.status).toBe(413);
    await patient.settled();
    expect(await listed(alice, pending)).toEqual([pending]);
    // Past it (grace 0, the folder just swept by another instance): not counted, the file is added.
    const lenient = appWith({ orphanGraceSeconds: 0, sweepIntervalSeconds: 3600, quotaBytes: 10_000 });
    await h.stack.db.sql`insert into private.chat_upload_sweeps (user_id) values (${alice.id}) on conflict (user_id) do update set swept_at = now()`;
    const small2 = await projectUpload(alice, 'small2.md', '# small 2');
    expect((await lenient.request(alice, 'POST', `/projects/${project}/files`, { path: small2 })).status).toBe(201);
    await lenient.settled();
  });
});
