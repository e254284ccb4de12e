// Attachments in a real browser (issue 12): drop an image and a PDF onto the composer (both
// made by the test), see their previews upload, ask about them, read the answer of the
// offline demo model (which says what it received) and find the attachment chips again after
// a reload. The files are in the user's folder of the attachments bucket. Files that will not
// be sent leave the bucket: one removed from the tray, the tray's files when the composer goes
// away, and those of a send refused in a way a retry cannot fix (listed through the official
// Storage client, as the user). An image for a model that cannot read it is flagged, never a
// reason to lose the other files.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { makePdf, makePng } from '../fixtures/files.ts';
import { addCustomKey, chooseModel, composer, open, reload, screenshot, seriousViolations, signedInClient, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';

/** Drops files (name, MIME type, base64 bytes) onto the composer, as a real drag and drop does. */
async function drop(page: Page, files: [string, string, string][]) {
  await page.evaluate((list) => {
    const transfer = new DataTransfer();
    for (const [name, type, b64] of list) transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }));
    const target = document.querySelector('textarea#composer')!.closest('form')!;
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
}

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
    await waitForChatPage(page);
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

  it('a send waits for a file still uploading and says so; a refused file is named as not sent', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'attachments-waiting-failed'));
    await signUp(page);
    await chooseModel(page, 'demo');
    const tray = page.getByTestId('attachment-tray');
    const note = page.getByTestId('composer-note');
    const answers = page.locator('article[aria-label="Assistant message"][data-status="complete"]');
    const b64 = (text: string) => Buffer.from(text).toString('base64');

    // The upload is held back: Enter does not send yet, and the composer says what it waits for.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/storage/v1/object/upload/sign/**', async (route) => {
      await held;
      await route.continue();
    });
    await drop(page, [['slow.md', 'text/markdown', b64('# slow')]]);
    await expect.poll(() => tray.locator('progress').count()).toBe(1);
    await composer(page).fill('Summarise slow.md');
    await composer(page).press('Enter');
    await note.getByText('Waiting for slow.md to finish uploading…').waitFor();
    await screenshot(page, 'attachments-waiting');
    expect(await page.getByRole('article', { name: 'Your message' }).count()).toBe(0);
    // Once it has uploaded, the message goes with the file, and the note with it.
    release();
    await answers.first().waitFor({ timeout: 60_000 });
    await expect(answers.first().textContent()).resolves.toContain('I received the file slow.md.');
    expect(await note.count()).toBe(0);
    await page.unroute('**/storage/v1/object/upload/sign/**');

    // A file of a type that cannot be attached stays out, and the composer says it was not sent.
    await drop(page, [['clip.mp4', 'video/mp4', b64('not a video')], ['notes.md', 'text/markdown', b64('# notes')]]);
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(2);
    await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    await composer(page).fill('And these?');
    await composer(page).press('Enter');
    await note.getByText('Sent without a file: clip.mp4: only images').waitFor();
    await answers.nth(1).waitFor({ timeout: 60_000 });
    await expect(answers.nth(1).textContent()).resolves.toContain('I received the file notes.md.');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(0);
    await note.getByRole('button', { name: 'Dismiss' }).click();
    expect(await note.count()).toBe(0);
  });

  // QA 3 #6: picking more files than a message takes (10, the API's MAX_ATTACHMENTS_PER_MESSAGE)
  // silently dropped the rest. Now the tray names them, and the send says they did not go.
  it('names the files picked beyond the ten a message takes, in the tray and at send', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'attachments-overflow-failed'));
    await signUp(page);
    await chooseModel(page, 'demo');
    const tray = page.getByTestId('attachment-tray');
    const note = page.getByTestId('composer-note');
    const png = makePng(8, 8, [200, 40, 40]).toString('base64');
    const text = (i: number): [string, string, string] => [`f${i}.txt`, 'text/plain', Buffer.from(`file ${i}`).toString('base64')];

    // Two images, then twelve text files at once: ten go in, the last four are named.
    await drop(page, [['a.png', 'image/png', png], ['b.png', 'image/png', png]]);
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(2);
    await drop(page, Array.from({ length: 12 }, (_, i) => text(i)));
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(10);
    const overflow = tray.getByRole('alert').filter({ hasText: 'Up to 10 files per message' });
    await expect(overflow.textContent()).resolves.toContain('Up to 10 files per message; 4 were not added: f8.txt, f9.txt, f10.txt, f11.txt.');
    // A file of the wrong type is still refused for what it is, not as one too many.
    await drop(page, [['clip.mp4', 'video/mp4', Buffer.from('x').toString('base64')]]);
    await tray.getByText('clip.mp4: only images').waitFor();
    await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    await screenshot(page, 'attachments-overflow');

    await composer(page).fill('Read them all');
    await composer(page).press('Enter');
    await note.getByText('Sent without 5 files: clip.mp4: only images').waitFor();
    await expect(note.textContent()).resolves.toContain('f11.txt: not added (up to 10 files per message)');
    const answer = page.locator('article[aria-label="Assistant message"][data-status="complete"]').first();
    await answer.waitFor({ timeout: 60_000 });
    await expect(answer.textContent()).resolves.toContain('f7.txt');
    await expect(answer.textContent()).resolves.not.toContain('f8.txt');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(0);
    expect(await overflow.count()).toBe(0);
  });

  // Audit F1: an XML file attached as application/xml opened (its chip) as a page of the API's
  // origin, and its script ran. Now XML and SVG upload as text/plain and open as text.
  it('attaches XML and SVG as text; their chips open them as text, their script never runs', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'attachments-markup-failed'));
    await signUp(page);
    await chooseModel(page, 'demo');
    const tray = page.getByTestId('attachment-tray');
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const run = '<script>document.title = "script ran"</script>';
    await drop(page, [
      ['notes.xml', 'application/xml', b64(`<html xmlns="http://www.w3.org/1999/xhtml"><head><title>notes</title></head><body>${run}</body></html>`)],
      ['logo.svg', 'image/svg+xml', b64(`<svg xmlns="http://www.w3.org/2000/svg"><title>logo</title>${run}</svg>`)],
    ]);
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(2);
    await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    await expect(tray.getByRole('alert').count()).resolves.toBe(0);
    await composer(page).fill('What do these say?');
    await composer(page).press('Enter');
    const answer = page.locator('article[aria-label="Assistant message"][data-status="complete"]').last();
    await answer.waitFor({ timeout: 60_000 });
    await expect(answer.textContent()).resolves.toContain('I received the files notes.xml, logo.svg.');

    for (const name of ['notes.xml', 'logo.svg']) {
      const [opened] = await Promise.all([
        page.context().waitForEvent('page'),
        page.getByTestId('message-attachment').filter({ hasText: name }).click(),
      ]);
      await opened.waitForLoadState('load');
      await opened.waitForTimeout(500);
      expect(await opened.evaluate(() => document.contentType), name).toBe('text/plain');
      expect(await opened.title(), name).not.toBe('script ran');
      expect(await opened.evaluate(() => document.body.innerText), name).toContain(run);
      await opened.close();
    }
  });

  // One retry: a real regression fails twice. Its last step is the page's best-effort keepalive
  // request as a tab closes (what it misses the server's sweep removes later); see there.
  it('deletes a file removed from the tray, an abandoned draft\'s files, and a refused send\'s unless it can still be sent', { retry: 1 }, async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'attachments-cleanup-failed'));
    const email = await signUp(page);
    await chooseModel(page, 'demo');

    // The user's chat folder, listed through the official Storage client as the user.
    const { client, user } = await signedInClient(e2e, email);
    const bucket = client.storage.from('attachments');
    const stored = async () => {
      const root = `${user.id}/chat`;
      const { data: folders } = await bucket.list(root);
      const names: string[] = [];
      for (const folder of folders ?? []) {
        const { data: files } = await bucket.list(`${root}/${folder.name}`);
        names.push(...(files ?? []).map((f) => f.name));
      }
      return names.sort();
    };

    const tray = page.getByTestId('attachment-tray');
    const uploaded = async (count: number) => {
      await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(count);
      await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    };
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    await drop(page, [['keep.md', 'text/markdown', b64('# keep')], ['drop.png', 'image/png', makePng(4, 4, [200, 0, 0]).toString('base64')]]);
    await uploaded(2);
    await expect.poll(stored).toEqual(['drop.png', 'keep.md']);

    // ✕ on a chip removes the file from the bucket, not only from the tray. The keyboard stays
    // in the tray, on the chip before it (it fell back to the page's body).
    await tray.getByRole('button', { name: 'Remove drop.png' }).click();
    await uploaded(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Remove keep.md');
    await expect.poll(stored).toEqual(['keep.md']);

    // Leaving the chat in the app with a file still in the tray abandons the draft: the file goes too.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(/\/settings$/);
    await expect.poll(stored).toEqual([]);
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);

    // An image for a model that cannot read images: its chip says so as soon as it is attached,
    // and Enter sends nothing — the text and every file stay, nothing is deleted.
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'text-only-model');
    await drop(page, [['photo.png', 'image/png', makePng(4, 4, [0, 0, 200]).toString('base64')], ['notes.md', 'text/markdown', b64('# notes')]]);
    await uploaded(2);
    await expect.poll(stored).toEqual(['notes.md', 'photo.png']);
    await tray.getByTestId('image-unreadable').filter({ hasText: 'text-only-model cannot read images' }).waitFor();
    await composer(page).fill('What is in this photo?');
    await composer(page).press('Enter');
    await page.getByTestId('composer-note').filter({ hasText: 'remove "photo.png" or pick a model that can. Nothing was sent.' }).waitFor();
    await expect.poll(() => composer(page).inputValue()).toBe('What is in this photo?');
    expect(await tray.getByTestId('attachment-chip').count()).toBe(2);
    expect(await stored()).toEqual(['notes.md', 'photo.png']);
    // A model that reads images takes the warning away; back to a text-only one, it is there again.
    await chooseModel(page, 'demo');
    await expect.poll(() => tray.getByTestId('image-unreadable').count()).toBe(0);
    await expect.poll(() => page.getByTestId('composer-note').count()).toBe(0);
    await chooseModel(page, 'custom', 'text-only-model');
    await tray.getByTestId('image-unreadable').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'attachments-unreadable-image');

    // An image the browser took for text (PNG bytes named .md) is refused by the server (422
    // naming it): the text and both files come back, that one flagged; one ✕ and the rest sends.
    await tray.getByRole('button', { name: 'Remove photo.png' }).click();
    await drop(page, [['sneaky.md', 'text/markdown', makePng(4, 4, [0, 200, 0]).toString('base64')]]);
    await uploaded(2);
    await composer(page).press('Enter');
    const alert = page.getByTestId('send-outcome').getByRole('alert').filter({ hasText: 'cannot read images' });
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('remove "sneaky.md". Your text and files are back in the message box, the file at fault marked.');
    await expect(alert.getByRole('button', { name: 'Retry' }).count()).resolves.toBe(0);
    await expect.poll(() => composer(page).inputValue()).toBe('What is in this photo?');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(2);
    await tray.getByTestId('attachment-chip').filter({ hasText: 'sneaky.md' }).getByRole('alert').filter({ hasText: 'cannot read images' }).waitFor();
    expect(await stored()).toEqual(['notes.md', 'sneaky.md']);
    await screenshot(page, 'attachments-refused');
    await tray.getByRole('button', { name: 'Remove sneaky.md' }).click();
    await expect.poll(stored).toEqual(['notes.md']);
    await composer(page).press('Enter');
    await waitForChatPage(page);
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    expect(await stored()).toEqual(['notes.md']); // sent with the message, kept with it
    await open(page, '/chat');

    // No answer at all (the server cannot be reached): nothing was sent, so the text and the
    // file go back to the message box to send again, and the file stays in Storage…
    await page.route('**/api/chat', (route) => route.abort('internetdisconnected'));
    await drop(page, [['retry.md', 'text/markdown', b64('# send me later')]]);
    await uploaded(1);
    await composer(page).fill('Read this when you can');
    await composer(page).press('Enter');
    const unsent = page.getByTestId('send-outcome').getByRole('alert').filter({ hasText: 'could not be reached, so your message was not sent' });
    await unsent.waitFor();
    await expect(unsent.textContent()).resolves.toContain('Your text and files are back in the message box');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(1);
    await expect.poll(() => composer(page).inputValue()).toBe('Read this when you can');
    expect(await stored()).toEqual(['notes.md', 'retry.md']);
    await page.unroute('**/api/chat');
    // …until the chat is left with it still in the tray: an abandoned draft's file goes.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(/\/settings$/);
    await expect.poll(stored).toEqual(['notes.md']);
    await open(page, '/chat');

    // Closing the tab with a file in the tray: on `pagehide` the page sends a keepalive request that
    // removes it and outlives the page. The test fires `pagehide` itself, as Chromium does when a
    // tab closes, and closes the page as soon as the request has been issued: closed by
    // `page.close()` alone, the file stayed in one attempt of a whole `npm test` on 2 busy cores
    // (2026-12-03) and in both attempts of another (2026-12-05), while the step passed every time
    // it ran alone (3 of 3 on 2026-12-03; 6 of 6 on 2026-12-05, 3 of them beside four busy loops).
    // Whether Chromium ran the handler then is not observable from here, and is the browser's
    // part, not the page's.
    await drop(page, [['left.md', 'text/markdown', b64('# left behind')]]);
    await uploaded(1);
    await expect.poll(stored).toEqual(['left.md', 'notes.md']);
    const discard = page.waitForRequest((request) => request.method() === 'DELETE' && new URL(request.url()).pathname === '/storage/v1/object/attachments');
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false })));
    expect(JSON.parse((await discard).postData() ?? '{}')).toEqual({ prefixes: [expect.stringMatching(/\/chat\/[^/]+\/left\.md$/)] });
    await page.close({ runBeforeUnload: true });
    await expect.poll(stored).toEqual(['notes.md']);
  });
});
