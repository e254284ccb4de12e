/**
 * Images in chat through the real API, the local Storage and the fake provider (QA16 #3, #4):
 * a model the catalog does not list gets the image (unknown is not blind), one the catalog
 * knows to be text-only is refused; and the bytes one request may send as images are capped
 * before any provider call, each refusal naming the file and the limit.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../fixtures/files.ts';
import { readSse } from '../helpers/api.ts';
import { createStorageApiHarness, uploadAs, type StorageApiHarness, type StorageApiUser } from '../helpers/storage-api.ts';
import { MAX_IMAGE_BYTES, MAX_MESSAGE_IMAGE_BYTES } from '../../supabase/functions/api/lib/attachments/image-limits.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

const uploadPng = (user: StorageApiUser, name: string, png: Buffer) => uploadAs(user, 'chat', name, png, 'image/png');
/** A real PNG followed by `padding` random bytes: sniffed as a PNG, as heavy as a photo. */
const heavyPng = (padding: number) => Buffer.concat([makePng(2, 2, [9, 9, 9]), randomBytes(padding)]);

async function chat(user: StorageApiUser, body: Record<string, unknown>) {
  const res = await user.request('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'What is this?', ...body });
  if (res.status !== 200) return { status: res.status, error: (await res.json()).error, text: '' };
  const events = await readSse(res);
  return { status: 200, error: null, text: events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('') };
}

describe('which models get images', () => {
  it('sends an image to a model the catalog does not list, as a vision-capable endpoint expects', async () => {
    const alice = await h.createUser();
    const image = await uploadPng(alice, 'cat.png', makePng(4, 4, [1, 2, 3]));
    const result = await chat(alice, { model: 'llava-next-unlisted', attachments: [image] });
    expect(result.status).toBe(200);
    expect(result.text).toBe('I received 1 image.');
    const body = h.provider.requests.at(-1)!.body as { model: string; messages: { role: string; content: unknown }[] };
    expect(body.model).toBe('llava-next-unlisted');
    expect(JSON.stringify(body.messages.at(-1)!.content)).toContain('"image_url"');
  });

  it.each([['openai', 'gpt-5'], ['openrouter', 'google/gemini-2.5-flash']])('lets %s %s past the image check (it is not in the catalog)', async (provider, model) => {
    const alice = await h.createUser();
    const image = await uploadPng(alice, 'chart.png', makePng(4, 4, [1, 2, 3]));
    const result = await chat(alice, { provider, model, attachments: [image] });
    // No key is stored: the next check speaks, not the image's.
    expect(result.error).toMatchObject({ code: 'missing_credential' });
  });

  it('still refuses an image for a model the catalog knows cannot read images, before any provider call', async () => {
    const alice = await h.createUser();
    const image = await uploadPng(alice, 'cat.png', makePng(4, 4, [1, 2, 3]));
    const before = h.provider.requests.length;
    const result = await chat(alice, { model: 'demo-text-model', attachments: [image] });
    expect(result.status).toBe(422);
    expect(result.error).toMatchObject({ code: 'model_cannot_see_images', attachment: image, message: expect.stringContaining('demo-text-model cannot read images') });
    expect(h.provider.requests.length).toBe(before);
  });
});

describe('how many image bytes a request may send', () => {
  it('refuses an image over the per-image limit with 413 naming the file and the limit, before any provider call', async () => {
    const alice = await h.createUser();
    const small = await uploadPng(alice, 'small.png', makePng(4, 4, [1, 2, 3]));
    const big = await uploadPng(alice, 'holiday.png', heavyPng(MAX_IMAGE_BYTES));
    const before = h.provider.requests.length;
    const result = await chat(alice, { attachments: [small, big] });
    expect(result.status).toBe(413);
    expect(result.error).toMatchObject({ code: 'image_too_large', attachment: big, limit_bytes: MAX_IMAGE_BYTES });
    expect(result.error.message).toMatch(/^"holiday\.png" is 3\.8 MB; an image sent to a model may be at most 3\.75 MB\./);
    expect(h.provider.requests.length).toBe(before);
  });

  it('refuses the image that takes a message over the total, naming it; the images before it fitted', { timeout: 120_000 }, async () => {
    const alice = await h.createUser();
    const each = MAX_IMAGE_BYTES - 200_000;
    const count = Math.floor(MAX_MESSAGE_IMAGE_BYTES / each) + 1;
    const paths: string[] = [];
    for (let i = 1; i <= count; i++) paths.push(await uploadPng(alice, `scan-${i}.png`, heavyPng(each)));
    const before = h.provider.requests.length;
    const result = await chat(alice, { attachments: paths });
    expect(result.status).toBe(413);
    expect(result.error).toMatchObject({ code: 'images_too_large', attachment: paths.at(-1), limit_bytes: MAX_MESSAGE_IMAGE_BYTES });
    expect(result.error.message).toContain(`Remove "scan-${count}.png" or send it in another message.`);
    expect(h.provider.requests.length).toBe(before);
  });
});
