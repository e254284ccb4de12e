// The prompt library's order and bulk actions: the order chosen is in the URL (it survives a
// reload and Back) and the keyboard stays on it from one order to the next (and in the search box
// after a search); sorted by use, each prompt says its count; Select mode picks prompts (Shift+click: a range) to tag several at once, or
// to delete them with Undo, the toast saying which project loses its system prompt and which
// prompt was public. On a 390 px screen, as a phone shows it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, reload, screenshot, seriousViolations, signUp, startE2E, type E2E } from './helpers.ts';

/** Creates a prompt through the API as the signed-in page; returns its id. */
const newPrompt = (page: Page, title: string, isPublic = false) =>
  page.evaluate(async ({ title, isPublic }) => {
    const res = await fetch('/api/prompts', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title, content: `Write about {{topic}} for ${title}.`, is_public: isPublic }) });
    return ((await res.json()) as { id: string }).id;
  }, { title, isPublic });

/** The titles the library lists, top to bottom. */
const titles = (page: Page) => page.getByRole('list', { name: 'Prompts' }).locator('li > div > a').allInnerTexts();

/** The API's tags of a prompt, asked from the page. */
const tagsOf = (page: Page, id: string) => page.evaluate(async (id) => ((await (await fetch(`/api/prompts/${id}`)).json()) as { tags: string[] }).tags, id);

/** Records the prompt DELETE requests the page sends. */
function deletesSent(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (request) => {
    const match = /^\/api\/prompts\/([0-9a-f-]{36})$/.exec(new URL(request.url()).pathname);
    if (request.method() === 'DELETE' && match) sent.push(match[1]!);
  });
  return sent;
}

