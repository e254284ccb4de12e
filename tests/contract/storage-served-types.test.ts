/**
 * Storage contract, served types (audit F1: a user's file served as HTML, XML or SVG runs script
 * on the app's origin). Through the official client and plain fetches of its URLs: objects of a
 * type a browser executes, in any spelling, are served as text/plain;charset=utf-8 by every
 * download route (authenticated, public, signed; GET, HEAD, 206, 304), inert types as stored,
 * all with nosniff and a sandbox CSP; an upload's type is stored lower-cased and must parse;
 * copy and move cannot give an object a type its bucket does not allow; the attachments bucket
 * takes only the types the app uploads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../fixtures/files.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { signIn } from './storage-helpers.ts';

let stack: TestStack;
beforeAll(async () => { stack = await startTestStack(); });
afterAll(async () => { await stack?.stop(); });

const TEXT = 'text/plain;charset=utf-8';
const SANDBOX = "default-src 'none'; sandbox";
const script = '<html xmlns="http://www.w3.org/1999/xhtml"><body><script>document.title = "ran"</script></body></html>';

/** A fresh public bucket with no type list: every type below is accepted and stored. */
async function publicBucket(): Promise<string> {
  const id = `served-${crypto.randomUUID().slice(0, 8)}`;
  expect((await stack.admin().storage.createBucket(id, { public: true })).error).toBeNull();
  return id;
}

function expectGuarded(response: Response, type: string) {
  expect(response.headers.get('content-type'), response.url).toBe(type);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
}

