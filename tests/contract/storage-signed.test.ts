/**
 * Storage contract, signed and public URLs (issue 12, item 1): createSignedUrl(s) and
 * createSignedUploadUrl + uploadToSignedUrl with the official client; tokens that expired,
 * were altered, name another object or have the wrong scope are refused; getPublicUrl
 * serves a public bucket without any key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { filesOnDisk, signIn } from './storage-helpers.ts';

let stack: TestStack;
beforeAll(async () => { stack = await startTestStack(); });
afterAll(async () => { await stack?.stop(); });

const BUCKET = 'attachments';

describe('signed download URLs', () => {
  it('let anyone holding the URL fetch the object until it expires', async () => {
    const { user, client } = await signIn(stack);
    const path = `${user.id}/report.txt`;
    await client.storage.from(BUCKET).upload(path, 'quarterly numbers', { contentType: 'text/plain' });
    const { data, error } = await client.storage.from(BUCKET).createSignedUrl(path, 60);
    expect(error).toBeNull();
    expect(data!.signedUrl).toMatch(new RegExp(`^${stack.apiUrl}/storage/v1/object/sign/${BUCKET}/${user.id}/report.txt\\?token=`));

    const response = await fetch(data!.signedUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.headers.get('expires')).toBeTruthy();
    expect(await response.text()).toBe('quarterly numbers');

    const asDownload = await client.storage.from(BUCKET).createSignedUrl(path, 60, { download: 'numbers.txt' });
    const attached = await fetch(asDownload.data!.signedUrl);
    expect(attached.headers.get('content-disposition')).toContain('filename=numbers.txt');
  });

  it('signs many paths at once and says which ones it could not sign', async () => {
    const { user, client } = await signIn(stack);
    const other = await signIn(stack, 'other');
    await client.storage.from(BUCKET).upload(`${user.id}/one.txt`, '1', { contentType: 'text/plain' });
    await other.client.storage.from(BUCKET).upload(`${other.user.id}/theirs.txt`, 't', { contentType: 'text/plain' });
    const { data, error } = await client.storage.from(BUCKET).createSignedUrls([`${user.id}/one.txt`, `${other.user.id}/theirs.txt`], 60);
    expect(error).toBeNull();
    expect(data![0]).toMatchObject({ path: `${user.id}/one.txt`, error: null });
    expect(await (await fetch(data![0]!.signedUrl!)).text()).toBe('1');
    expect(data![1]).toMatchObject({ path: `${other.user.id}/theirs.txt`, signedUrl: null, error: 'Either the object does not exist or you do not have access to it' });
  });

  it('refuses an expired, altered or re-targeted token', async () => {
    const { user, client } = await signIn(stack);
    await client.storage.from(BUCKET).upload(`${user.id}/a.txt`, 'a', { contentType: 'text/plain' });
    await client.storage.from(BUCKET).upload(`${user.id}/b.txt`, 'b', { contentType: 'text/plain' });
    const { data } = await client.storage.from(BUCKET).createSignedUrl(`${user.id}/a.txt`, 1);
    const url = new URL(data!.signedUrl);
    const token = url.searchParams.get('token')!;

    // Another object with a token for a.txt.
    const retargeted = await fetch(`${stack.apiUrl}/storage/v1/object/sign/${BUCKET}/${user.id}/b.txt?token=${token}`);
    expect(retargeted.status).toBe(400);
    expect(await retargeted.json()).toMatchObject({ statusCode: '400', code: 'InvalidSignature' });

    // One changed character in the signature.
    const [header, payload, signature] = token.split('.');
    const flipped = `${header}.${payload}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    const altered = await fetch(`${url.origin}${url.pathname}?token=${flipped}`);
    expect(altered.status).toBe(400);
    expect(await altered.json()).toMatchObject({ code: 'InvalidJWT', message: 'signature verification failed' });

    // A user's access token is not a signed-URL token.
    const session = (await client.auth.getSession()).data.session!;
    const wrongScope = await fetch(`${url.origin}${url.pathname}?token=${session.access_token}`);
    expect(wrongScope.status).toBe(400);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await fetch(data!.signedUrl);
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ code: 'InvalidJWT', message: '"exp" claim timestamp check failed' });
  });
});

describe('signed upload URLs', () => {
  it('let a holder of the token upload once, as the signing user, without a session', async () => {
    const { user, client } = await signIn(stack);
    const path = `${user.id}/dropped.txt`;
    const signed = await client.storage.from(BUCKET).createSignedUploadUrl(path);
    expect(signed.error).toBeNull();
    expect(signed.data).toMatchObject({ path, token: expect.any(String) });
    const anonymous = stack.client();
    const uploaded = await anonymous.storage.from(BUCKET).uploadToSignedUrl(path, signed.data!.token, 'via token', { contentType: 'text/plain' });
    expect(uploaded).toMatchObject({ data: { path, fullPath: `${BUCKET}/${path}` }, error: null });
    expect(await (await client.storage.from(BUCKET).download(path)).data!.text()).toBe('via token');
    const [row] = await stack.db.sql`select owner from storage.objects where bucket_id = ${BUCKET} and name = ${path}`;
    expect(row!.owner).toBe(user.id);

    // Without upsert in the token the same URL cannot overwrite.
    const again = await anonymous.storage.from(BUCKET).uploadToSignedUrl(path, signed.data!.token, 'again', { contentType: 'text/plain' });
    expect(again.error).toMatchObject({ statusCode: '409' });
  });

  it('are only issued where RLS would let the caller upload, and only for the signed path', async () => {
    const owner = await signIn(stack, 'owner');
    const other = await signIn(stack, 'other');
    const refused = await other.client.storage.from(BUCKET).createSignedUploadUrl(`${owner.user.id}/intrusion.txt`);
    expect(refused.error).toMatchObject({ statusCode: '403', message: 'new row violates row-level security policy' });

    const signed = await owner.client.storage.from(BUCKET).createSignedUploadUrl(`${owner.user.id}/only-this.txt`);
    const elsewhere = await stack.client().storage.from(BUCKET).uploadToSignedUrl(`${owner.user.id}/other-name.txt`, signed.data!.token, 'x', { contentType: 'text/plain' });
    expect(elsewhere.error).toMatchObject({ statusCode: '400' });
    const download = await stack.client().storage.from(BUCKET).createSignedUrl(`${owner.user.id}/only-this.txt`, 60);
    expect(download.error).not.toBeNull();
    // An upload token cannot download.
    const asDownload = await fetch(`${stack.apiUrl}/storage/v1/object/sign/${BUCKET}/${owner.user.id}/only-this.txt?token=${signed.data!.token}`);
    expect(await asDownload.json()).toMatchObject({ code: 'InvalidSignature', message: 'Token is not scoped for download' });
  });
});

describe('signed upload URLs and attached files', () => {
  it('an upsert URL signed before a file was sent cannot replace it afterwards: refused as hosted refuses a write, nothing left behind', async () => {
    const { user, client } = await signIn(stack);
    const bucket = client.storage.from(BUCKET);
    const path = `${user.id}/chat/${crypto.randomUUID()}/invoice.txt`;
    const signed = await bucket.createSignedUploadUrl(path, { upsert: true });
    expect(signed.error).toBeNull();
    expect((await bucket.uploadToSignedUrl(path, signed.data!.token, 'pay 100 EUR to DE11 1111', { contentType: 'text/plain' })).error).toBeNull();
    // Before sending, the URL may replace the upload (the composer tray).
    expect((await bucket.uploadToSignedUrl(path, signed.data!.token, 'pay 120 EUR to DE11 1111', { contentType: 'text/plain' })).error).toBeNull();
    // Sent: the question and its attachment row, as POST /chat writes them.
    const [session] = await stack.db.sql`insert into public.chat_sessions (user_id) values (${user.id}) returning id`;
    const [question] = await stack.db.sql`insert into public.messages (session_id, user_id, sender, content) values (${session!.id}, ${user.id}, 'user', 'please pay') returning id`;
    await stack.db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size) values (${question!.id}, ${user.id}, ${path}, 'invoice.txt', 'text/plain', 24)`;
    const before = await filesOnDisk(stack);

    // The same URL, within its two hours, as anyone holding it (Storage writes it as superuser).
    const swap = await stack.client().storage.from(BUCKET).uploadToSignedUrl(path, signed.data!.token, 'pay 9000 EUR to DE99 9999', { contentType: 'text/plain' });
    expect(swap.data).toBeNull();
    // storage-api: DBError.fromDBError maps 42501 to AccessDenied with the database's message, HTTP 400.
    expect(swap.error).toMatchObject({ name: 'StorageApiError', status: 400, statusCode: '403', message: expect.stringContaining('is attached') });
    expect(await (await bucket.download(path)).data!.text()).toBe('pay 120 EUR to DE11 1111');
    expect(await filesOnDisk(stack)).toEqual(before);
  });
});

describe('public buckets', () => {
  it('serve getPublicUrl to anyone, and private buckets never', async () => {
    const admin = stack.admin();
    const bucket = `public-${crypto.randomUUID().slice(0, 8)}`;
    expect((await admin.storage.createBucket(bucket, { public: true })).error).toBeNull();
    expect((await admin.storage.from(bucket).upload('logo.txt', 'hello world', { contentType: 'text/plain' })).error).toBeNull();

    const { data } = stack.client().storage.from(bucket).getPublicUrl('logo.txt');
    expect(data.publicUrl).toBe(`${stack.apiUrl}/storage/v1/object/public/${bucket}/logo.txt`);
    const response = await fetch(data.publicUrl); // no apikey, no Authorization
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello world');
    const ranged = await fetch(data.publicUrl, { headers: { range: 'bytes=6-10' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('world');
    const etag = response.headers.get('etag')!;
    expect((await fetch(data.publicUrl, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const { user, client } = await signIn(stack);
    await client.storage.from(BUCKET).upload(`${user.id}/p.txt`, 'p', { contentType: 'text/plain' });
    const privateUrl = client.storage.from(BUCKET).getPublicUrl(`${user.id}/p.txt`).data.publicUrl;
    const refused = await fetch(privateUrl);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ statusCode: '404', code: 'NoSuchBucket', message: 'Bucket not found' });
  });
});
