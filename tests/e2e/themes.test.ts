// Every screen in both themes: axe-core finds no serious or critical violation in light or
// dark, and each is saved as tests/artifacts/screenshots/<theme>-<screen>.png beside the
// others (signed out, a new user's first run, a chat with code, search, shortcuts, the
// sidebar's archive, prompts, playground, projects, usage, every settings page, import, a
// shared chat, and at phone width the chat with its drawer and the other main screens); no
// screen is wider than its window, even with a long unbreakable word in a title. The theme
// chosen in Settings (light, dark, system) is remembered per user and follows them to other
// devices, those already signed in included (on their next page).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, open, reload, screenshot, sendAndWait, seriousViolations, signIn, signUp, startE2E, useTheme, type E2E, waitForChatPage } from './helpers.ts';

async function chooseTheme(page: Page, theme: 'System' | 'Light' | 'Dark') {
  await open(page, '/settings');
  await page.getByRole('radio', { name: theme }).check();
  await page.getByRole('button', { name: 'Apply theme' }).click();
  await page.getByTestId('toasts').getByRole('status').filter({ hasText: `Theme set to ${theme.toLowerCase()}.` }).waitFor();
  await expect.poll(() => page.locator('html').getAttribute('class')).toBe(theme.toLowerCase());
}

type Screen = { name: string; path: string; then?: (page: Page) => Promise<void> };
/** The same person in two browser contexts, one per theme: both themes are checked at once. */
type Themed = { light: Page; dark: Page };

/** Another context signed in as `page`'s user (none when signed out), for the dark theme. */
async function themed(e2e: E2E, page: Page): Promise<Themed> {
  const dark = await e2e.newPage({ sameUserAs: page });
  await dark.setViewportSize(page.viewportSize()!);
  await open(dark, new URL(page.url()).pathname); // on the site, so its theme cookie can be set
  return { light: page, dark };
}

/** Opens each screen in each theme (the two side by side); returns the violations found, by theme and screen. */
async function checkScreens(pages: Themed, screens: Screen[]): Promise<Record<string, unknown>> {
  const found: Record<string, unknown> = {};
  await Promise.all((['light', 'dark'] as const).map(async (theme) => {
    const page = pages[theme];
    await useTheme(page, theme);
    for (const screen of screens) {
      await open(page, screen.path);
      await expect(page.locator('html').getAttribute('class')).resolves.toBe(theme);
      await page.waitForLoadState('networkidle');
      await screen.then?.(page);
      const violations = await seriousViolations(page);
      if (violations.length) found[`${theme}-${screen.name}`] = violations;
      // Nothing wider than the window: a page that scrolls sideways is broken on a phone.
      // Nor wider than the page's own scrolling area (the screens scroll inside <main>, where
      // the document's width does not show it).
      const overflow = await page.evaluate(() => Math.max(
        document.documentElement.scrollWidth - window.innerWidth,
        ...[...document.querySelectorAll('main > div')].map((el) => el.scrollWidth - el.clientWidth),
      ));
      if (overflow > 0) found[`${theme}-${screen.name}-overflow`] = `${overflow}px wider than the window`;
      await screenshot(page, `${theme}-${screen.name}`);
    }
  }));
  return found;
}

