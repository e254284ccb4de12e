/**
 * Storage contract (issue 12, item 1): the official storage-js client (inside supabase-js)
 * against local/'s /storage/v1 — upload, download, list, move, copy, remove, info — on the
 * private `attachments` bucket, with RLS deciding as on hosted Supabase: a user's files live
 * under `<user_id>/…` and nobody else can read, list, overwrite, move or delete them.
 */
import { StorageApiError } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { filesOnDisk, signIn, versionOf } from './storage-helpers.ts';

let stack: TestStack;
beforeAll(async () => { stack = await startTestStack(); });
afterAll(async () => { await stack?.stop(); });

const BUCKET = 'attachments';

describe('upload and download', () => {
  it('stores a file under the owner and gives the same bytes back with its content type', async () => {
    const { user, client } = await signIn(stack);
    const path = `${user.id}/notes/hello.md`;
    const body = '# Hello\n\nA **markdown** file.';
    const { data, error } = await client.storage.from(BUCKET).upload(path, body, { contentType: 'text/markdown', cacheControl: '120' });
    expect(error).toBeNull();
    expect(data).toMatchObject({ path, fullPath: `${BUCKET}/${path}` });
    expect(data!.id).toMatch(/^[0-9a-f-]{36}$/);

    const download = await client.storage.from(BUCKET).download(path);
    expect(download.error).toBeNull();
    expect(await download.data!.text()).toBe(body);
    expect(download.data!.type).toBe('text/markdown');

    const [row] = await stack.db.sql`select owner, owner_id, metadata from storage.objects where bucket_id = ${BUCKET} and name = ${path}`;
    expect(row).toMatchObject({ owner: user.id, owner_id: user.id });
    expect(row!.metadata).toMatchObject({ size: Buffer.byteLength(body), mimetype: 'text/markdown', cacheControl: 'max-age=120' });
  });

  it('takes a Blob (multipart form, as browsers send it) with the Blob type', async () => {
    const { user, client } = await signIn(stack);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const path = `${user.id}/image.png`;
    const { error } = await client.storage.from(BUCKET).upload(path, new Blob([png], { type: 'image/png' }), { metadata: { label: 'tiny' } });
    expect(error).toBeNull();
    const info = await client.storage.from(BUCKET).info(path);
    expect(info.data).toMatchObject({ name: path, size: png.length, contentType: 'image/png', cacheControl: 'max-age=3600', metadata: { label: 'tiny' } });
    const download = await client.storage.from(BUCKET).download(path);
    expect(Buffer.from(await download.data!.arrayBuffer())).toEqual(png);
  });

  it('streams a body of several megabytes through unchanged', async () => {
    const { user, client } = await signIn(stack);
    const big = Buffer.alloc(5 * 1024 * 1024 + 17, 'abcdefghij');
    const path = `${user.id}/big.txt`;
    expect((await client.storage.from(BUCKET).upload(path, big, { contentType: 'text/plain' })).error).toBeNull();
    const download = await client.storage.from(BUCKET).download(path);
    expect(Buffer.from(await download.data!.arrayBuffer()).equals(big)).toBe(true);
  });

  it('refuses a second upload to the same path unless upsert, then replaces the bytes and drops the old file', async () => {
    const { user, client } = await signIn(stack);
    const path = `${user.id}/same.txt`;
    await client.storage.from(BUCKET).upload(path, 'first', { contentType: 'text/plain' });
    const firstVersion = await versionOf(stack, BUCKET, path);

    const again = await client.storage.from(BUCKET).upload(path, 'second', { contentType: 'text/plain' });
    expect(again.error).toBeInstanceOf(StorageApiError);
    expect(again.error).toMatchObject({ status: 400, statusCode: '409', message: 'The resource already exists' });

    expect((await client.storage.from(BUCKET).upload(path, 'third', { contentType: 'text/plain', upsert: true })).error).toBeNull();
    expect(await (await client.storage.from(BUCKET).download(path)).data!.text()).toBe('third');
    expect((await client.storage.from(BUCKET).update(path, 'fourth', { contentType: 'text/plain' })).error).toBeNull();
    expect(await (await client.storage.from(BUCKET).download(path)).data!.text()).toBe('fourth');

    const { stored } = await filesOnDisk(stack);
    expect(stored).not.toContain(firstVersion);
    expect(stored).toContain(await versionOf(stack, BUCKET, path));
  });

  it('refuses an upload past 100 unsent files with the database\'s reason, storing nothing (20261206083000)', async () => {
    const { user, client } = await signIn(stack);
    await stack.db.sql.begin(async (tx) => {
      await tx`set local role supabase_storage_admin`;
      for (let i = 0; i < 99; i++) {
        await tx`insert into storage.objects (bucket_id, name, owner, owner_id, metadata) values (${BUCKET}, ${`${user.id}/chat/${i}.txt`}, ${user.id}, ${user.id}, '{"size": 1}')`;
      }
    });
    expect((await client.storage.from(BUCKET).upload(`${user.id}/chat/99.txt`, 'the hundredth', { contentType: 'text/plain' })).error).toBeNull();
    const before = await filesOnDisk(stack);
    const refused = await client.storage.from(BUCKET).upload(`${user.id}/chat/100.txt`, 'one too many', { contentType: 'text/plain' });
    expect(refused.error).toBeInstanceOf(StorageApiError);
    expect(refused.error).toMatchObject({ statusCode: '403', message: expect.stringMatching(/100 uploaded files that are in no message or project/) });
    expect(await filesOnDisk(stack)).toEqual(before);
  });

  it('answers a missing object with NoSuchKey', async () => {
    const { user, client } = await signIn(stack);
    const { error } = await client.storage.from(BUCKET).download(`${user.id}/nothing-here.txt`);
    expect(error).toMatchObject({ status: 400 });
    expect(await client.storage.from(BUCKET).exists(`${user.id}/nothing-here.txt`)).toMatchObject({ data: false });
    expect(await client.storage.from(BUCKET).exists(`${user.id}/nothing-here.txt`).then((r) => r.error)).toMatchObject({ statusCode: '404' });
  });
});

