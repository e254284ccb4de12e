// The chat's / prompt picker: it finds prompts past the ones it loads by a word being typed,
// reads lists without templates, asks for the chosen prompt's variables, inserts the version the
// `production` label points at (or the one picked), and the message sent from it counts under
// the prompt's version in Usage. A text variable keeps the lines pasted into it. On a phone, a /
// from the on-screen keyboard opens it too, and so does the composer's "Insert a prompt" button.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseModel, composer, screenshot, seriousViolations, signUp, startE2E, type E2E, open, waitForChatPage } from './helpers.ts';
import { createPrompt } from './prompt-helpers.ts';

describe('the / prompt picker in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('prompt-picker');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('the / picker finds a prompt older than the newest 100 by a word being typed', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    // 105 prompts; the first made (the oldest) is past the 100 the picker loads.
    await page.evaluate(async () => {
      const post = (title: string, content: string) =>
        fetch('/api/prompts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title, content }) });
      if ((await post('Quarterly figures for the board', 'Summarise {{report}}')).status !== 201) throw new Error('create failed');
      for (let i = 1; i <= 104; i += 8) {
        const batch = Array.from({ length: Math.min(8, 105 - i) }, (_, k) => post(`Filler ${i + k}`, `Filler ${i + k}`));
        for (const res of await Promise.all(batch)) if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
      }
    });
    await open(page, '/chat');
    // The lists it reads are summaries: no template of the 105 travels to fill a list of titles.
    const lists: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/prompts' || url.pathname === '/api/prompts/summaries') lists.push(url.pathname);
    });
    await composer(page).press('/');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Search prompts').fill('quarterl');
    await dialog.getByRole('option', { name: 'Quarterly figures for the board' }).waitFor();
    expect(lists.length).toBeGreaterThanOrEqual(4); // both scopes on opening, and both for the search
    expect(new Set(lists)).toEqual(new Set(['/api/prompts/summaries']));
    // Chosen, it is read whole: its variable is asked for.
    await dialog.getByRole('option', { name: 'Quarterly figures for the board' }).click();
    await dialog.getByLabel('report', { exact: true }).waitFor();
    // A '/' at once after closing opens it again: the composer hears of the close with the
    // click, not a task later with the dialog's close event (a '/' in between was lost, and a
    // loaded clean clone waited 45 s for a picker never opened).
    await dialog.getByRole('button', { name: 'Close' }).click();
    await composer(page).press('/');
    await dialog.getByLabel('Search prompts').fill('zzzz-nothing');
    await dialog.getByText('No prompts match.').waitFor();
  });

  it('typing / in an empty composer opens the picker, which asks for the variables', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const title = `Translate ${crypto.randomUUID().slice(0, 6)}`;
    await createPrompt(page, { title, content: 'Translate into {{language:enum(French,German)}}: {{text}}', temperature: '0.4', maxTokens: '120' });
    await open(page, '/chat');
    await composer(page).press('/');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Search prompts').fill(title);
    await dialog.getByRole('option', { name: title }).waitFor();
    await dialog.getByLabel('Search prompts').press('Enter');
    // The enum's values are offered to pick from, and the keyboard lands on the first variable.
    const language = dialog.getByLabel('language', { exact: true });
    await expect.poll(() => language.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect(language.locator('option:not([disabled])').allTextContents()).resolves.toEqual(['French', 'German']);
    await language.selectOption('French');
    // A text variable keeps the lines pasted into it (a one-line field made each a space);
    // Shift+Enter adds one, and Enter inserts, as in the message box.
    const text = dialog.getByLabel('text', { exact: true });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.evaluate(() => navigator.clipboard.writeText('good morning\n\n- item one\n- item two'));
    await text.focus();
    await page.keyboard.press('Control+V');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('bye');
    await expect(text.inputValue()).resolves.toBe('good morning\n\n- item one\n- item two\nbye');
    await screenshot(page, 'prompt-picker');
    await page.keyboard.press('Enter');
    await expect.poll(() => composer(page).inputValue(), { timeout: 30_000 }).toBe('Translate into French: good morning\n\n- item one\n- item two\nbye');
    // The model settings saved with the prompt's version become the chat's, and it says so.
    await page.getByRole('status').filter({ hasText: "Using the prompt's settings: temperature 0.4, at most 120 tokens." }).waitFor();
    await expect(page.getByTestId('answer-settings-summary').innerText()).resolves.toBe('T 0.4 · ≤ 120 tokens');

    // The message goes out attributed to the prompt's version (it says so above the box), so
    // Usage counts the call under it, as it does for API callers.
    await page.getByTestId('composer-prompt').filter({ hasText: `From prompt ${title} · v1` }).waitFor();
    await chooseModel(page, 'demo');
    await composer(page).press('Enter');
    await waitForChatPage(page);
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('composer-prompt').count()).toBe(0);
    await open(page, '/usage');
    await page.getByTestId('usage-by-prompt').getByText(`${title} · v1`).waitFor();
  });

  it('inserts the version the production label points at, and another version when picked', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const title = `Owls ${crypto.randomUUID().slice(0, 6)}`;
    // v1, then a newer draft v2; production stays on v1.
    await page.evaluate(async (title) => {
      const call = async (path: string, method: string, body: unknown) => {
        const res = await fetch(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
        return await res.json();
      };
      const prompt = await call('/api/prompts', 'POST', { title, content: 'V1 Write about {{topic}}' });
      await call(`/api/prompts/${prompt.id}`, 'PATCH', { content: 'V2-DRAFT Write about {{topic}}', expected_version: 1 });
      await call(`/api/prompts/${prompt.id}/labels/production`, 'PUT', { version: 1 });
    }, title);
    await open(page, '/chat');
    const dialog = page.getByRole('dialog');
    const pick = async () => {
      await composer(page).press('/');
      await dialog.getByLabel('Search prompts').fill(title);
      await dialog.getByRole('option', { name: title }).click();
      await dialog.getByLabel('topic', { exact: true }).fill('owls');
    };
    await pick();
    // The select starts at production and offers the latest and each version.
    const version = dialog.getByLabel('Version');
    await expect(version.locator('option:checked').innerText()).resolves.toBe('production (v1)');
    await expect(version.locator('option').allTextContents()).resolves.toEqual(['production (v1)', 'latest (v2)', 'v1 — V1 Write about {{topic}}']);
    await dialog.getByRole('button', { name: 'Insert' }).click();
    await expect.poll(() => composer(page).inputValue(), { timeout: 30_000 }).toBe('V1 Write about owls');
    await page.getByTestId('composer-prompt').filter({ hasText: `From prompt ${title} · production (v1)` }).waitFor();

    // Another version picked is the one inserted, the value typed kept.
    await composer(page).fill('');
    await pick();
    await version.selectOption({ label: 'latest (v2)' });
    await expect(dialog.getByLabel('topic', { exact: true }).inputValue()).resolves.toBe('owls');
    await dialog.getByRole('button', { name: 'Insert' }).click();
    await expect.poll(() => composer(page).inputValue(), { timeout: 30_000 }).toBe('V2-DRAFT Write about owls');
    await page.getByTestId('composer-prompt').filter({ hasText: `From prompt ${title} · v2` }).waitFor();

    // From the keyboard, a prompt with nothing to fill or pick: Enter picks it, Enter inserts it
    // (focus is on Insert, not left on the page when the search box goes).
    const fact = `Fact ${crypto.randomUUID().slice(0, 6)}`;
    await page.evaluate(async (title) => {
      await fetch('/api/prompts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title, content: 'Tell me a fact' }) });
    }, fact);
    await composer(page).fill('');
    await composer(page).press('/');
    await dialog.getByLabel('Search prompts').fill(fact);
    await dialog.getByRole('option', { name: fact }).waitFor();
    await page.keyboard.press('Enter');
    const insert = dialog.getByRole('button', { name: 'Insert' });
    await expect.poll(() => insert.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => composer(page).inputValue(), { timeout: 30_000 }).toBe('Tell me a fact');
  });
  it('on a phone, a / from an on-screen keyboard opens the picker, and so does "Insert a prompt"', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signUp(page);
    const title = `Standup ${crypto.randomUUID().slice(0, 6)}`;
    await createPrompt(page, { title, content: 'Summarise {{days}} days' });
    await open(page, '/chat');
    // The empty chat names the button a phone uses, beside the / a keyboard types.
    await page.locator('p', { hasText: 'Ask anything. Start from one of your prompts with Insert a prompt, or type / in the empty message box.' }).waitFor();
    const dialog = page.getByRole('dialog');
    const heading = dialog.getByRole('heading', { name: 'Insert a prompt' });

    // As Android's keyboards type it: a keydown that names no key (229), then the text.
    await composer(page).click();
    await composer(page).evaluate((box) => box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Unidentified', keyCode: 229, bubbles: true, cancelable: true })));
    await page.keyboard.insertText('/');
    await heading.waitFor();
    await expect(composer(page).inputValue()).resolves.toBe('');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await heading.waitFor({ state: 'detached' });

    // A / typed after other text, or a longer text put in at once, is only text.
    await page.keyboard.insertText('a');
    await page.keyboard.insertText('/');
    await expect(composer(page).inputValue()).resolves.toBe('a/');
    await composer(page).fill('/help');
    await expect(composer(page).inputValue()).resolves.toBe('/help');
    expect(await heading.count()).toBe(0);

    // The button, with a message begun: the prompt goes after it.
    await composer(page).fill('For Monday:');
    await page.getByRole('button', { name: 'Insert a prompt', exact: true }).click();
    await dialog.getByLabel('Search prompts').fill(title);
    await dialog.getByRole('option', { name: title }).click();
    await dialog.getByLabel('days', { exact: true }).fill('3');
    await dialog.getByRole('button', { name: 'Insert' }).click();
    await expect.poll(() => composer(page).inputValue(), { timeout: 30_000 }).toBe('For Monday:\n\nSummarise 3 days');
    await screenshot(page, 'prompt-picker-phone');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