describe('every screen in both themes', { timeout: 300_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('themes');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('signed out, and a new user before their first chat', async () => {
    const page = await e2e.newPage();
    await open(page, '/login');
    const signedOut = await checkScreens(await themed(e2e, page), [
      { name: 'login', path: '/login' },
      { name: 'signup', path: '/login?mode=signup' },
      { name: 'forgot-password', path: '/login/forgot' },
    ]);
    await signUp(page);
    const firstRun = await checkScreens(await themed(e2e, page), [
      { name: 'first-run', path: '/chat', then: (p) => p.getByRole('region', { name: 'Welcome to Mr.Prompt' }).waitFor() },
      { name: 'projects-empty', path: '/projects' },
      { name: 'usage-empty', path: '/usage' },
    ]);
    expect({ ...signedOut, ...firstRun }).toEqual({});
  });

  // The desktop and phone screens are two tests, each with its own time limit: together they
  // came near the 300 s one test may take on a loaded machine.
  describe('a user with chats, prompts and a project', () => {
    let page: Page;
    let chatPath: string;
    let made: { promptId: string; projectId: string; sharePath: string };
    beforeAll(async () => {
      page = await e2e.newPage();
      await signUp(page);
      for (const [i, text] of ['Show me some `code` please', 'Remember the word pomegranate'].entries()) {
        if (i) await open(page, '/chat');
        await composer(page).fill(text);
        await composer(page).press('Enter');
        await page.locator('article[aria-label="Assistant message"][data-status="complete"]').first().waitFor();
        await waitForChatPage(page);
      }
      chatPath = new URL(page.url()).pathname;
      const sessionId = chatPath.split('/').pop()!;
      // A prompt, a project, an archived chat and a share link, through the same-origin API.
      made = await page.evaluate(async (id) => {
        const post = async (path: string, body: unknown) => {
          const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          if (!res.ok) throw new Error(`${path}: ${res.status}`);
          return res.json();
        };
        // Long words with no place to break (an identifier pasted as a title) must wrap, not widen the page.
        const prompt = await post('/api/prompts', { title: 'Support reply for summarise_quarterly_financial_reports_for_the_board', content: 'Answer {{customer}} in a {{tone:enum(kind,brief)|kind}} tone.' });
        const project = await post('/api/projects', { name: 'Research', description: 'Papers and notes on summarise_quarterly_financial_reports_for_the_board', system_prompt_id: prompt.id, system_prompt_variables: { customer: 'Acme' } });
        await fetch(`/api/sessions/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project_id: project.id }) });
        const archived = await post('/api/sessions', { title: 'An archived chat' });
        await fetch(`/api/sessions/${archived.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ archived: true }) });
        const share = await post(`/api/sessions/${id}/share`, {});
        return { promptId: prompt.id as string, projectId: project.id as string, sharePath: share.path as string };
      }, sessionId);
    }, 300_000);

    it('every desktop screen', async () => {
      const pages = await themed(e2e, page);
      const found = await checkScreens(pages, [
        { name: 'chat', path: chatPath, then: (p) => p.locator('article[aria-label="Assistant message"]').first().waitFor() },
        { name: 'chat-new', path: '/chat' },
        {
          name: 'chat-archive', path: '/chat', then: async (p) => {
            await p.getByText('Archived chats').click();
            await p.getByRole('list', { name: 'Archived chats' }).getByRole('link', { name: 'An archived chat' }).waitFor();
          },
        },
        {
          name: 'chat-search', path: '/chat', then: async (p) => {
            await p.getByRole('combobox', { name: 'Search chats and messages' }).fill('pomegranate');
            await p.getByRole('region', { name: 'Search results' }).getByRole('option').first().waitFor();
          },
        },
        {
          name: 'shortcuts', path: '/chat', then: async (p) => {
            await p.locator('body').click();
            await p.keyboard.press('?');
            await p.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
          },
        },
        { name: 'prompts-mine', path: '/prompts' },
        { name: 'prompts-public', path: '/prompts?scope=public' },
        { name: 'prompt-new', path: '/prompts/new' },
        { name: 'prompt-detail', path: `/prompts/${made.promptId}` },
        { name: 'playground', path: '/playground' },
        { name: 'projects', path: '/projects' },
        { name: 'project', path: `/projects/${made.projectId}` },
        { name: 'usage', path: '/usage' },
        { name: 'settings', path: '/settings' },
        { name: 'settings-api-keys', path: '/settings/api-keys' },
        { name: 'settings-security', path: '/settings/security' },
        { name: 'settings-import', path: '/settings/import' },
        { name: 'shared-chat', path: made.sharePath },
      ]);
      expect(found).toEqual({});
    });

    it('every phone screen', async () => {
      const pages = await themed(e2e, page);
      for (const p of [pages.light, pages.dark]) await p.setViewportSize({ width: 390, height: 844 });
      const phone = await checkScreens(pages, [
        { name: 'chat-phone', path: chatPath, then: (p) => p.locator('article[aria-label="Assistant message"]').first().waitFor() },
        {
          name: 'chat-phone-drawer', path: chatPath, then: async (p) => {
            await p.getByRole('button', { name: 'Chats' }).click();
            await p.getByRole('link', { name: 'New chat', exact: true }).waitFor();
          },
        },
        { name: 'prompts-phone', path: '/prompts' },
        { name: 'prompt-detail-phone', path: `/prompts/${made.promptId}` },
        { name: 'playground-phone', path: '/playground' },
        { name: 'projects-phone', path: '/projects' },
        { name: 'project-phone', path: `/projects/${made.projectId}` },
        { name: 'usage-phone', path: '/usage' },
        { name: 'settings-phone', path: '/settings' },
        { name: 'settings-api-keys-phone', path: '/settings/api-keys' },
        { name: 'shared-chat-phone', path: made.sharePath },
      ]);
      expect(phone).toEqual({});
  });
  });

  it('the theme is remembered per user, applies at once and on other devices, and every screen stays accessible in it', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await sendAndWait(page, 'Show me some `code` please', 0);
    const chatPath = new URL(page.url()).pathname;
    await expect(page.locator('html').getAttribute('class')).resolves.toBe('dark');

    await chooseTheme(page, 'Light');
    await reload(page);
    await expect(page.locator('html').getAttribute('class')).resolves.toBe('light');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).not.toBe('');

    // Another device (a fresh browser context) signs in: the profile's theme follows.
    const other = await e2e.newPage();
    await signIn(other, email);
    await expect(other.locator('html').getAttribute('class')).resolves.toBe('light');

    const found: Record<string, unknown> = {};
    for (const [name, path] of [
      ['chat', chatPath], ['chat-new', '/chat'], ['prompts-library', '/prompts?scope=public'], ['prompt-new', '/prompts/new'],
      ['projects', '/projects'], ['usage', '/usage'], ['settings', '/settings'],
    ] as const) {
      await open(page, path);
      await page.waitForLoadState('networkidle');
      const violations = await seriousViolations(page);
      if (violations.length) found[name] = violations;
      await screenshot(page, `theme-light-${name}`);
    }
    expect(found).toEqual({});

    // "System" follows the device: a light-scheme browser renders light, a dark one dark.
    await chooseTheme(page, 'System');
    await page.emulateMedia({ colorScheme: 'light' });
    const lightSystem = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    const darkSystem = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(lightSystem).toBe(background);
    expect(darkSystem).not.toBe(lightSystem);

    await chooseTheme(page, 'Dark');
    await open(page, chatPath);
    await expect(page.locator('html').getAttribute('class')).resolves.toBe('dark');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'theme-dark-chat');

    // The other device, signed in all along, follows on its next page, and its Settings name
    // the theme it now shows.
    await open(other, '/usage');
    await expect(other.locator('html').getAttribute('class')).resolves.toBe('dark');
    await open(other, '/settings');
    await expect(other.getByRole('radio', { name: 'Dark' }).isChecked()).resolves.toBe(true);
    // And back, chosen there: the first device follows in turn.
    await chooseTheme(other, 'Light');
    await reload(page);
    await expect(page.locator('html').getAttribute('class')).resolves.toBe('light');
  }, 300_000);

  it('someone else signing in on the same browser gets their own theme, not the last person’s', async () => {
    const page = await e2e.newPage();
    const first = await signUp(page);
    await chooseTheme(page, 'Light');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    // The sign-in page keeps the theme last shown here.
    await expect(page.locator('html').getAttribute('class')).resolves.toBe('light');

    await signUp(page); // never chose: the default
    await expect(page.locator('html').getAttribute('class')).resolves.toBe('dark');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);

    await signIn(page, first);
    await expect(page.locator('html').getAttribute('class')).resolves.toBe('light');
  });
});