describe('list', () => {
  it('lists folders and files one level under a prefix, with limit, offset, sort and search', async () => {
    const { user, client } = await signIn(stack);
    const bucket = client.storage.from(BUCKET);
    for (const name of ['b.txt', 'a.txt', 'c.txt', 'sub/d.txt', 'sub/deeper/e.txt']) {
      const { error } = await bucket.upload(`${user.id}/docs/${name}`, name, { contentType: 'text/plain' });
      expect(error).toBeNull();
    }
    const all = await bucket.list(`${user.id}/docs`);
    expect(all.error).toBeNull();
    expect(all.data!.map((f) => f.name)).toEqual(['a.txt', 'b.txt', 'c.txt', 'sub']);
    expect(all.data!.find((f) => f.name === 'sub')).toMatchObject({ id: null, metadata: null });
    expect(all.data!.find((f) => f.name === 'a.txt')!.metadata).toMatchObject({ size: 5, mimetype: 'text/plain' });

    const page = await bucket.list(`${user.id}/docs`, { limit: 2, offset: 1 });
    expect(page.data!.map((f) => f.name)).toEqual(['b.txt', 'c.txt']);
    const desc = await bucket.list(`${user.id}/docs`, { sortBy: { column: 'name', order: 'desc' } });
    expect(desc.data!.map((f) => f.name)).toEqual(['sub', 'c.txt', 'b.txt', 'a.txt']);
    const searched = await bucket.list(`${user.id}/docs`, { search: 'b' });
    expect(searched.data!.map((f) => f.name)).toEqual(['b.txt']);
    const nested = await bucket.list(`${user.id}/docs/sub`);
    // Folders and files interleave in byte order of the lower-cased name, as hosted lists them.
    expect(nested.data!.map((f) => f.name)).toEqual(['d.txt', 'deeper']);
  });
});

