// Attachments in a real browser (issue 12): drop an image and a PDF onto the composer (both
// made by the test), see their previews upload, ask about them, read the answer of the
// offline demo model (which says what it received) and find the attachment chips again after
// a reload. The files are in the user's folder of the attachments bucket. Files that will not
// be sent leave the bucket: one removed from the tray, and those of a send refused in a way a
// retry cannot fix (listed through the official Storage client, as the user); the tray's files
// stay with the chat's draft, through another page and a reload. An image for a model that
// cannot read it is flagged, never a reason to lose the other files. Editing a question starts
// from its files: one can be left out and others added, and an image too large for the model
// says so there too. A fork keeps the files of its branch.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../supabase/functions/api/lib/attachments/image-limits.ts';
import { makePdf, makePng } from '../fixtures/files.ts';
import { b64, chatFolder, drop } from './attachment-files.ts';
import { addCustomKey, chooseModel, composer, open, reload, screenshot, seriousViolations, signedInClient, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';

describe('attachments in the chat composer', { timeout: 150_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('attachments');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  // QA 16: a name outside ASCII reached the model and the chips as its Storage key made it
  // (`_bersicht _ Bericht.md`; two Chinese names both `__.md`).
  it('drops an image and a PDF, asks about them, and keeps the chips, with the files\' own names, after a reload', async () => {
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
      transfer.items.add(new File([bytes(pdfB64!)], 'Reisekosten – Übersicht 研究.pdf', { type: 'application/pdf' }));
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
    await expect(answer.textContent()).resolves.toContain('I received 1 image and the file Reisekosten – Übersicht 研究.pdf.');
    await waitForChatPage(page);
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(0);

    const chips = page.getByTestId('message-attachment');
    await expect.poll(() => chips.count()).toBe(2);
    await reload(page);
    await expect.poll(() => chips.count()).toBe(2);
    const names = await chips.allTextContents();
    expect(names.join(' ')).toContain('green.png');
    expect(names.join(' ')).toContain('Reisekosten – Übersicht 研究.pdf');
    await screenshot(page, 'attachments');

    // "Fork from here" carries the question's files into the new chat.
    const original = page.url();
    await answer.getByRole('button', { name: 'Fork from here' }).click();
    await page.waitForURL((url) => /\/chat\/[0-9a-f-]{36}$/.test(url.pathname) && url.href !== original);
    await page.getByText('What is in these files?', { exact: true }).first().waitFor();
    await expect.poll(() => chips.count()).toBe(2);
    expect((await chips.allTextContents()).join(' ')).toContain('Reisekosten – Übersicht 研究.pdf');
  });

  it('a send waits for a file still uploading and says so; a refused file is named as not sent', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'attachments-waiting-failed'));
    await signUp(page);
    await chooseModel(page, 'demo');
    const tray = page.getByTestId('attachment-tray');
    const note = page.getByTestId('composer-note');
    const answers = page.locator('article[aria-label="Assistant message"][data-status="complete"]');

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

  // QA 3: an edited question showed no chips until a reload, and an edit could not change its files.
  it('an edit starts from the question\'s files: one left out, one added, the chips shown at once', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'attachments-edit-failed'));
    const email = await signUp(page);
    const stored = await chatFolder(e2e, email);
    await chooseModel(page, 'demo');
    const tray = page.getByTestId('attachment-tray');
    await drop(page, [['keep.md', 'text/markdown', b64('# keep')], ['gone.md', 'text/markdown', b64('# gone')]]);
    await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(2);
    await composer(page).fill('Read both');
    await composer(page).press('Enter');
    await waitForChatPage(page);
    const answer = page.locator('article[aria-label="Assistant message"][data-status="complete"]');
    await answer.waitFor({ timeout: 60_000 });
    const chips = page.getByTestId('message-attachment');
    await expect.poll(() => chips.count()).toBe(2);
    // QA18 #5: the question also carries an image stored before the per-image cap (its row says
    // so, as an older API recorded it; the object sits outside the chat folder listed below).
    const { client, user } = await signedInClient(e2e, email);
    const photo = `${user.id}/before-the-cap/class-photo.png`;
    expect((await client.storage.from('attachments').upload(photo, makePng(4, 4, [9, 9, 9]), { contentType: 'image/png' })).error).toBeNull();
    await e2e.db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size, token_count, truncated, extracted_text)
      select id, user_id, ${photo}, 'class-photo.png', 'image/png', ${MAX_IMAGE_BYTES + 1_000_000}, 765, false, '' from public.messages where user_id = ${user.id} and sender = 'user'`;
    await reload(page);
    await expect.poll(() => chips.filter({ hasText: 'class-photo.png' }).textContent()).toContain('not sent to the model: too large');

    // Edit: the box's tray holds the question's files, the photo's chip saying it will be left out
    // again and how to send it; one ✕, the photo ✕ as it says, one dropped in.
    const sent = () => page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/chat');
    await page.getByRole('article', { name: 'Your message' }).getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByTestId('edit-message');
    await expect.poll(async () => (await edit.getByTestId('attachment-chip').allTextContents()).join()).toMatch(/(keep\.md.*gone\.md|gone\.md.*keep\.md)/);
    const tooLarge = edit.getByTestId('attachment-chip').filter({ hasText: 'class-photo.png' }).getByTestId('image-too-large');
    await expect(tooLarge.textContent()).resolves.toBe('not sent to the model: too large — remove it and attach a smaller copy');
    expect(await edit.getByTestId('image-too-large').count()).toBe(1); // the other files say nothing
    await edit.getByRole('button', { name: 'Remove class-photo.png' }).click();
    await edit.getByRole('button', { name: 'Remove gone.md' }).click(); // the box's tray is the one list while open (QA 5 #8):
    await expect.poll(() => chips.count()).toBe(0); // the question's chip row below it is hidden
    await drop(page, [['new.md', 'text/markdown', b64('# new')]], '[data-testid="edit-message"] textarea');
    await expect.poll(() => edit.getByTestId('attachment-chip').count()).toBe(2);
    await expect.poll(() => edit.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    await edit.getByRole('textbox', { name: 'Edit message' }).fill('Read these');
    let request = sent();
    await edit.getByRole('button', { name: 'Save & resend' }).click();
    const files = (await request).postDataJSON().attachments as string[];
    expect(files.map((f) => f.split('/').pop())).toEqual(['keep.md', 'new.md']); // kept first, then added
    // The new version shows its chips at once, not after a reload.
    await expect.poll(() => chips.allTextContents()).toEqual([expect.stringContaining('keep.md'), expect.stringContaining('new.md')]);
    await expect.poll(() => answer.textContent(), { timeout: 60_000 }).toContain('I received the files keep.md, new.md.');
    // The first version still carries gone.md: leaving it out deleted nothing.
    expect(await stored()).toEqual(['gone.md', 'keep.md', 'new.md']);

    // Every file left out: the request names none, the answer had none, no chips (also after a reload).
    await page.getByRole('article', { name: 'Your message' }).getByRole('button', { name: 'Edit' }).click();
    for (const name of ['keep.md', 'new.md']) await edit.getByRole('button', { name: `Remove ${name}` }).click();
    request = sent();
    await edit.getByRole('button', { name: 'Save & resend' }).click();
    expect((await request).postDataJSON().attachments).toEqual([]);
    await answer.waitFor({ timeout: 60_000 });
    await expect(answer.textContent()).resolves.not.toContain('I received');
    expect(await chips.count()).toBe(0);
    await reload(page);
    await answer.waitFor();
    expect(await chips.count()).toBe(0);
    expect(await stored()).toEqual(['gone.md', 'keep.md', 'new.md']);
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

  it('deletes a file removed from the tray and a refused send\'s unless it can still be sent; the draft keeps the rest through a reload', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'attachments-cleanup-failed'));
    const email = await signUp(page);
    await chooseModel(page, 'demo');

    const stored = await chatFolder(e2e, email);

    const tray = page.getByTestId('attachment-tray');
    const uploaded = async (count: number) => {
      await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(count);
      await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    };
    await drop(page, [['keep.md', 'text/markdown', b64('# keep')], ['drop.png', 'image/png', makePng(4, 4, [200, 0, 0]).toString('base64')]]);
    await uploaded(2);
    await expect.poll(stored).toEqual(['drop.png', 'keep.md']);

    // ✕ on a chip removes the file from the bucket, not only from the tray. The keyboard stays
    // in the tray, on the chip before it (it fell back to the page's body).
    await tray.getByRole('button', { name: 'Remove drop.png' }).click();
    await uploaded(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Remove keep.md');
    await expect.poll(stored).toEqual(['keep.md']);

    // Leaving the chat in the app with a file still in the tray keeps it with the chat's draft:
    // back in the chat, it is in the tray again; its ✕ removes it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(/\/settings$/);
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    expect(await stored()).toEqual(['keep.md']);
    await open(page, '/chat');
    await uploaded(1);
    await tray.getByRole('button', { name: 'Remove keep.md' }).click();
    await uploaded(0);
    await expect.poll(stored).toEqual([]);

    // An image for a model that cannot read images: its chip says so as soon as it is attached,
    // and Enter sends nothing — the text and every file stay, nothing is deleted.
    await chooseModel(page, 'demo', 'demo-text-model');
    await drop(page, [['photo.png', 'image/png', makePng(4, 4, [0, 0, 200]).toString('base64')], ['notes.md', 'text/markdown', b64('# notes')]]);
    await uploaded(2);
    await expect.poll(stored).toEqual(['notes.md', 'photo.png']);
    await tray.getByTestId('image-unreadable').filter({ hasText: 'Demo text model cannot read images' }).waitFor();
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
    await chooseModel(page, 'demo', 'demo-text-model');
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

    // No answer at all (the server cannot be reached): the message waits in the chat with its
    // file, which stays in Storage…
    await page.route('**/api/chat', (route) => route.abort('internetdisconnected'));
    await drop(page, [['retry.md', 'text/markdown', b64('# send me later')]]);
    await uploaded(1);
    await composer(page).fill('Read this when you can');
    await composer(page).press('Enter');
    const queued = page.getByTestId('queued-message');
    await queued.getByText('With retry.md').waitFor();
    await expect(queued.getByRole('status').textContent()).resolves.toBe('Waiting for Mr.Prompt to answer — will send when it can be reached');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(0);
    expect(await stored()).toEqual(['notes.md', 'retry.md']);
    // …through a reload, as what the box holds does (its draft), while a file still uploading
    // when the page went is removed and named as lost, not dropped without a word (QA 3)…
    await composer(page).fill('Typed meanwhile');
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/storage/v1/object/upload/sign/**', async (route) => {
      await held;
      await route.continue().catch(() => {});
    });
    await drop(page, [['half.md', 'text/markdown', b64('# half')]]);
    await expect.poll(() => tray.locator('progress').count()).toBe(1);
    await reload(page);
    release();
    await page.unroute('**/storage/v1/object/upload/sign/**');
    await queued.getByText('Read this when you can').waitFor();
    await queued.getByText('With retry.md').waitFor();
    await expect.poll(() => composer(page).inputValue()).toBe('Typed meanwhile');
    await page.getByTestId('composer-note').filter({ hasText: '"half.md" had not finished uploading when the page closed and was not kept: attach it again.' }).waitFor();
    await screenshot(page, 'attachments-queued-reloaded');
    // …and is sent by itself, with its file, once the server answers again.
    await page.unroute('**/api/chat');
    await waitForChatPage(page);
    const sentAnswer = page.locator('article[aria-label="Assistant message"][data-status="complete"]');
    await sentAnswer.waitFor({ timeout: 60_000 });
    await expect(sentAnswer.textContent()).resolves.toContain('I received the file retry.md.');
    await expect(queued.count()).resolves.toBe(0);
    await expect(composer(page).inputValue()).resolves.toBe('Typed meanwhile');
    expect(await stored()).toEqual(['notes.md', 'retry.md']);
    await open(page, '/chat');

    // Signing out with a file in the tray (kept by the chat's draft until now) removes it first.
    await drop(page, [['left.md', 'text/markdown', b64('# left behind')]]);
    await uploaded(1);
    await expect.poll(stored).toEqual(['left.md', 'notes.md', 'retry.md']);
    const signOut = page.waitForRequest((request) => request.method() === 'DELETE' && new URL(request.url()).pathname === '/storage/v1/object/attachments');
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(JSON.parse((await signOut).postData() ?? '{}')).toEqual({ prefixes: [expect.stringMatching(/\/chat\/[^/]+\/left\.md$/)] });
    await expect.poll(stored).toEqual(['notes.md', 'retry.md']);
  });
});
