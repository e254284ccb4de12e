// The installable app: a valid web manifest with its icons, a theme colour per theme, a
// service worker that registers under the CSP, and an offline reload that shows the app's
// frame with an "offline" notice — built from cached assets only, never a page or API answer.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, open, screenshot, seriousViolations, signUp, startE2E, useTheme, type E2E, waitForChatPage } from './helpers.ts';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

async function themeColors(page: Page) {
  return page.locator('meta[name="theme-color"]').evaluateAll((metas) => metas.map((m) => [m.getAttribute('media'), m.getAttribute('content')]));
}

/**
 * Waits until the service worker controls `page`: it installs by caching the built app first,
 * which in a whole test run on two busy cores took longer than expect.poll's default 5 s.
 */
async function controlledByWorker(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 }).toBe(true);
}

describe('installable app', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('pwa');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('serves a valid manifest with icons in several sizes, linked from every page with a theme colour per theme', async () => {
    const res = await fetch(new URL('/manifest.webmanifest', e2e.webUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/manifest\+json/);
    const manifest = await res.json();
    expect(manifest).toMatchObject({ name: 'Mr.Prompt', short_name: 'Mr.Prompt', start_url: '/chat', scope: '/', display: 'standalone' });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    const purposes: string[] = [];
    for (const icon of manifest.icons as { src: string; sizes: string; type: string; purpose: string }[]) {
      const file = await fetch(new URL(icon.src, e2e.webUrl));
      expect(file.status, icon.src).toBe(200);
      expect(file.headers.get('content-type')).toContain(icon.type);
      if (icon.type === 'image/png') {
        const [width, height] = pngSize(Buffer.from(await file.arrayBuffer()));
        expect(`${width}x${height}`).toBe(icon.sizes);
      }
      purposes.push(`${icon.sizes} ${icon.purpose}`);
    }
    expect(purposes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));

    const page = await e2e.newPage();
    await open(page, '/login');
    await expect(page.locator('link[rel="manifest"]').getAttribute('href')).resolves.toMatch(/manifest\.webmanifest$/);
    await expect(page.locator('link[rel="apple-touch-icon"]').count()).resolves.toBe(1);
    await expect(themeColors(page)).resolves.toEqual([[null, '#09090b']]);
    await useTheme(page, 'light');
    await open(page, '/login');
    await expect(themeColors(page)).resolves.toEqual([[null, '#fafafa']]);
    await useTheme(page, 'system');
    await open(page, '/login');
    await expect(themeColors(page)).resolves.toEqual([['(prefers-color-scheme: light)', '#fafafa'], ['(prefers-color-scheme: dark)', '#09090b']]);
  });

  it('registers a service worker; offline, a reload shows the shell with an offline notice and no user data', async () => {
    const page = await e2e.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|service ?worker/i.test(message.text())) errors.push(message.text());
    });
    const email = await signUp(page);
    await composer(page).fill('A secret about pomegranates');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').first().waitFor();
    await waitForChatPage(page);
    // `ready` resolves once the registration has an active worker, which may still be
    // 'activating' (https://w3c.github.io/ServiceWorker/#navigator-service-worker-ready): it
    // must get to 'activated'.
    await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state)).toBe('activated');
    await controlledByWorker(page);
    expect(errors).toEqual([]);

    // What the worker keeps: built assets and static files only (icons, the manifest, the
    // Realtime heartbeat worker's script).
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const key of await caches.keys()) for (const request of await (await caches.open(key)).keys()) urls.push(new URL(request.url).pathname);
      return urls;
    });
    expect(cached.length).toBeGreaterThan(5);
    expect(cached.filter((p) => !/^\/(_app\/|icons\/|manifest\.webmanifest$|robots\.txt$|realtime-heartbeat\.js$)/.test(p))).toEqual([]);

    const chatUrl = page.url();
    await page.context().setOffline(true);
    // The open page says so at once, and keeps what it shows.
    await page.getByTestId('offline-banner').waitFor();
    await page.getByText('A secret about pomegranates').first().waitFor();
    await page.reload().catch(() => {});
    const notice = page.getByTestId('offline');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('You are offline');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).waitFor();
    const text = await page.locator('body').innerText();
    expect(text).not.toContain(email);
    expect(text).not.toContain('pomegranates');
    const found: Record<string, unknown> = {};
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const violations = await seriousViolations(page);
      if (violations.length) found[scheme] = violations;
      await screenshot(page, `offline-${scheme}`);
    }
    expect(found).toEqual({});
    // The offline page breaks no rule of its own policy either (its stylesheets' fonts).
    expect(errors).toEqual([]);

    await page.context().setOffline(false);
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.waitForURL(chatUrl);
    await page.locator('article[aria-label="Assistant message"]').first().waitFor();
    await expect(notice.count()).resolves.toBe(0);
  });

  it('/api/docs, served on this origin through the /api proxy, keeps the API\'s Content-Security-Policy (the proxy dropped it)', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const direct = await fetch(`${e2e.stack.apiUrl}/functions/v1/api/docs`, { headers: { apikey: e2e.stack.keys.publishableKey } });
    const policy = direct.headers.get('content-security-policy');
    expect(policy).toMatch(/^default-src 'none'; script-src 'sha384-[^']+' https:\/\/cdn\.jsdelivr\.net;.*frame-ancestors 'none'$/);
    const proxied = await page.request.get('/api/docs');
    expect(proxied.headers()['content-type']).toMatch(/^text\/html/);
    expect(proxied.headers()['content-security-policy']).toBe(policy);
    // Under it, the page's pinned script may load; an inline one (an injection) does not run.
    await page.goto('/api/docs');
    await page.locator('script[src^="https://cdn.jsdelivr.net/npm/@scalar/api-reference@"][integrity^="sha384-"]').waitFor({ state: 'attached' });
    await page.addScriptTag({ content: 'window.__inline = 1' }).catch(() => {});
    expect(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline)).toBeUndefined();
  });

  it('after signing out, nothing of the first user comes back from a cache: headers, back button, worker caches, next user', async () => {
    const page = await e2e.newPage();
    const first = await signUp(page);
    await composer(page).fill('A secret about quinces');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').first().waitFor();
    await waitForChatPage(page);
    const chatUrl = page.url();
    await composer(page).fill('A half-written secret about figs'); // a draft, kept for this tab
    await expect.poll(() => page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('mrprompt-draft:')).length)).toBe(1);
    await open(page, '/prompts');
    // A form kept over a sign-in detour (lib/form-rescue.ts), as that redirect leaves it.
    await page.evaluate(() => sessionStorage.setItem('mrprompt:rescued-form', JSON.stringify({ path: '/prompts/new', fields: [{ name: 'content', value: 'kept' }] })));

    // Pages, their client-side data and API answers with private data: never stored anywhere.
    for (const path of [new URL(chatUrl).pathname, `${new URL(chatUrl).pathname}/__data.json`, '/settings', '/api/sessions', '/api/me']) {
      const res = await page.request.get(path, { maxRedirects: 0 });
      expect(res.status(), path).toBe(200);
      const cacheControl = res.headers()['cache-control'] ?? '';
      expect(cacheControl, path).toContain('no-store');
      expect(cacheControl, path).toContain('private');
    }

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    // What was being typed goes with the person who typed it.
    await expect(page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('mrprompt')))).resolves.toEqual([]);
    // Back to the chat and the prompts list: asked of the server again, which wants a sign-in.
    await page.goBack();
    await page.waitForURL(/\/login\?next=/);
    await expect(page.locator('body').innerText()).resolves.not.toContain(first);
    await page.goto(chatUrl);
    await page.waitForURL(/\/login\?next=/);
    await expect(page.locator('body').innerText()).resolves.not.toContain('quinces');

    // Someone else signs in on the same browser: the first user's pages stay away, back button too.
    await signUp(page);
    await page.goto(chatUrl);
    await expect(page.locator('body').innerText()).resolves.not.toContain('quinces');
    for (let i = 0; i < 4; i++) {
      await page.goBack().catch(() => {});
      const text = await page.locator('body').innerText();
      expect(text).not.toContain('quinces');
      expect(text).not.toContain(first);
    }
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const key of await caches.keys()) for (const request of await (await caches.open(key)).keys()) urls.push(new URL(request.url).pathname);
      return urls;
    });
    expect(cached.filter((p) => !/^\/(_app\/|icons\/|manifest\.webmanifest$|robots\.txt$|realtime-heartbeat\.js$)/.test(p))).toEqual([]);
  });

  it('with the network up but the server not answering, says the server cannot be reached (not "offline"), and recovers', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await open(page, '/prompts');
    await controlledByWorker(page);
    const origin = new URL(e2e.webUrl).origin;
    // The server goes away; built assets stay in the worker's cache.
    const down = (url: URL) => url.origin === origin && !/^\/(_app|icons)\//.test(url.pathname);
    await page.context().route(down, (route) => route.abort('connectionrefused'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
    const notice = page.getByTestId('offline');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('can’t be reached');
    await expect(notice.textContent()).resolves.not.toContain('offline');
    await expect(page.title()).resolves.toMatch(/Can’t reach/);
    await page.reload().catch(() => {});
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('can’t be reached');

    await page.context().unroute(down);
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.waitForURL(/\/usage$/);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await expect(notice.count()).resolves.toBe(0);
  });
});