describe('move, copy, remove', () => {
  it('moves and copies within the owner folder; the copy has its own bytes', async () => {
    const { user, client } = await signIn(stack);
    const bucket = client.storage.from(BUCKET);
    await bucket.upload(`${user.id}/from.txt`, 'moving', { contentType: 'text/plain' });
    const moved = await bucket.move(`${user.id}/from.txt`, `${user.id}/to.txt`);
    expect(moved).toMatchObject({ data: { message: 'Successfully moved' }, error: null });
    expect((await bucket.download(`${user.id}/from.txt`)).error).not.toBeNull();
    expect(await (await bucket.download(`${user.id}/to.txt`)).data!.text()).toBe('moving');

    const copied = await bucket.copy(`${user.id}/to.txt`, `${user.id}/copy.txt`);
    expect(copied).toMatchObject({ data: { path: `${BUCKET}/${user.id}/copy.txt` }, error: null });
    await bucket.update(`${user.id}/to.txt`, 'changed', { contentType: 'text/plain' });
    expect(await (await bucket.download(`${user.id}/copy.txt`)).data!.text()).toBe('moving');
  });

  it('removes files and their bytes; removing what is not there removes nothing', async () => {
    const { user, client } = await signIn(stack);
    const bucket = client.storage.from(BUCKET);
    await bucket.upload(`${user.id}/x.txt`, 'x', { contentType: 'text/plain' });
    await bucket.upload(`${user.id}/y.txt`, 'y', { contentType: 'text/plain' });
    const versions = [await versionOf(stack, BUCKET, `${user.id}/x.txt`), await versionOf(stack, BUCKET, `${user.id}/y.txt`)];
    const removed = await bucket.remove([`${user.id}/x.txt`, `${user.id}/y.txt`, `${user.id}/missing.txt`]);
    expect(removed.error).toBeNull();
    expect(removed.data!.map((f) => f.name).sort()).toEqual([`${user.id}/x.txt`, `${user.id}/y.txt`]);
    expect((await bucket.list(user.id)).data).toEqual([]);
    const { stored } = await filesOnDisk(stack);
    for (const version of versions) expect(stored).not.toContain(version);
  });
});

describe("another user's files", () => {
  it('cannot be read, listed, signed, overwritten, moved, copied or deleted', async () => {
    const owner = await signIn(stack, 'owner');
    const other = await signIn(stack, 'other');
    const path = `${owner.user.id}/secret.txt`;
    await owner.client.storage.from(BUCKET).upload(path, 'top secret', { contentType: 'text/plain' });
    const theirs = other.client.storage.from(BUCKET);

    expect((await theirs.download(path)).error).toMatchObject({ statusCode: '404' });
    expect((await theirs.list(owner.user.id)).data).toEqual([]);
    expect((await theirs.createSignedUrl(path, 60)).error).toMatchObject({ statusCode: '404' });
    const overwrite = await theirs.upload(path, 'mine now', { contentType: 'text/plain', upsert: true });
    expect(overwrite.error).toMatchObject({ status: 400, statusCode: '403', message: 'new row violates row-level security policy' });
    expect((await theirs.upload(`${owner.user.id}/planted.txt`, 'x', { contentType: 'text/plain' })).error).toMatchObject({ statusCode: '403' });
    expect((await theirs.move(path, `${other.user.id}/stolen.txt`)).error).toMatchObject({ statusCode: '404' });
    expect((await theirs.copy(path, `${other.user.id}/stolen.txt`)).error).toMatchObject({ statusCode: '404' });
    expect((await theirs.remove([path])).data).toEqual([]);

    expect(await (await owner.client.storage.from(BUCKET).download(path)).data!.text()).toBe('top secret');
    const [{ count }] = await stack.db.sql`select count(*)::int as count from storage.objects where name like ${`${owner.user.id}/planted%`}`;
    expect(count).toBe(0);
  });

  it('anonymous callers (publishable key only) see nothing in the private bucket', async () => {
    const owner = await signIn(stack);
    const path = `${owner.user.id}/private.txt`;
    await owner.client.storage.from(BUCKET).upload(path, 'private', { contentType: 'text/plain' });
    const anon = stack.client().storage.from(BUCKET);
    expect((await anon.download(path)).error).toMatchObject({ statusCode: '404' });
    expect((await anon.list(owner.user.id)).data).toEqual([]);
    expect((await anon.upload(`${owner.user.id}/anon.txt`, 'x', { contentType: 'text/plain' })).error).toMatchObject({ statusCode: '403' });
  });

  it('a forged or missing token is refused', async () => {
    const response = await fetch(`${stack.apiUrl}/storage/v1/object/${BUCKET}/x/y.txt`, { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: '403', code: 'AccessDenied', error: 'Unauthorized' });
  });
});