describe('objects are never served as a type a browser executes', () => {
  it.each([
    ['TEXT/HTML', TEXT],
    ['Text/Html; Charset=UTF-8', TEXT],
    ['text/html;charset=utf-8', TEXT],
    ['application/xml', TEXT],
    ['text/xml', TEXT],
    ['text/xsl', TEXT],
    ['application/xhtml+xml', TEXT],
    ['image/svg+xml', TEXT],
    ['IMAGE/SVG+XML', TEXT],
    ['application/rss+xml', TEXT],
    ['text/javascript', TEXT],
    ['text/css', TEXT],
    ['multipart/x-mixed-replace;boundary=x', TEXT],
    ['text/plain', 'text/plain'],
    ['TEXT/PLAIN; CHARSET=UTF-8', 'text/plain;charset=utf-8'],
    ['text/markdown', 'text/markdown'],
    ['application/json', 'application/json'],
    ['application/pdf', 'application/pdf'],
    ['image/png', 'image/png'],
  ])('%s is served as %s, on every route', async (uploaded, served) => {
    const bucket = await publicBucket();
    const { user, client } = await signIn(stack);
    const admin = stack.admin().storage.from(bucket);
    const path = `${user.id}/file`;
    expect((await admin.upload(path, script, { contentType: uploaded })).error).toBeNull();
    const stored = await admin.info(path);
    expect(stored.data?.contentType).toBe(uploaded.toLowerCase().replace(/; /g, ';'));

    const signed = await admin.createSignedUrl(path, 60);
    const publicUrl = admin.getPublicUrl(path).data.publicUrl;
    const authenticated = `${stack.apiUrl}/storage/v1/object/authenticated/${bucket}/${path}`;
    const auth = { apikey: stack.keys.secretKey, authorization: `Bearer ${stack.keys.secretKey}` };
    const full = await fetch(publicUrl);
    expectGuarded(full, served);
    expect(await full.text()).toBe(script);
    expectGuarded(await fetch(signed.data!.signedUrl), served);
    expectGuarded(await fetch(authenticated, { headers: auth }), served);
    expectGuarded(await fetch(publicUrl, { method: 'HEAD' }), served);
    expectGuarded(await fetch(publicUrl, { headers: { range: 'bytes=0-9' } }), served);
    const notModified = await fetch(publicUrl, { headers: { 'if-none-match': full.headers.get('etag')! } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('x-content-type-options')).toBe('nosniff');
    expect(notModified.headers.get('content-security-policy')).toBe(SANDBOX);
    // storage-js's download() gets the bytes as they were, typed as served.
    const downloaded = await admin.download(path);
    expect(Buffer.from(await downloaded.data!.arrayBuffer()).toString()).toBe(script);
    expect(downloaded.data!.type).toBe(served);
    // Error answers (which repeat what the caller sent) carry the same headers.
    const missing = await client.storage.from('attachments').download(`${user.id}/<svg onload=alert(1)>`);
    expect(missing.error).not.toBeNull();
    expectGuarded(await fetch(`${publicUrl}-<svg>`), 'application/json; charset=utf-8');
  });

  it('refuses a type that does not parse, such as a list browsers read as its last type', async () => {
    const bucket = await publicBucket();
    const admin = stack.admin().storage.from(bucket);
    for (const type of ['text/plain, text/html', 'text/plain;charset=utf-8, text/html', 'text/html/x', 'html', 'text/plain; a=b c']) {
      const { error } = await admin.upload(`x-${crypto.randomUUID()}`, script, { contentType: type });
      expect(error, type).toMatchObject({ statusCode: '415', message: `mime type ${type} is not supported` });
    }
    // A multipart form's contentType field too.
    const fields = new FormData();
    fields.append('contentType', 'text/plain, text/html');
    fields.append('', new Blob([script], { type: 'text/plain' }));
    const form = await admin.upload('form.txt', fields);
    expect(form.error).toMatchObject({ statusCode: '415' });
    expect((await admin.list()).data).toEqual([]);
  });

  it('serves a row stored before this check (any spelling, any junk) as plain text', async () => {
    const bucket = await publicBucket();
    const admin = stack.admin().storage.from(bucket);
    expect((await admin.upload('old.html', script, { contentType: 'text/plain' })).error).toBeNull();
    const url = admin.getPublicUrl('old.html').data.publicUrl;
    for (const legacy of ['TEXT/HTML', 'text/plain, text/html', 'image/svg+xml ', ' application/xhtml+xml']) {
      await stack.db.sql`
        update storage.objects set metadata = jsonb_set(metadata, '{mimetype}', to_jsonb(${legacy}::text))
         where bucket_id = ${bucket} and name = 'old.html'`;
      expectGuarded(await fetch(url), TEXT);
    }
  });
});

describe('copy and move keep to the bucket\'s types', () => {
  async function copy(token: string, body: Record<string, unknown>) {
    const response = await fetch(`${stack.apiUrl}/storage/v1/object/copy`, {
      method: 'POST',
      headers: { apikey: stack.keys.publishableKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ bucketId: 'attachments', ...body }),
    });
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  }

  it('copy with metadata.mimetype cannot set a type the bucket refuses', async () => {
    const { user, client } = await signIn(stack);
    const token = (await client.auth.getSession()).data.session!.access_token;
    const source = `${user.id}/chat/${crypto.randomUUID()}/a.txt`;
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect((await client.storage.from('attachments').upload(source, svg, { contentType: 'text/plain' })).error).toBeNull();

    for (const mimetype of ['image/svg+xml', 'TEXT/HTML', 'application/xml', 'text/plain, text/html']) {
      const dest = `${user.id}/chat/${crypto.randomUUID()}/b.svg`;
      const refused = await copy(token, { sourceKey: source, destinationKey: dest, copyMetadata: false, metadata: { mimetype } });
      expect(refused, mimetype).toMatchObject({ status: 400, body: { statusCode: '415', code: 'InvalidMimeType' } });
      expect((await client.storage.from('attachments').exists(dest)).data).toBe(false);
    }
    // An allowed type is stored normalised; without an override the source's type is kept.
    const renamed = `${user.id}/chat/${crypto.randomUUID()}/b.md`;
    expect(await copy(token, { sourceKey: source, destinationKey: renamed, copyMetadata: false, metadata: { mimetype: 'TEXT/Markdown' } })).toMatchObject({ status: 200 });
    expect((await client.storage.from('attachments').info(renamed)).data).toMatchObject({ contentType: 'text/markdown' });
    const plain = `${user.id}/chat/${crypto.randomUUID()}/c.txt`;
    expect((await client.storage.from('attachments').copy(source, plain)).error).toBeNull();
    expect((await client.storage.from('attachments').info(plain)).data).toMatchObject({ contentType: 'text/plain' });
  });

  it('copy and move into another bucket check that bucket\'s types', async () => {
    const admin = stack.admin().storage;
    const open = `open-${crypto.randomUUID().slice(0, 8)}`;
    const images = `images-${crypto.randomUUID().slice(0, 8)}`;
    expect((await admin.createBucket(open, { public: false })).error).toBeNull();
    expect((await admin.createBucket(images, { public: false, allowedMimeTypes: ['image/png'] })).error).toBeNull();
    expect((await admin.from(open).upload('page.svg', '<svg/>', { contentType: 'image/svg+xml' })).error).toBeNull();
    expect((await admin.from(open).upload('dot.png', makePng(2, 2, [0, 0, 0]), { contentType: 'image/png' })).error).toBeNull();

    expect((await admin.from(open).copy('page.svg', 'page.svg', { destinationBucket: images })).error).toMatchObject({ statusCode: '415' });
    expect((await admin.from(open).move('page.svg', 'page.svg', { destinationBucket: images })).error).toMatchObject({ statusCode: '415' });
    expect((await admin.from(images).list()).data).toEqual([]);
    expect((await admin.from(open).exists('page.svg')).data).toBe(true);
    expect((await admin.from(open).copy('dot.png', 'dot.png', { destinationBucket: images })).error).toBeNull();
    expect((await admin.from(open).move('dot.png', 'moved.png', { destinationBucket: images })).error).toBeNull();
    expect((await admin.from(images).list()).data!.map((f) => f.name).sort()).toEqual(['dot.png', 'moved.png']);
  });
});

describe('the attachments bucket', () => {
  it('takes images, PDF and the text types the app uploads, not markup or script types', async () => {
    const { user, client } = await signIn(stack);
    const bucket = client.storage.from('attachments');
    const at = (name: string) => `${user.id}/chat/${crypto.randomUUID()}/${name}`;
    for (const type of ['text/html', 'text/xml', 'application/xml', 'image/svg+xml', 'application/xhtml+xml', 'text/javascript', 'application/javascript', 'text/css', 'text/x-python']) {
      expect((await bucket.upload(at('f'), script, { contentType: type })).error, type).toMatchObject({ statusCode: '415' });
    }
    for (const type of ['text/plain', 'text/markdown', 'text/csv', 'application/json', 'application/pdf', 'image/png']) {
      expect((await bucket.upload(at('f'), 'x', { contentType: type })).error, type).toBeNull();
    }
  });
});
