/**
 * What a failed POST /projects/{id}/files may remove: only an upload nothing uses. Its
 * clean-up goes through private.storage_cleanup and its drain, which keep any object a
 * message_attachments or file_metadata row names (the service key would otherwise remove it
 * past keep_attached_objects). A retry gets its 409 without the file being read again, and
 * the route draws on a per-user bucket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../supabase/functions/api/app.ts';
import { PROJECT_FILE_RATE } from '../../supabase/functions/api/routes/project-files.ts';
import { makePng } from '../fixtures/files.ts';
import { joinGroupChat, readSse } from '../helpers/api.ts';
import { createStorageApiHarness, uploadAs, type StorageApiHarness, type StorageApiUser } from '../helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

const NO_PROJECT = '00000000-0000-4000-8000-000000000000';

async function project(user: StorageApiUser): Promise<string> {
  const res = await user.request('POST', '/projects', { name: 'Specs' });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function chat(user: StorageApiUser, body: Record<string, unknown>) {
  const res = await user.request('POST', '/chat', { provider: 'demo', model: 'demo-model', ...body });
  expect(res.status, await res.clone().text()).toBe(200);
  const events = await readSse(res);
  expect(events.at(-1)?.event).toBe('done');
  return events.find((e) => e.event === 'meta')!.data as Record<string, any>;
}

/** The harness's API with a fetch that records the Storage reads it makes. */
function countingApp() {
  const reads: string[] = [];
  const app = createApp(h.config, {
    db: h.apiDb,
    log: () => {},
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/storage/v1/object/authenticated/')) reads.push(url);
      return fetch(input, init);
    },
  });
  const as = (user: StorageApiUser) => async (path: string, body: unknown) => await app.request(`/api${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { reads, as };
}

describe('a failed add keeps what is in use', () => {
  it('a retry of an added upload is 409 project_file_exists before the file is read again, and the file keeps its object', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const path = await uploadAs(alice, 'projects', 'spec.md', '# Spec\nImportant text.', 'text/markdown');
    const { reads, as } = countingApp();
    const post = as(alice);
    const first = await post(`/projects/${id}/files`, { path });
    expect(first.status).toBe(201);
    const added = await first.json();
    expect(reads).toHaveLength(1);

    const retry = await post(`/projects/${id}/files`, { path });
    expect(retry.status).toBe(409);
    expect((await retry.json()).error).toMatchObject({ code: 'project_file_exists', file_id: added.id });
    expect(await h.bucketObjects(path)).toEqual([path]);
    // The same upload under another name: already a file, also answered without a read.
    const renamed = await post(`/projects/${id}/files`, { path, name: 'copy.md' });
    expect(renamed.status).toBe(409);
    expect((await renamed.json()).error.code).toBe('file_already_added');
    expect(reads).toHaveLength(1);
    // Replacing the file by its own object is still allowed (read again, as a replace is).
    const itself = await post(`/projects/${id}/files`, { path, replace: true });
    expect(itself.status).toBe(201);

    expect(await h.bucketObjects(path)).toEqual([path]);
    const download = await alice.storage.download(path);
    expect(download.error).toBeNull();
    expect(await download.data!.text()).toBe('# Spec\nImportant text.');
    expect(await h.stack.db.sql`select 1 from private.storage_cleanup where storage_path = ${path}`).toHaveLength(0);
  });

  it("a group member cannot have an attached image deleted (and its bytes swapped) by naming it in a failed add", async () => {
    const [owner, member] = await Promise.all([h.createUser(), h.createUser()]);
    const first = await chat(owner, { message: 'hello' });
    await joinGroupChat(owner as never, member as never, first.session_id, 'member');
    const benign = makePng(4, 4, [0, 200, 0]);
    const path = await uploadAs(member, 'chat', 'pic.png', benign, 'image/png');
    await chat(member, { session_id: first.session_id, message: 'look', attachments: [path] });

    const refused = await member.request('POST', `/projects/${NO_PROJECT}/files`, { path });
    expect(refused.status).toBe(404);
    expect(await h.bucketObjects(path)).toEqual([path]);
    // Its own project, where an image is refused (415) after it was read: kept all the same.
    const own = await project(member);
    expect((await member.request('POST', `/projects/${own}/files`, { path })).status).toBe(415);

    expect(await h.bucketObjects(path)).toEqual([path]);
    const swap = await member.storage.upload(path, makePng(4, 4, [255, 0, 0]), { contentType: 'image/png' });
    expect(swap.error).not.toBeNull();
    const { data } = await owner.storage.download(path);
    expect(Buffer.from(await data!.arrayBuffer()).equals(benign)).toBe(true);
  });

  it('a refused upload that nothing names is still removed, through the queue', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const path = await uploadAs(alice, 'projects', 'photo.png', makePng(4, 4, [9, 9, 9]), 'image/png');
    const res = await alice.request('POST', `/projects/${id}/files`, { path });
    expect(res.status).toBe(415);
    expect(await h.bucketObjects(path)).toEqual([]);
    expect(await h.stack.db.sql`select 1 from private.storage_cleanup where storage_path = ${path}`).toHaveLength(0);
  });
});

describe('per-user rate limit', () => {
  it(`allows ${PROJECT_FILE_RATE.capacity} adds at once, then 429 with Retry-After, keeping the upload for the retry; other users are not affected`, async () => {
    const [alice, bob] = await Promise.all([h.createUser(), h.createUser()]);
    const id = await project(alice);
    const path = await uploadAs(alice, 'projects', 'later.md', '# Later', 'text/markdown');
    const missing = `${alice.id}/projects/${crypto.randomUUID()}/gone.md`;
    for (let i = 0; i < PROJECT_FILE_RATE.capacity; i++) {
      expect((await alice.request('POST', `/projects/${NO_PROJECT}/files`, { path: missing })).status).toBe(404);
    }
    const limited = await alice.request('POST', `/projects/${id}/files`, { path });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await limited.json()).error.code).toBe('rate_limited');
    expect(await h.bucketObjects(path)).toEqual([path]);

    const bobProject = await project(bob);
    const bobPath = await uploadAs(bob, 'projects', 'mine.md', '# Mine', 'text/markdown');
    expect((await bob.request('POST', `/projects/${bobProject}/files`, { path: bobPath })).status).toBe(201);

    // A token later (refilled here rather than waited for), the same request succeeds.
    await h.stack.db.sql`update private.rate_limit_buckets set tokens = 1 where user_id = ${alice.id} and bucket = 'project_files'`;
    expect((await alice.request('POST', `/projects/${id}/files`, { path })).status).toBe(201);
  });
});
