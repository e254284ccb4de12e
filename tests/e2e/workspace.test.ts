// The workspace around the chats: a new user's first-run welcome (ready providers, the demo
// in one click, the way to add a key), pinned chats kept in the sidebar however old, the
// projects list and a project's chats paging like every other list, a project's system
// prompt with variables, whose values its settings ask for once, and a chat's project moved or
// deleted in one tab showing in another's header.
// Each screen is checked with axe-core in both themes and saved as a screenshot.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../../local/src/demo-provider.ts';
import { addCustomKey, chooseModel, composer, lastAnswer, open, reload, screenshot, seriousViolations, signUp, startE2E, useTheme, type E2E, waitForChatPage, waitForLive } from './helpers.ts';

/** Checks the page in light and dark, saving `<name>-light.png` and `<name>-dark.png`. */
async function bothThemes(page: Page, name: string): Promise<Record<string, unknown>> {
  const found: Record<string, unknown> = {};
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await reload(page);
    await expect(page.locator('html').getAttribute('class')).resolves.toBe(theme);
    const violations = await seriousViolations(page);
    if (violations.length) found[`${name}-${theme}`] = violations;
    await screenshot(page, `${name}-${theme}`);
  }
  return found;
}

describe('workspace', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('workspace');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('a new user sees which providers are ready, starts with the demo in one click, and finds where to add a key', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const welcome = page.getByRole('region', { name: 'Welcome to Mr.Prompt' });
    await welcome.waitFor();
    const ready = welcome.getByRole('list', { name: 'Ready to chat with' });
    await expect(ready.textContent()).resolves.toContain('Demo (offline)');
    await expect(ready.textContent()).resolves.toContain('no key needed');
    // The demo is what the new chat starts with: the welcome says so rather than offering it.
    await expect.poll(() => page.getByLabel('Provider', { exact: true }).inputValue()).toBe('demo');
    await welcome.getByRole('status').filter({ hasText: 'Demo (offline) is selected' }).waitFor();
    await expect(welcome.getByRole('link', { name: 'Start a chat with the demo' }).count()).resolves.toBe(0);
    expect(await bothThemes(page, 'first-run')).toEqual({});

    // A saved key shows up as ready (by its last four characters only).
    await addCustomKey(page, e2e.slowProvider, `sk-first-run-${crypto.randomUUID()}-WXYZ`);
    await open(page, '/chat');
    await expect(ready.textContent()).resolves.toContain('your key …WXYZ');
    await welcome.getByRole('link', { name: 'Add another API key' }).waitFor();
    // The saved key is now the default model; the demo is one click away.
    await expect.poll(() => page.getByLabel('Provider', { exact: true }).inputValue()).toBe('custom');
    await welcome.getByRole('link', { name: 'Start a chat with the demo' }).click();
    await welcome.getByRole('status').filter({ hasText: 'is selected' }).waitFor();
    await expect.poll(() => page.getByLabel('Provider', { exact: true }).inputValue()).toBe('demo');
    await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
    await composer(page).fill('Hello demo');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').first().waitFor();
    await expect(lastAnswer(page).textContent()).resolves.not.toBe('');
    await waitForChatPage(page);
    await expect(welcome.count()).resolves.toBe(0);
    // Once there is a chat, a new chat has no welcome.
    await open(page, '/chat');
    await page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: 'Hello demo' }).waitFor();
    await expect(welcome.count()).resolves.toBe(0);

    const other = await e2e.newPage();
    await signUp(other);
    await other.getByRole('region', { name: 'Welcome to Mr.Prompt' }).getByRole('link', { name: 'Add an API key in Settings' }).click();
    await other.waitForURL(/\/settings#keys$/);
  });

  it('a pinned chat stays in the sidebar behind a hundred newer ones', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await page.evaluate(async () => {
      const create = async (title: string) => {
        const res = await fetch('/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) });
        return (await res.json()).id as string;
      };
      const old = await create('An old pinned chat');
      await fetch(`/api/sessions/${old}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pinned: true }) });
      for (let i = 0; i < 105; i++) await create(`Newer chat ${i}`);
    });
    await open(page, '/chat');
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    await sidebar.getByRole('link', { name: 'Newer chat 104' }).waitFor();
    await sidebar.locator('section[aria-label="Pinned"]').getByRole('link', { name: 'An old pinned chat' }).waitFor();
  });

  it('a file named like one already in the project replaces it after asking, keeping its place', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const projectId = await page.evaluate(async () => {
      const res = await fetch('/api/projects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Notes' }) });
      return ((await res.json()) as { id: string }).id;
    });
    await open(page, `/projects/${projectId}`);
    const files = page.getByRole('region', { name: 'Files' });
    const listed = files.getByRole('list', { name: 'Project files' });
    const toasts = page.getByTestId('toasts');
    const pick = (name: string, text: string) => page.getByLabel('Add project files').setInputFiles([{ name, mimeType: 'text/markdown', buffer: Buffer.from(text) }]);
    await pick('plan.md', '# Plan\n\nShip on Monday.\n');
    await listed.getByText('plan.md').waitFor({ timeout: 30_000 });
    await pick('later.md', '# Later\n');
    await listed.getByText('later.md').waitFor({ timeout: 30_000 });

    // Keeping the current one adds nothing.
    await pick('plan.md', '# Plan\n\nShip on Tuesday.\n');
    await files.getByRole('button', { name: 'Keep the current one' }).click();
    await expect(files.getByTestId('project-file-clash').count()).resolves.toBe(0);
    // Replacing swaps it in the same place.
    await pick('plan.md', '# Plan\n\nShip on Friday.\n');
    await files.getByRole('button', { name: 'Replace plan.md' }).click();
    await toasts.getByText(/^Replaced plan\.md \(\d+ tokens\)\.$/).waitFor({ timeout: 30_000 });
    const names = async () => (await listed.getByRole('listitem').allTextContents()).map((t) => t.trim().split(/\s+/)[1]);
    await expect(names()).resolves.toEqual(['plan.md', 'later.md']);
    await reload(page);
    await expect(names()).resolves.toEqual(['plan.md', 'later.md']);
    const texts = await page.evaluate(async (id) => {
      const res = await fetch(`/api/projects/${id}/files`);
      return ((await res.json()) as { files: { name: string }[] }).files.map((f) => f.name);
    }, projectId);
    expect(texts).toEqual(['plan.md', 'later.md']);
  });

  it('the projects list shows a page at a time and loads more', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    // 23 projects, created through the API as the signed-in user (the same-origin proxy).
    const created = await page.evaluate(async () => {
      const names: string[] = [];
      for (let i = 1; i <= 23; i++) {
        const name = `Project ${String(i).padStart(2, '0')}`;
        const res = await fetch('/api/projects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
        if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
        names.push(name);
      }
      return names;
    });
    await open(page, '/projects');
    const names = async () => (await page.getByRole('list', { name: 'Projects' }).getByRole('heading', { level: 2 }).allTextContents()).map((t) => t.trim());
    await expect(names()).resolves.toEqual(created.slice(3).reverse());
    const more = page.getByRole('button', { name: 'Load more projects' });
    expect(await bothThemes(page, 'projects-paged')).toEqual({});
    await more.click();
    await expect.poll(names).toEqual([...created].reverse());
    await expect(more.count()).resolves.toBe(0);
    await screenshot(page, 'projects-all');
  });

  // QA4 #1 and #3: a key the provider refuses was "Saved." and "Ready", and the chat's Send then
  // stayed disabled without a word; a base URL without /v1 read as "no models list".
  it('a refused key is saved but said refused — in Settings, on the welcome and beside Send, whose link opens its row; a new chat does not start on it — and a base URL without /v1 is named', async () => {
    const provider = await startFakeProvider();
    try {
      const page = await e2e.newPage();
      await signUp(page);
      provider.setMode('401');
      await open(page, '/settings');
      const row = page.locator('li[data-provider="custom"]');
      await row.getByRole('button', { name: 'Add key' }).click();
      await row.getByLabel('Custom (OpenAI-compatible) API key').fill('sk-refused-key-0000');
      await row.getByLabel('Base URL').fill(provider.url);
      await row.getByRole('button', { name: 'Save key' }).click();
      await row.getByRole('status').filter({ hasText: 'Saved, but the provider refused this key: Custom (OpenAI-compatible) rejected the key (401)' }).waitFor();
      await expect(row.getByTestId('key-state').textContent()).resolves.toBe('Key refused');
      // The form is gone: focus is on what Save said, not dropped to <body> (QA 5 #7).
      const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.textContent?.trim());
      await expect.poll(focused).toBe('key-saved');
      await screenshot(page, 'key-refused-settings');
      await reload(page);
      await expect(row.getByTestId('key-state').textContent()).resolves.toBe('Key refused');
      await row.getByRole('button', { name: 'Verify' }).click();
      await row.getByRole('status').filter({ hasText: 'rejected the key' }).waitFor();
      await expect.poll(focused).toBe('Verify');

      await open(page, '/chat');
      const welcome = page.getByRole('region', { name: 'Welcome to Mr.Prompt' });
      await expect(welcome.getByRole('list', { name: 'Ready to chat with' }).textContent()).resolves.not.toContain('Custom');
      await expect(welcome.getByTestId('first-run-refused').textContent()).resolves.toContain('Custom (OpenAI-compatible) — your key …0000');
      expect(await bothThemes(page, 'first-run-key-refused')).toEqual({});
      // The new chat starts on the demo, which works; picking the refused key says why Send is off.
      await expect.poll(() => page.getByLabel('Provider', { exact: true }).inputValue()).toBe('demo');
      await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
      await chooseModel(page, 'custom');
      await composer(page).fill('hi');
      const blocked = page.getByTestId('composer-blocked');
      // Said once, with one link; and the welcome no longer says the demo is selected (QA 5 #5).
      await expect(blocked.textContent()).resolves.toMatch(/listed none\. Custom \(OpenAI-compatible\) refused your key\.\s*Fix it in Settings$/);
      await expect(welcome.textContent()).resolves.not.toContain('is selected');
      await expect(page.getByRole('button', { name: 'Send' }).getAttribute('aria-describedby')).resolves.toBe('composer-blocked');
      await screenshot(page, 'key-refused-send');
      // The link opens the refused key's row, shown and focused (QA 5 #6).
      await blocked.getByRole('link', { name: 'Fix it in Settings' }).click();
      await page.waitForURL('**/settings#key-custom');
      await expect.poll(focused).toBe('Custom (OpenAI-compatible)');
      await expect(row.evaluate((el) => el.getBoundingClientRect().top < innerHeight && el.getBoundingClientRect().bottom > 0)).resolves.toBe(true);

      // The server answers under /v1: saved without it, the check names the URL it asked.
      provider.setMode('ok');
      await open(page, '/settings');
      await row.getByRole('button', { name: 'Replace' }).click();
      await row.getByLabel('Custom (OpenAI-compatible) API key').fill('sk-good-key-1111');
      const base = provider.url.replace(/\/v1$/, '');
      await row.getByLabel('Base URL').fill(base);
      await row.getByRole('button', { name: 'Save key' }).click();
      await row.getByRole('status').filter({ hasText: `It answered 404 at ${base}/models: does the base URL need /v1 (${base}/v1)?` }).waitFor();
      await expect(row.getByTestId('key-state').count()).resolves.toBe(0);

      // A chat on the key that works; then the provider refuses it. A new chat does not start on
      // it, though the last chat used it, and picking it says why Send is off (QA 5 #3).
      await row.getByRole('button', { name: 'Replace' }).click();
      await row.getByLabel('Custom (OpenAI-compatible) API key').fill('sk-good-key-1111');
      await row.getByLabel('Base URL').fill(provider.url);
      await row.getByRole('button', { name: 'Save key' }).click();
      await row.getByRole('status').filter({ hasText: 'Saved and verified' }).waitFor();
      await open(page, '/chat');
      await chooseModel(page, 'custom', 'fake-model');
      await composer(page).fill('/echo hello custom');
      await composer(page).press('Enter');
      await expect.poll(() => lastAnswer(page).textContent()).toContain('hello custom');
      provider.setMode('401');
      await open(page, '/settings');
      await row.getByRole('button', { name: 'Verify' }).click();
      await expect.poll(() => row.getByTestId('key-state').textContent()).toBe('Key refused');
      await open(page, '/chat');
      await expect.poll(() => page.getByLabel('Provider', { exact: true }).inputValue()).toBe('demo');
      await chooseModel(page, 'custom', 'fake-model');
      await composer(page).fill('hi');
      await expect(blocked.textContent()).resolves.toContain('Custom (OpenAI-compatible) refused your key when it was last checked.');
      await expect(page.getByRole('button', { name: 'Send' }).isDisabled()).resolves.toBe(true);
      await expect(blocked.getByRole('link', { name: 'Fix it in Settings' }).getAttribute('href')).resolves.toBe('/settings#key-custom');
    } finally {
      await provider.stop();
    }
  });

  it("a project's system prompt can be any of the user's prompts, and the list names it, however many they have", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    // 22 prompts: the oldest is past the library's first page of 20.
    const projectId = await page.evaluate(async () => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (res.status !== 201) throw new Error(`${path}: ${res.status}`);
        return (await res.json()) as { id: string };
      };
      await post('/api/prompts', { title: 'House style (oldest)', name: 'house-style', content: 'Write plainly.' });
      for (let i = 1; i <= 21; i++) await post('/api/prompts', { title: `Newer prompt ${i}`, content: 'x' });
      // A variant under the same title (QA4 #5): its option must not read as the first's.
      await post('/api/prompts', { title: 'House style (oldest)', name: 'house-style-draft', content: 'Write {{how}}.' });
      return (await post('/api/projects', { name: 'Handbook' })).id;
    });
    await open(page, `/projects/${projectId}`);
    const select = page.getByLabel('System prompt');
    const options = (await select.locator('option').allTextContents()).filter((t) => t.startsWith('House style'));
    expect(options.sort()).toEqual(['House style (oldest) — house-style · v1', 'House style (oldest) — house-style-draft · v1']);
    await select.selectOption({ label: 'House style (oldest) — house-style · v1' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Project saved.').waitFor();
    await reload(page);
    await expect(select.locator('option:checked').textContent()).resolves.toBe('House style (oldest) — house-style · v1');

    await open(page, '/projects');
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Handbook' }) });
    await expect(card.textContent()).resolves.toContain('System prompt: House style (oldest) · latest version');
  });

  it("a project's system prompt with variables asks for their values once, in its settings, and every chat in it uses them", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, e2e.slowProvider, 'sk-project-vars-1234');
    const projectId = await page.evaluate(async () => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (res.status !== 201) throw new Error(`${path}: ${res.status}`);
        return (await res.json()) as { id: string };
      };
      await post('/api/prompts', { title: 'Translator', content: 'Translate {{text}} into {{language}} in a {{tone:enum(formal,casual)|formal}} tone.' });
      return (await post('/api/projects', { name: 'Travel' })).id;
    });
    await open(page, `/projects/${projectId}`);
    await page.getByLabel('System prompt').selectOption({ label: 'Translator' });
    const variables = page.getByTestId('project-variables');
    // A text keeps its lines (LF, as typed, though a form sends CRLF); Enter in a field saves, as
    // in a one-line field.
    await variables.getByLabel('text', { exact: true }).fill('the menu\nand the wine list');
    await variables.getByLabel('language', { exact: true }).fill('French');
    await expect(variables.getByLabel('tone (optional)').inputValue()).resolves.toBe('');
    await screenshot(page, 'project-variables');
    await variables.getByLabel('language', { exact: true }).press('Enter');
    await page.getByText('Project saved.').waitFor();
    await reload(page);
    await expect(variables.getByLabel('language', { exact: true }).inputValue()).resolves.toBe('French');

    await page.getByRole('link', { name: 'New chat in this project' }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    await composer(page).fill('/echo Bonjour');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor();
    const asked = e2e.slowProvider.requests.map((r) => r.body as { messages: { role: string; content: string }[] })
      .find((b) => b?.messages?.at(-1)?.content === '/echo Bonjour');
    expect(asked?.messages[0]).toEqual({ role: 'system', content: 'Translate the menu\nand the wine list into French in a formal tone.' });
  });

  it("a project's page lists its chats a page at a time and loads more; the sidebar shows its five newest and links there", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const { projectId, titles } = await page.evaluate(async () => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (res.status !== 201) throw new Error(`${path}: ${res.status}`);
        return (await res.json()) as { id: string };
      };
      const project = await post('/api/projects', { name: 'Busy project' });
      const titles: string[] = [];
      for (let i = 1; i <= 23; i++) {
        const title = `Project chat ${String(i).padStart(2, '0')}`;
        await post('/api/sessions', { title, project_id: project.id });
        titles.push(title);
      }
      await post('/api/sessions', { title: 'A chat outside it' });
      return { projectId: project.id, titles };
    });
    await open(page, `/projects/${projectId}`);
    const chats = page.getByRole('list', { name: 'Chats in Busy project' });
    const listed = async () => (await chats.getByRole('link').allTextContents()).map((t) => t.trim());
    await expect(listed()).resolves.toEqual(titles.slice(3).reverse());
    const more = page.getByRole('button', { name: 'Load more chats' });
    await more.click();
    await expect.poll(listed).toEqual([...titles].reverse());
    await expect(more.count()).resolves.toBe(0);

    // The chat sidebar shows the project's five most recent chats (and the open one) and links to the rest.
    await open(page, '/chat');
    const group = page.getByRole('navigation', { name: 'Chats' }).locator('section[aria-label="Busy project"]');
    const inSidebar = async () => (await group.locator('ul').getByRole('link').allTextContents()).map((t) => t.trim());
    await expect(inSidebar()).resolves.toEqual(titles.slice(-5).reverse());
    await group.getByRole('link', { name: 'All chats in Busy project' }).click();
    await page.waitForURL((url) => url.pathname === `/projects/${projectId}`);
    await chats.getByRole('link', { name: titles[10] }).click();
    await waitForChatPage(page);
    await expect(inSidebar()).resolves.toEqual([...titles.slice(-5).reverse(), titles[10]]);
  });

  it("a chat moved between projects, or whose project is deleted, shows so in its other open tab; a move says where it went", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const { projectId, chatId } = await page.evaluate(async () => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (res.status !== 201) throw new Error(`${path}: ${res.status}`);
        return (await res.json()) as { id: string };
      };
      await post('/api/projects', { name: 'Archive' }); // a project stays to choose from
      const project = await post('/api/projects', { name: 'Research' });
      return { projectId: project.id, chatId: (await post('/api/sessions', { title: 'Field notes', project_id: project.id })).id };
    });
    const other = await e2e.newPage({ sameUserAs: page });
    for (const tab of [page, other]) {
      await open(tab, `/chat/${chatId}`);
      await waitForLive(tab);
    }
    const project = (tab: typeof page) => tab.getByLabel('Project', { exact: true });
    await expect(project(other).inputValue()).resolves.toBe(projectId);

    await project(page).selectOption({ label: 'No project' });
    await page.getByText('Moved out of Research.').waitFor();
    await expect.poll(() => project(other).inputValue()).toBe('');
    await project(page).selectOption({ label: 'Research' });
    await page.getByText('Moved to Research.').waitFor();
    await expect.poll(() => project(other).inputValue()).toBe(projectId);

    // Deleted in the first tab: the other's header drops it, as a choice too.
    expect(await page.evaluate(async (id) => (await fetch(`/api/projects/${id}`, { method: 'DELETE' })).status, projectId)).toBe(204);
    await expect.poll(() => project(other).inputValue()).toBe('');
    await expect.poll(() => project(other).locator('option').allTextContents()).not.toContain('Research');
  });
});
