// A file whose upload fails on the way (QA 4 #4): the network drops during the Storage PUT,
// which Playwright's page.route aborts once. In the chat the chip says so and offers Retry (the
// picked File is still in memory); Enter sends nothing while it has failed and says why, and
// after Retry the question goes with the file. On a project page the failed file stays listed
// as failed with Retry and Dismiss, instead of a toast that fades.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { chooseModel, composer, open, screenshot, signUp, startE2E, type E2E } from './helpers.ts';

const SIGNED_PUT = '**/storage/v1/object/upload/sign/**';

/** The next `times` PUTs of a file to Storage lose their connection; the rest go through. */
async function dropUploads(page: Page, times = 1): Promise<() => number> {
  let dropped = 0;
  await page.route(SIGNED_PUT, async (route) => {
    if (route.request().method() === 'PUT' && dropped < times) {
      dropped++;
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  return () => dropped;
}

describe('a failed upload can be retried', { timeout: 150_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('upload-retry');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('in the chat: the chip offers Retry, and Enter holds the question until the file is there', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'upload-retry-chat-failed'));
    await signUp(page);
    await chooseModel(page, 'demo');
    const tray = page.getByTestId('attachment-tray');
    const note = page.getByTestId('composer-note');
    const dropped = await dropUploads(page);

    await page.locator('input[type=file][aria-label="Attach files"]').first().setInputFiles([{ name: 'hotel.txt', mimeType: 'text/plain', buffer: Buffer.from('Hotel Sakura, 3 nights, check-in 15:00.\n') }]);
    await tray.getByRole('alert').getByText('Upload failed: network error').waitFor({ timeout: 30_000 });
    expect(dropped()).toBe(1);
    const retry = tray.getByRole('button', { name: 'Retry hotel.txt' });
    await retry.waitFor();

    // Enter sends nothing while the file has failed, and says why.
    await composer(page).fill('Read the file please');
    await composer(page).press('Enter');
    await note.getByText('hotel.txt did not upload — retry or remove it. Nothing was sent.').waitFor();
    await screenshot(page, 'upload-retry-chat-held');
    expect(await page.getByRole('article', { name: 'Your message' }).count()).toBe(0);
    await expect(composer(page).inputValue()).resolves.toBe('Read the file please');

    // Retry uploads the same file again: the chip is whole, the note goes, and the question goes with it.
    await retry.click();
    await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => tray.getByRole('alert').count()).toBe(0);
    await expect.poll(() => note.count()).toBe(0);
    await composer(page).press('Enter');
    const answer = page.locator('article[aria-label="Assistant message"][data-status="complete"]').first();
    await answer.waitFor({ timeout: 60_000 });
    await expect(answer.textContent()).resolves.toContain('I received the file hotel.txt.');
  });

  it('on a project page: a failed file stays listed with Retry and Dismiss', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'upload-retry-project-failed'));
    await signUp(page);
    const projectId = await page.evaluate(async () => {
      const res = await fetch('/api/projects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Trip' }) });
      return ((await res.json()) as { id: string }).id;
    });
    await open(page, `/projects/${projectId}`);
    const files = page.getByRole('region', { name: 'Files' });
    const addingList = files.getByRole('list', { name: 'Adding' });
    const listed = files.getByRole('list', { name: 'Project files' });
    const pick = (name: string) => page.getByLabel('Add project files').setInputFiles([{ name, mimeType: 'text/markdown', buffer: Buffer.from(`# ${name}\n\nTrain at 9:12.\n`) }]);
    await dropUploads(page, 2);

    await pick('plan.md');
    await addingList.getByRole('alert').getByText('Upload failed: network error').waitFor({ timeout: 30_000 });
    await screenshot(page, 'upload-retry-project-held');
    await addingList.getByRole('button', { name: 'Retry plan.md' }).click();
    // Dropped a second time: still listed, still with Retry. The third try goes through.
    await addingList.getByRole('alert').getByText('Upload failed: network error').waitFor({ timeout: 30_000 });
    await addingList.getByRole('button', { name: 'Retry plan.md' }).click();
    await listed.getByText('plan.md').waitFor({ timeout: 30_000 });
    await expect.poll(() => addingList.count()).toBe(0);

    // Dismiss takes a failed one off the list without adding it.
    await page.unroute(SIGNED_PUT);
    await dropUploads(page, 1);
    await pick('later.md');
    await addingList.getByRole('button', { name: 'Dismiss later.md' }).click();
    await expect.poll(() => addingList.count()).toBe(0);
    expect(await listed.getByText('later.md').count()).toBe(0);
  });
});
