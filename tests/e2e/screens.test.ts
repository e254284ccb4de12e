// Every main screen: usage reflects the calls just made (the chat's title among them), projects group chats, keyboard
// shortcuts work, axe-core finds no serious or critical violations, and each screen is
// saved as a screenshot (desktop, plus chat at phone width).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, addCustomKey, composer, screenshot, sendAndWait, seriousViolations, signIn, signUp, startE2E, type E2E, open, reload } from './helpers.ts';

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
  });

  it('projects: create, rename, pick a system prompt, and chats started in a project are grouped under it', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await open(page, '/prompts/new');
    await page.getByLabel('Title').fill('Researcher persona');
    await page.getByLabel('Template').fill('You are a careful researcher.');
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
    await open(page, '/projects');
    await page.getByLabel('New project name').fill('Research');
    await page.getByRole('button', { name: 'Create project' }).click();
    const card = page.locator('li.card').filter({ has: page.locator('input[name="name"]') }).first();
    await expect.poll(() => card.locator('input[name="name"]').inputValue(), { timeout: 30_000 }).toBe('Research');
    await card.locator('input[name="name"]').fill('Deep research');
    await card.getByLabel('System prompt').selectOption({ label: 'Researcher persona' });
    await card.getByLabel('Label (empty = latest version)').fill('');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await reload(page);
    await expect(page.locator('li.card input[name="name"]').first().inputValue()).resolves.toBe('Deep research');
    await expect(page.locator('li.card select[name="system_prompt_id"] option:checked').first().textContent()).resolves.toBe('Researcher persona');
    await screenshot(page, 'projects');

    await open(page, '/chat');
    await page.getByLabel('Project').selectOption({ label: 'Deep research' });
    await sendAndWait(page, 'A question inside the project', 0);
    const group = page.getByRole('region', { name: 'Deep research' }).or(page.locator('section[aria-label="Deep research"]'));
    await group.getByRole('link').first().waitFor({ timeout: 30_000 });

    await open(page, '/projects');
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: /Delete “Deep research”/ }).click();
    await page.getByText('No projects yet.', { exact: false }).waitFor();
  });

  it('Ctrl+K focuses search and full-text search finds an earlier message', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await sendAndWait(page, 'Remember the word pomegranate', 0);
    await page.locator('body').click();
    await page.keyboard.press('Control+k');
    const search = page.getByRole('searchbox', { name: 'Search messages' });
    await expect(search.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.type('pomegranate');
    await page.getByRole('region', { name: 'Search results' }).getByRole('link').first().waitFor();
    await screenshot(page, 'chat-search');
  });

  it('axe-core finds no serious violations on the main screens, and each is saved as a screenshot', async () => {
    const page = await e2e.newPage();
    await open(page, '/login');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'login');

    await signUp(page);
    await sendAndWait(page, 'Show me some `code` please', 0);
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
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
    await page.getByRole('link', { name: 'New chat' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'chat-phone-drawer');
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'New chat' }).waitFor({ state: 'hidden' });
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
    await expect(page.getByLabel('Model', { exact: true }).inputValue()).resolves.toBe('my-default-model');
    await open(page, '/settings');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export my data' }).click()]);
    const file = await download.path();
    const exported: unknown = JSON.parse(readFileSync(file, 'utf8'));
    expect(JSON.stringify(exported)).toContain('Answer briefly.');

    await page.getByLabel('Type delete my account to confirm').fill('delete my account');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL('**/login');
    await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
  });

  it('API keys: add, verify, replace and delete, showing only the last four characters', async () => {
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

    await row.getByRole('button', { name: 'Delete Custom (OpenAI-compatible) key' }).click();
    await row.getByText('Not set').waitFor();
  });
});