describe('prompt library: order and bulk actions', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('prompt-library-bulk');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('sorts by name in the URL, tags three picked prompts, deletes two with Undo, then lets one delete go', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signUp(page);
    const sent = deletesSent(page);
    const ids: Record<string, string> = {};
    // Created in this order: newest change first lists them backwards.
    for (const [title, isPublic] of [['Beta letter', false], ['Alpha brief', false], ['Gamma notes', true], ['Delta plan', false]] as const) {
      ids[title] = await newPrompt(page, title, isPublic);
    }
    const project = await page.evaluate(async (promptId) => (await fetch('/api/projects', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Docs', system_prompt_id: promptId, system_prompt_variables: { topic: 'manuals' } }) })).status, ids['Beta letter']);
    expect(project).toBe(201);

    await open(page, '/prompts');
    const byChange = ['Delta plan', 'Gamma notes', 'Alpha brief', 'Beta letter'];
    const byName = ['Alpha brief', 'Beta letter', 'Delta plan', 'Gamma notes'];
    await expect.poll(() => titles(page)).toEqual(byChange);
    await page.getByLabel('Sort').selectOption('name');
    await page.waitForURL((url) => url.searchParams.get('sort') === 'name');
    await expect.poll(() => titles(page)).toEqual(byName);
    await reload(page);
    await expect(page.getByLabel('Sort').inputValue()).resolves.toBe('name');
    await expect.poll(() => titles(page)).toEqual(byName);
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('sort'));
    await expect.poll(() => titles(page)).toEqual(byChange);
    await page.goForward();
    await expect.poll(() => titles(page)).toEqual(byName);

    // From the keyboard: each arrow on the closed select is a new order (and a navigation), and
    // the keyboard stays on Sort for the next step instead of going back to the top of the page.
    const sort = page.getByLabel('Sort');
    const onSort = () => sort.evaluate((el) => el === document.activeElement);
    await sort.focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForURL((url) => url.searchParams.get('sort') === 'created');
    await page.keyboard.press('ArrowDown');
    await page.waitForURL((url) => url.searchParams.get('sort') === 'most_used');
    // Sorted by use, each says the count it is sorted by (none of these has run yet).
    await expect.poll(() => page.getByRole('list', { name: 'Prompts' }).getByText('not used in 30 days').count()).toBe(4);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.waitForURL((url) => url.searchParams.get('sort') === 'name');
    await expect.poll(() => titles(page)).toEqual(byName);
    expect(await onSort()).toBe(true);
    // A search keeps the keyboard in its box, to refine it, and keeps the order.
    const search = page.getByLabel('Search prompts');
    await search.fill('brief');
    await search.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'brief' && url.searchParams.get('sort') === 'name');
    await expect.poll(() => titles(page)).toEqual(['Alpha brief']);
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true);
    await search.fill('');
    await search.press('Enter');
    await expect.poll(() => titles(page)).toEqual(byName);

    // Three picked: Alpha by a click, then Shift+click on Delta picks Beta between them. Select
    // mode opened from the keyboard puts it on the bar that took the button's place.
    const bar = page.getByRole('group', { name: 'Selected prompts' });
    await page.getByRole('button', { name: 'Select prompts' }).press('Enter');
    await expect.poll(() => bar.getByText('Pick prompts below').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByRole('checkbox', { name: 'Select Alpha brief' }).click();
    await page.getByRole('checkbox', { name: 'Select Delta plan' }).click({ modifiers: ['Shift'] });
    await bar.getByText('3 prompts selected').waitFor();
    await expect(page.getByRole('checkbox', { name: 'Select Beta letter' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: 'Select Gamma notes' }).isChecked()).resolves.toBe(false);
    await bar.getByLabel('Tag for the selected prompts').fill('Batch');
    await bar.getByRole('button', { name: 'Add tag' }).click();
    const toasts = page.getByTestId('toasts');
    await toasts.getByText('3 prompts tagged #batch.').waitFor();
    await expect(page.getByRole('list', { name: 'Prompts' }).getByRole('link', { name: '#batch' }).count()).resolves.toBe(3);
    for (const title of ['Alpha brief', 'Beta letter', 'Delta plan']) await expect(tagsOf(page, ids[title]!)).resolves.toEqual(['batch']);
    await expect(tagsOf(page, ids['Gamma notes']!)).resolves.toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'prompt-library-bulk-390');

    // Two deleted: the toast names what that breaks; Undo brings both back and sends nothing.
    await bar.getByRole('button', { name: /Select all shown/ }).click();
    await bar.getByText('4 prompts selected').waitFor();
    await page.getByRole('checkbox', { name: 'Select Alpha brief' }).click();
    await page.getByRole('checkbox', { name: 'Select Delta plan' }).click();
    await bar.getByText('2 prompts selected').waitFor();
    await bar.getByRole('button', { name: 'Delete' }).click();
    const offer = toasts.getByRole('status').filter({ hasText: '2 prompts deleted.' });
    await offer.getByText('Project “Docs” will have no system prompt.').waitFor();
    await offer.getByText('“Gamma notes” is public: others can no longer open or run it.').waitFor();
    await expect.poll(() => titles(page)).toEqual(['Alpha brief', 'Delta plan']);
    await expect(bar.getByText('Pick prompts below').isVisible()).resolves.toBe(true);
    await offer.getByRole('button', { name: 'Undo' }).click();
    await toasts.getByText('2 prompts are back.').waitFor();
    await expect.poll(() => titles(page)).toEqual(byName);
    expect(sent).toEqual([]);

    // One deleted and left to go: its request is sent when the toast goes, and a reload agrees.
    await page.getByRole('checkbox', { name: 'Select Delta plan' }).click();
    const answered = page.waitForResponse((response) => response.request().method() === 'DELETE' &&
      new URL(response.url()).pathname === `/api/prompts/${ids['Delta plan']}`, { timeout: 30_000 });
    await bar.getByRole('button', { name: 'Delete' }).click();
    await toasts.getByRole('status').filter({ hasText: 'Deleted “Delta plan”.' }).waitFor();
    await expect.poll(() => titles(page)).toEqual(['Alpha brief', 'Beta letter', 'Gamma notes']);
    expect((await answered).status()).toBe(204);
    expect(sent).toEqual([ids['Delta plan']]);
    await reload(page);
    await expect.poll(() => titles(page)).toEqual(['Alpha brief', 'Beta letter', 'Gamma notes']);
    await expect(page.evaluate(async (id) => (await fetch(`/api/prompts/${id}`)).status, ids['Beta letter']!)).resolves.toBe(200);
  });
});
