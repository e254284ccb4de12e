// Attachments in a real browser (issue 12): drop an image and a PDF onto the composer (both
// made by the test), see their previews upload, ask about them, read the answer of the
// offline demo model (which says what it received) and find the attachment chips again after
// a reload. The files are in the user's folder of the attachments bucket.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { makePdf, makePng } from '../fixtures/files.ts';
import { chooseModel, composer, reload, screenshot, signUp, startE2E, type E2E } from './helpers.ts';

describe('attachments in the chat composer', { timeout: 150_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('attachments');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('drops an image and a PDF, asks about them, and keeps the chips after a reload', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'attachments-failed'));
    await signUp(page);
    await chooseModel(page, 'demo');

    const png = makePng(16, 16, [30, 160, 90]).toString('base64');
    const pdf = makePdf(['Travel budget', 'Flights 420 EUR, hotel 380 EUR']).toString('base64');
    // A real drop: a DataTransfer with two Files, dispatched on the composer.
    await page.evaluate(([pngB64, pdfB64]) => {
      const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes(pngB64!)], 'green.png', { type: 'image/png' }));
      transfer.items.add(new File([bytes(pdfB64!)], 'budget.pdf', { type: 'application/pdf' }));
      const target = document.querySelector('textarea#composer')!.closest('form')!;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, [png, pdf]);

    const tray = page.getByTestId('attachment-tray');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(2);
    await expect.poll(() => tray.locator('img').count()).toBe(1); // the image preview
    // Uploads finish: no progress bars left, no errors.
    await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    await expect(tray.getByRole('alert').count()).resolves.toBe(0);

    await composer(page).fill('What is in these files?');
    await composer(page).press('Enter');
    const answer = page.locator('article[aria-label="Assistant message"][data-status="complete"]').last();
    await answer.waitFor();
    await expect(answer.textContent()).resolves.toContain('I received 1 image and the file budget.pdf.');
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(0);

    const chips = page.getByTestId('message-attachment');
    await expect.poll(() => chips.count()).toBe(2);
    await reload(page);
    await expect.poll(() => chips.count()).toBe(2);
    const names = await chips.allTextContents();
    expect(names.join(' ')).toContain('green.png');
    expect(names.join(' ')).toContain('budget.pdf');
    await screenshot(page, 'attachments');
  });
});
