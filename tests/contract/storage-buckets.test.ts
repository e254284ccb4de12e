/**
 * Storage contract, buckets and limits (issue 12, item 1): bucket CRUD with the secret key
 * (service role), refused to users by RLS on storage.buckets; per-bucket size limits and
 * allowed MIME types answer with hosted's errors and leave no file or row behind.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { filesOnDisk, signIn } from './storage-helpers.ts';

let stack: TestStack;
beforeAll(async () => { stack = await startTestStack(); });
afterAll(async () => { await stack?.stop(); });

const uniqueBucket = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

describe('buckets with the secret key', () => {
  it('creates, reads, lists, updates, empties and deletes a bucket', async () => {
    const admin = stack.admin().storage;
    const id = uniqueBucket('crud');
    expect(await admin.createBucket(id, { public: false, fileSizeLimit: '1MB', allowedMimeTypes: ['image/*', 'text/plain'] })).toMatchObject({ data: { name: id }, error: null });
    const got = await admin.getBucket(id);
    expect(got.data).toMatchObject({ id, name: id, public: false, file_size_limit: 1_000_000, allowed_mime_types: ['image/*', 'text/plain'], type: 'STANDARD' });
    expect((await admin.listBuckets()).data!.map((b) => b.id)).toEqual(expect.arrayContaining([id, 'attachments']));

    expect(await admin.updateBucket(id, { public: true, fileSizeLimit: 2048 })).toMatchObject({ data: { message: 'Successfully updated' } });
    expect((await admin.getBucket(id)).data).toMatchObject({ public: true, file_size_limit: 2048 });

    expect((await admin.createBucket(id)).error).toMatchObject({ statusCode: '409', message: 'The resource already exists' });

    await admin.from(id).upload('a.txt', 'a', { contentType: 'text/plain' });
    expect((await admin.deleteBucket(id)).error).toMatchObject({ statusCode: '409', message: 'The bucket you tried to delete is not empty' });
    expect((await admin.emptyBucket(id)).error).toBeNull();
    expect((await admin.from(id).list()).data).toEqual([]);
    expect(await admin.deleteBucket(id)).toMatchObject({ data: { message: 'Successfully deleted' } });
    expect((await admin.getBucket(id)).error).toMatchObject({ status: 400, statusCode: '404', message: 'Bucket not found' });
  });

  it('rejects invalid names, limits and MIME types', async () => {
    const admin = stack.admin().storage;
    expect((await admin.createBucket('has/slash')).error).toMatchObject({ statusCode: '400', message: 'Bucket name invalid' });
    expect((await admin.createBucket(uniqueBucket('size'), { public: false, fileSizeLimit: 'lots' })).error)
      .toMatchObject({ statusCode: '400', message: 'Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B' });
    expect((await admin.createBucket(uniqueBucket('mime'), { public: false, allowedMimeTypes: ['not a type'] })).error)
      .toMatchObject({ statusCode: '415', message: 'mime type not a type is not supported' });
  });
});

describe('buckets as a user', () => {
  it('cannot be created, changed or deleted, and only policies make them visible', async () => {
    const { client } = await signIn(stack);
    const created = await client.storage.createBucket(uniqueBucket('mine'));
    expect(created.error).toMatchObject({ status: 400, statusCode: '403', message: 'new row violates row-level security policy' });
    expect((await client.storage.updateBucket('attachments', { public: true })).error).toMatchObject({ statusCode: '404' });
    expect((await client.storage.deleteBucket('attachments')).error).not.toBeNull();
    expect((await client.storage.listBuckets()).data).toEqual([]);
    expect((await stack.admin().storage.getBucket('attachments')).data).toMatchObject({ public: false });
  });
});

describe('the attachments bucket', () => {
  it('is private with a 20 MiB limit and the documented types', async () => {
    const { data } = await stack.admin().storage.getBucket('attachments');
    expect(data).toMatchObject({ public: false, file_size_limit: 20 * 1024 * 1024 });
    expect([...data!.allowed_mime_types!].sort()).toEqual(['application/json', 'application/pdf', 'image/gif', 'image/jpeg', 'image/png', 'image/webp', 'text/csv', 'text/markdown', 'text/plain']);
  });

  it('refuses a type it does not allow with 415 before storing anything', async () => {
    const { user, client } = await signIn(stack);
    const before = await filesOnDisk(stack);
    const refused = await client.storage.from('attachments').upload(`${user.id}/app.exe`, Buffer.from('MZ'), { contentType: 'application/x-msdownload' });
    expect(refused.error).toMatchObject({ status: 400, statusCode: '415', message: 'mime type application/x-msdownload is not supported' });
    const blob = await client.storage.from('attachments').upload(`${user.id}/page.html`, new Blob(['<p>x</p>'], { type: 'video/mp4' }));
    expect(blob.error).toMatchObject({ statusCode: '415' });
    expect(await filesOnDisk(stack)).toEqual(before);
  });
});

describe('size limits', () => {
  it('answer 413 for a body over the bucket limit, raw or multipart, and keep no partial file', async () => {
    const admin = stack.admin().storage;
    const id = uniqueBucket('small');
    await admin.createBucket(id, { public: false, fileSizeLimit: 1000 });
    const before = await filesOnDisk(stack);

    const exact = await admin.from(id).upload('exact.bin', Buffer.alloc(1000, 1), { contentType: 'application/octet-stream' });
    expect(exact.error).toBeNull();
    const over = await admin.from(id).upload('over.bin', Buffer.alloc(1001, 1), { contentType: 'application/octet-stream' });
    expect(over.error).toMatchObject({ status: 400, statusCode: '413', message: 'The object exceeded the maximum allowed size' });
    const overForm = await admin.from(id).upload('over-form.bin', new Blob([Buffer.alloc(5000, 2)], { type: 'application/octet-stream' }));
    expect(overForm.error).toMatchObject({ statusCode: '413' });
    // A stream has no Content-Length: the limit is enforced while it arrives.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(500));
        controller.close();
      },
    });
    const overStream = await admin.from(id).upload('over-stream.bin', stream, { contentType: 'application/octet-stream' });
    expect(overStream.error).toMatchObject({ statusCode: '413' });

    const names = (await admin.from(id).list()).data!.map((f) => f.name);
    expect(names).toEqual(['exact.bin']);
    const after = await filesOnDisk(stack);
    expect(after.temp).toEqual([]);
    expect(after.stored.length).toBe(before.stored.length + 1);
  });

  it('keep nothing of an upload whose client goes away halfway: no row, no bytes, no temp file', async () => {
    const admin = stack.admin().storage;
    const id = uniqueBucket('aborted');
    await admin.createBucket(id, { public: false });
    const before = await filesOnDisk(stack);

    // A raw request that promises 1 MB, sends 64 KiB, then drops the connection.
    const url = new URL(`/storage/v1/object/${id}/half.bin`, stack.apiUrl);
    const req = http.request(url, {
      method: 'POST',
      headers: {
        apikey: stack.keys.secretKey,
        authorization: `Bearer ${stack.keys.secretKey}`,
        'content-type': 'application/octet-stream',
        'content-length': String(1024 * 1024),
      },
    });
    req.on('error', () => {}); // the abort below is the point
    req.write(Buffer.alloc(64 * 1024, 7));
    // Wait for the state (the partial upload staged on disk), not for time.
    await expect.poll(async () => (await filesOnDisk(stack)).temp.length, { timeout: 10_000 }).toBeGreaterThan(0);
    req.destroy();

    await expect.poll(async () => (await filesOnDisk(stack)).temp, { timeout: 10_000 }).toEqual([]);
    expect((await filesOnDisk(stack)).stored).toEqual(before.stored);
    expect(await stack.db.sql`select 1 from storage.objects where bucket_id = ${id}`).toHaveLength(0);
    expect((await admin.from(id).list()).data).toEqual([]);
  });

  it('a bucket limit above the stack-wide upload limit is refused', async () => {
    const error = (await stack.admin().storage.createBucket(uniqueBucket('huge'), { public: false, fileSizeLimit: '1GB' })).error;
    expect(error).toMatchObject({ statusCode: '413' });
  });
});
