// Every main screen: usage reflects the calls just made (the chat's title among them), a project's page (prompt,
// files, chats) and the chats filed under it, keyboard
// shortcuts work, axe-core finds no serious or critical violations, and each screen is
// saved as a screenshot (desktop, plus chat at phone width).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../../local/src/demo-provider.ts';
import { PASSWORD, addCustomKey, chooseModel, composer, screenshot, sendAndWait, seriousViolations, signIn, signUp, startE2E, type E2E, open, reload, waitForChatPage } from './helpers.ts';

describe('main screens in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('screens');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('the usage page shows the calls just made', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await sendAndWait(page, 'First question for the usage page', 0);
    // The chat is named by its model after the first answer: a call of its own.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('First question for the usage');
    await sendAndWait(page, 'Second question for usage', 1);
    await open(page, '/usage');
    const totals = page.getByTestId('usage-totals');
    await expect(totals.locator('div', { hasText: 'Calls' }).first().locator('dd').textContent()).resolves.toBe('3');
    const recent = page.getByTestId('recent-calls').locator('tbody tr');
    await expect(recent.count()).resolves.toBe(3);
    // When each call was made, in the reader's time zone and locale (the server renders UTC, said so, in the title).
    const time = recent.first().locator('time');
    await expect(time.getAttribute('title')).resolves.toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    await expect.poll(() => time.textContent()).not.toContain('UTC');
    await expect(recent.first().textContent()).resolves.toContain('demo/demo-model');
    await page.getByRole('heading', { name: 'Tokens per day by provider' }).waitFor();
    // Each chart's numbers as a table: every day of the range (zeros included), dollars formatted.
    const dollars = page.getByRole('region', { name: 'Dollars per day by provider' });
    await dollars.getByText('Show the numbers').click();
    const rows = dollars.getByRole('table').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(7);
    await expect(rows.last().locator('td').first().textContent()).resolves.toMatch(/^\$0\.000\d+$/);
    await expect(rows.first().locator('td').first().textContent()).resolves.toBe('$0');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'usage');

    // Every call of the range as CSV: a header, then the three calls, oldest first.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^mrprompt-usage-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '').trim().split('\n');
    expect(csv[0]).toMatch(/^executed_at,provider,model,status,/);
    expect(csv.slice(1).map((line) => line.split(',').slice(1, 4).join(','))).toEqual(Array(3).fill('demo,demo-model,success'));
  });

  it("projects: create one, set its prompt, add and remove files; a chat started from it gets both and is listed there", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const provider = await startFakeProvider();
    try {
      await addCustomKey(page, provider, `sk-e2e-${crypto.randomUUID()}`);
      await open(page, '/prompts/new');
      await page.getByLabel('Title').fill('Researcher persona');
      await page.getByLabel('Template').fill('You are a careful researcher.');
      await page.getByRole('button', { name: 'Create prompt' }).click();
      await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);

      // Creating a project opens its page.
      await open(page, '/projects');
      await page.getByLabel('New project name').fill('Research');
      await page.getByRole('button', { name: 'Create project' }).click();
      await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
      const projectPath = new URL(page.url()).pathname;
      const settings = page.getByRole('region', { name: 'Settings' });
      await settings.getByLabel('Name', { exact: true }).fill('Deep research');
      await settings.getByLabel('Description').fill('Papers and notes');
      await settings.getByLabel('System prompt', { exact: true }).selectOption({ label: 'Researcher persona' });
      await settings.getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('toasts').getByText('Project saved.').waitFor();
      await reload(page);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Deep research');
      await expect(settings.getByLabel('System prompt', { exact: true }).locator('option:checked').textContent()).resolves.toBe('Researcher persona');
      // A label no version has would make every chat in the project fail: the form says so.
      await settings.getByLabel('Label', { exact: true }).fill('production');
      await settings.getByRole('alert').filter({ hasText: 'No version of this prompt has the label “production” yet' }).waitFor();
      await settings.getByLabel('Label', { exact: true }).fill('');
      await expect(settings.getByRole('alert').count()).resolves.toBe(0);

      // Files: a Markdown file is added with its tokens; an image is refused before uploading,
      // a binary named .txt by the API (its bytes say PNG); a second file is removed after asking.
      const files = page.getByRole('region', { name: 'Files' });
      const listed = files.getByRole('list', { name: 'Project files' });
      const toasts = page.getByTestId('toasts');
      const pngBytes = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      await page.getByLabel('Add project files').setInputFiles([
        { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Field notes\n\nThe codeword is heliotrope.\n') },
        { name: 'photo.png', mimeType: 'image/png', buffer: pngBytes },
      ]);
      await toasts.getByText('photo.png: images cannot be project files', { exact: false }).waitFor();
      await listed.getByText('notes.md').waitFor({ timeout: 30_000 });
      await toasts.getByText(/^Added notes\.md \(\d+ tokens\)\.$/).waitFor();
      await page.getByLabel('Add project files').setInputFiles([{ name: 'disguised.txt', mimeType: 'text/plain', buffer: pngBytes }]);
      await toasts.getByText('"disguised.txt" cannot be a project file', { exact: false }).waitFor({ timeout: 30_000 });
      await page.getByLabel('Add project files').setInputFiles([{ name: 'old.txt', mimeType: 'text/plain', buffer: Buffer.from('An outdated note.') }]);
      await listed.getByText('old.txt').waitFor({ timeout: 30_000 });
      await files.getByRole('button', { name: 'Remove old.txt…' }).click();
      await files.getByRole('button', { name: 'Remove old.txt', exact: true }).click();
      await toasts.getByText('Removed old.txt.').waitFor();
      await expect.poll(() => listed.getByRole('listitem').allTextContents()).toHaveLength(1);
      await reload(page);
      await expect(listed.getByRole('listitem').allTextContents()).resolves.toEqual([expect.stringContaining('notes.md')]);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'project');

      // The list sums each project up.
      await open(page, '/projects');
      const card = page.getByRole('listitem', { name: 'Deep research' });
      await expect(card.textContent()).resolves.toContain('System prompt: Researcher persona · latest version');
      await expect(card.textContent()).resolves.toContain('Papers and notes');
      await screenshot(page, 'projects');

      // A chat started from the project is in it, and the model gets its prompt and files.
      await card.getByRole('link', { name: 'New chat in Deep research' }).click();
      await page.waitForURL(/\/chat\?project=/);
      await expect(page.getByLabel('Project').locator('option:checked').textContent()).resolves.toBe('Deep research');
      await chooseModel(page, 'custom', 'tuned-model');
      // While the answer streams (held after its first word) it already names the files it is given.
      const release = provider.pauseAfterFirstToken();
      await composer(page).fill('What is the codeword?');
      await composer(page).press('Enter');
      await page.locator('article[aria-label="Assistant message"][data-status="streaming"]').waitFor();
      await expect.poll(() => page.getByTestId('answer-sources').textContent()).toMatch(/From the project's files:\s*notes\.md$/);
      release();
      await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor();
      await waitForChatPage(page);
      const call = provider.requests.find((r) => r.path.startsWith('/v1/chat/completions'));
      // The project's prompt and its files come as system messages.
      const system = (call?.body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
      expect(system).toContain('You are a careful researcher.');
      expect(system).toContain('The codeword is heliotrope.');
      // The answer names the files it was given, here and after a reload.
      await expect.poll(() => page.getByTestId('answer-sources').textContent()).toMatch(/From the project's files:\s*notes\.md$/);
      await reload(page);
      await expect.poll(() => page.getByTestId('answer-sources').textContent()).toMatch(/From the project's files:\s*notes\.md$/);
      await screenshot(page, 'chat-project-sources');
      // The sidebar files it under the project, whose heading opens the project's page.
      const group = page.locator('section[aria-label="Deep research"]');
      await group.locator('ul').getByRole('link').first().waitFor({ timeout: 30_000 });
      await group.getByRole('link', { name: 'New chat in Deep research' }).waitFor();
      await group.getByRole('link', { name: 'Deep research', exact: true }).click();
      await page.waitForURL((url) => url.pathname === projectPath);
      await page.getByRole('list', { name: 'Chats in Deep research' }).getByRole('link').first().waitFor();
      // Deleting asks first, and says the files go for good while the chats stay.
      await settings.getByRole('button', { name: 'Delete project…' }).click();
      await settings.getByText('Its files are deleted for good; its chats stay, outside any project.').waitFor();
      await settings.getByRole('button', { name: 'Delete “Deep research” and its files' }).click();
      await page.waitForURL(/\/projects$/);
      await toasts.getByText('Deleted “Deep research” and its files. Its chats stay, outside any project.').waitFor();
      await page.getByText('No projects yet.', { exact: false }).waitFor();
    } finally {
      await provider.stop();
    }
  });

  it('Ctrl+K focuses search and full-text search finds an earlier message; Shift+Esc, Ctrl+Shift+C and Ctrl+Shift+O work', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await sendAndWait(page, 'Remember the word pomegranate', 0);
    await page.locator('body').click();
    await page.keyboard.press('Control+k');
    const search = page.getByRole('combobox', { name: 'Search chats and messages' });
    await expect(search.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.type('pomegranate');
    await page.getByRole('region', { name: 'Search results' }).getByRole('option').first().waitFor();
    await screenshot(page, 'chat-search');

    // ChatGPT's shortcuts: Shift+Esc to the message box, Ctrl+Shift+C copies the last answer,
    // Ctrl+Shift+O starts a new chat.
    await page.getByRole('combobox', { name: 'Search chats and messages' }).fill('');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.keyboard.press('Shift+Escape');
    await expect(composer(page).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Control+Shift+C');
    await page.getByTestId('toasts').getByText('Copied the last answer.').waitFor();
    // The answer's markdown, code fence included (as Copy under it gives).
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^Here is a short answer[\s\S]*```js/);
    await page.keyboard.press('Control+Shift+O');
    await page.waitForURL((url) => url.pathname === '/chat');
  });

  it('axe-core finds no serious violations on the main screens, and each is saved as a screenshot', async () => {
    const page = await e2e.newPage();
    await open(page, '/login');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'login');

    await signUp(page);
    await sendAndWait(page, 'Show me some `code` please', 0);
    await waitForChatPage(page);
    const screens: [string, string][] = [
      ['chat', new URL(page.url()).pathname],
      ['chat-new', '/chat'],
      ['prompts-library', '/prompts?scope=public'],
      ['prompt-new', '/prompts/new'],
      ['projects-empty', '/projects'],
      ['usage-page', '/usage'],
      ['settings-page', '/settings'],
    ];
    const found: Record<string, unknown> = {};
    for (const [name, path] of screens) {
      await open(page, path);
      await page.waitForLoadState('networkidle');
      const violations = await seriousViolations(page);
      if (violations.length) found[name] = violations;
      await screenshot(page, `axe-${name}`);
    }
    await open(page, '/prompts?scope=public');
    await page.locator('li.card a').first().click();
    await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
    const promptViolations = await seriousViolations(page);
    if (promptViolations.length) found['prompt-detail'] = promptViolations;
    await screenshot(page, 'prompt-detail');
    expect(found).toEqual({});

    await page.setViewportSize({ width: 390, height: 844 });
    await open(page, screens[0][1]);
    await page.locator('article[aria-label="Assistant message"]').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    // The title has the row but for the drawer's button and "Chat actions" (five action icons
    // beside it left it 110 px); the actions open in a row below, their panels on the screen.
    const title = await page.getByRole('heading', { level: 1 }).boundingBox();
    expect(title?.width ?? 0).toBeGreaterThan(200);
    await screenshot(page, 'chat-phone');
    const rename = page.getByRole('button', { name: 'Rename' });
    await expect(rename.isVisible()).resolves.toBe(false);
    await page.getByRole('button', { name: 'Chat actions' }).click();
    await rename.waitFor();
    await page.getByRole('button', { name: 'Share' }).click();
    const panel = await page.getByRole('dialog', { name: 'Share this chat' }).boundingBox();
    expect(panel?.x ?? -1).toBeGreaterThanOrEqual(0);
    expect((panel?.x ?? 0) + (panel?.width ?? 1000)).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'chat-phone-actions');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Chat actions' }).click();
    await rename.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Chats' }).click();
    await page.getByRole('link', { name: 'New chat', exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'chat-phone-drawer');
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'New chat', exact: true }).waitFor({ state: 'hidden' });
    // The main navigation is one row on a phone: its links open from Menu and close on navigating.
    const mainNav = page.getByRole('navigation', { name: 'Main' });
    expect((await mainNav.boundingBox())!.height).toBeLessThan(60);
    await mainNav.getByRole('link', { name: 'Prompts' }).waitFor({ state: 'hidden' });
    await mainNav.getByRole('button', { name: 'Menu' }).click();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'nav-phone-menu');
    await mainNav.getByRole('link', { name: 'Prompts' }).click();
    await page.waitForURL('**/prompts');
    await mainNav.getByRole('link', { name: 'Prompts' }).waitFor({ state: 'hidden' });
  }, 240_000);

  it('settings: wrong password is shown inline, profile saves, export downloads my data, and the account can be deleted', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const inline = page.getByRole('form', { name: 'Sign in' }).getByRole('alert');
    await inline.waitFor();
    await expect(inline.textContent()).resolves.toMatch(/invalid/i);
    // Focus is back in the password (not lost to the page), so it is retyped straight away.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('password');
    // Said once, next to the form: no toast repeating it (two alerts would be announced twice).
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await expect(page.getByRole('alert').count()).resolves.toBe(1);
    await screenshot(page, 'login-error');
    await signIn(page, email);

    await open(page, '/settings');
    await page.getByLabel('Display name').fill('Ada Lovelace');
    await page.getByLabel('Custom instructions (sent with every chat)').fill('Answer briefly.');
    await page.getByLabel('Default model').selectOption({ label: 'Demo model' });
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    await reload(page);
    await expect(page.getByLabel('Display name').inputValue()).resolves.toBe('Ada Lovelace');
    await expect(page.getByLabel('Custom instructions (sent with every chat)').inputValue()).resolves.toBe('Answer briefly.');
    await expect(page.getByLabel('Default model').inputValue()).resolves.toBe('demo/demo-model');

    // A default the catalog does not name, for a provider that takes any model id: typed, kept, used.
    await page.getByLabel('Default model').selectOption({ label: 'Other Demo (offline) model…' });
    await page.getByLabel('Model id for Demo (offline)').fill('my-default-model');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    await reload(page);
    await expect(page.getByLabel('Model id for Demo (offline)').inputValue()).resolves.toBe('my-default-model');
    await open(page, '/chat');
    await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe('my-default-model');
    await open(page, '/settings');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export my data' }).click()]);
    const file = await download.path();
    const exported: unknown = JSON.parse(readFileSync(file, 'utf8'));
    expect(JSON.stringify(exported)).toContain('Answer briefly.');

    await page.getByLabel('Type delete my account to confirm').fill('delete my account');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL('**/login?**');
    await page.getByRole('status').filter({ hasText: 'Your account and everything in it were deleted.' }).waitFor();
    await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
  });

  it('API keys: add, verify, replace, a refused save keeps what was typed, delete and revoke ask first, showing only the last four characters', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const firstKey = `sk-first-${crypto.randomUUID()}-AAAA`;
    await addCustomKey(page, e2e.slowProvider, firstKey);
    const row = page.locator('li[data-provider="custom"]');
    await expect(row.getByTestId('key-hint').textContent()).resolves.toContain('AAAA');
    await row.getByRole('button', { name: 'Verify' }).click();
    await row.getByRole('status').filter({ hasText: /accepted/i }).waitFor();

    const secondKey = `sk-second-${crypto.randomUUID()}-BBBB`;
    await row.getByRole('button', { name: 'Replace' }).click();
    await row.getByLabel('Custom (OpenAI-compatible) API key').fill(secondKey);
    await row.getByRole('button', { name: 'Save key' }).click();
    await row.getByTestId('key-hint').filter({ hasText: 'BBBB' }).waitFor();
    const html = await page.content();
    expect(html).not.toContain(firstKey);
    expect(html).not.toContain(secondKey);
    await screenshot(page, 'settings-keys');

    // A refused save (the base URL is not http(s)) keeps the form open with what was typed.
    await row.getByRole('button', { name: 'Replace' }).click();
    await row.getByLabel('Custom (OpenAI-compatible) API key').fill(`sk-third-${crypto.randomUUID()}`);
    await row.getByLabel('Base URL').fill('ftp://example.com/v1');
    await row.getByRole('button', { name: 'Save key' }).click();
    await row.getByRole('alert').filter({ hasText: 'The base URL must be http(s)' }).waitFor();
    await expect(row.getByLabel('Base URL').inputValue()).resolves.toBe('ftp://example.com/v1');
    await expect(row.getByLabel('Custom (OpenAI-compatible) API key').inputValue()).resolves.toMatch(/^sk-third-/);
    await row.getByRole('button', { name: 'Replace' }).click(); // closes the form

    // A provider at a fixed address (no Base URL field) takes a key as well.
    const openai = page.locator('li[data-provider="openai"]');
    await openai.getByRole('button', { name: 'Add key' }).click();
    await openai.getByLabel('OpenAI API key').fill(`sk-openai-${crypto.randomUUID()}-CCCC`);
    await openai.getByRole('button', { name: 'Save key' }).click();
    await openai.getByTestId('key-hint').filter({ hasText: 'CCCC' }).waitFor();

    // Deleting a key (never shown again) asks first; Cancel keeps it.
    await row.getByRole('button', { name: 'Delete Custom (OpenAI-compatible) key…' }).click();
    await row.getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: 'Delete Custom (OpenAI-compatible) key…' }).click();
    await row.getByRole('button', { name: 'Delete Custom (OpenAI-compatible) key', exact: true }).click();
    await row.getByText('Not set').waitFor();

    // A key for other apps is revoked only after asking.
    await open(page, '/settings/api-keys');
    await page.getByLabel('Name').fill('support bot');
    // A day gone by is refused (the picker starts at today; the browser says so), with the name kept.
    const expires = page.getByLabel('Expires (optional, end of that day in your time zone)');
    await expires.fill('2020-01-01');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(expires.evaluate((input: HTMLInputElement) => input.validity.rangeUnderflow)).resolves.toBe(true);
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe('support bot');
    await expires.fill('');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('new-key').waitFor();
    const keys = page.getByTestId('api-key-list');
    await keys.getByRole('button', { name: 'Revoke support bot…' }).click();
    await keys.getByText('Apps using “support bot” stop working at once.').waitFor();
    await keys.getByRole('button', { name: 'Revoke “support bot”' }).click();
    await keys.getByText('No keys yet.').waitFor();
  });
});
