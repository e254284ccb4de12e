// A phone photo attached in a real browser (QA16 #3, #4): a 3000×2250 JPEG carrying EXIF with
// GPS coordinates, made by the page itself, dropped onto the composer of a chat with a Custom
// (OpenAI-compatible) model the catalog does not list. The chip says only that the model may
// not read images, the send goes, and what the provider receives is the photo redrawn: smaller,
// at most 2000 px on its long side, and without the EXIF block or the coordinates.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { addCustomKey, chooseModel, composer, open, screenshot, signUp, startE2E, type E2E } from './helpers.ts';

const GPS_TEXT = 'GPSLatitude 52.5200N GPSLongitude 13.4050E';

/** Width and height in a JPEG's start-of-frame segment (baseline or progressive). */
function jpegSize(bytes: Buffer): { width: number; height: number } | null {
  for (let i = 2; i + 9 < bytes.length;) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xc0 || marker === 0xc2) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + bytes.readUInt16BE(i + 2);
  }
  return null;
}

describe('a large photo with EXIF, attached in the browser', { timeout: 240_000 }, () => {
  let e2e: E2E;
  let provider: FakeProvider;
  beforeAll(async () => {
    e2e = await startE2E('attachments-images');
    provider = await startFakeProvider();
  });
  afterAll(async () => {
    await provider?.stop();
    await e2e?.stop();
  });

  it('reaches a custom model smaller and without its EXIF location', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'attachments-images-failed'));
    await signUp(page);
    await addCustomKey(page, provider, `sk-e2e-${crypto.randomUUID()}`);
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'vision-proxy-model');

    // The photo: noise (so JPEG cannot shrink it much), encoded by the page, with an EXIF APP1
    // segment holding a GPS position put right after the JPEG's start marker, as a camera does.
    const original = await page.evaluate(async (gps) => {
      const canvas = new OffscreenCanvas(3000, 2250);
      const context = canvas.getContext('2d')!;
      const pixels = context.createImageData(3000, 2250);
      for (let i = 0; i < pixels.data.length; i += 4) {
        const v = (i * 2654435761) >>> 24;
        pixels.data.set([v, (v * 7) & 255, (i >> 10) & 255, 255], i);
      }
      context.putImageData(pixels, 0, 0);
      const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer());
      const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
      // "Exif\0\0", a big-endian TIFF header, an IFD with no entries, then the position as text.
      const payload = [...ascii('Exif'), 0, 0, ...ascii('MM'), 0, 42, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, ...ascii(gps)];
      const length = payload.length + 2;
      const exif = new Uint8Array([0xff, 0xe1, length >> 8, length & 255, ...payload]);
      const bytes = new Uint8Array(jpeg.length + exif.length);
      bytes.set(jpeg.subarray(0, 2));
      bytes.set(exif, 2);
      bytes.set(jpeg.subarray(2), 2 + exif.length);
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'holiday.jpg', { type: 'image/jpeg' }));
      const form = document.querySelector('textarea#composer')!.closest('form')!;
      form.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      form.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      return { size: bytes.length };
    }, GPS_TEXT);
    expect(original.size).toBeGreaterThan(4_000_000);

    const tray = page.getByTestId('attachment-tray');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(1);
    await expect.poll(() => tray.locator('progress').count(), { timeout: 60_000 }).toBe(0);
    expect(await tray.getByRole('alert').count()).toBe(0);
    // Not in the catalog: unknown, not blind — said quietly, and nothing is held back.
    await tray.getByTestId('image-uncertain').filter({ hasText: 'vision-proxy-model may not read images' }).waitFor();
    expect(await tray.getByTestId('image-unreadable').count()).toBe(0);

    const before = provider.requests.length;
    await composer(page).fill('Where was this taken?');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });

    const call = provider.requests.slice(before).find((r) => JSON.stringify(r.body).includes('"image_url"'));
    expect(call).toBeDefined();
    const messages = (call!.body as { messages: { role: string; content: unknown }[] }).messages;
    const parts = messages.filter((m) => m.role === 'user').at(-1)!.content as { type: string; image_url?: { url: string } }[];
    const url = parts.find((p) => p.type === 'image_url')!.image_url!.url;
    const match = /^data:(image\/[a-z]+);base64,(.+)$/.exec(url);
    expect(match?.[1]).toBe('image/jpeg');
    const sent = Buffer.from(match![2]!, 'base64');
    expect(sent.length).toBeLessThan(original.size / 2);
    expect(sent.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    expect(sent.includes(Buffer.from('GPSLatitude', 'latin1'))).toBe(false);
    const size = jpegSize(sent);
    expect(size).toEqual({ width: 2000, height: 1500 });
    await screenshot(page, 'attachments-images');
  });
});
