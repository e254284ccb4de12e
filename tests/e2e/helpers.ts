/**
 * Browser journeys against the whole local stack: one stack per test file (fresh database,
 * gateway, Deno function, realtime, the adapter-node web build, the demo provider), Chromium
 * driven by playwright-core, and a slow fake provider for answers that stream long enough to
 * watch, stop or mirror in a second tab.
 *
 *   const e2e = await startE2E();              // beforeAll
 *   const page = await e2e.newPage();          // a fresh browser context each time
 *   await signUp(page, e2e.webUrl);
 *   await e2e.stop();                          // afterAll
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Session, type SupabaseClient, type User } from '@supabase/supabase-js';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { generateKeys } from '../../local/src/keys/index.ts';
import { ROOT } from '../../local/src/paths.ts';
import { getFreePort } from '../../local/src/ports.ts';
import { startStack, type AuthOverrides, type Stack, type StackOptions } from '../../local/src/stack.ts';
import { rebuildWebApp, webBuildState } from '../../local/src/web-build.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { resolveChromium } from '../helpers/chromium.ts';
import { confirmLink, type CaughtMail } from '../helpers/mail.ts';
import { functionsDirWithEnv } from '../faults/helpers.ts';

export const SCREENSHOT_DIR = path.join(ROOT, 'tests', 'artifacts', 'screenshots');
export const PASSWORD = 'correct-horse-42';

const CHROME_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface E2E {
  stack: Stack;
  /** The stack's database (a superuser client in `db.sql`), for what a journey cannot do in the browser, e.g. age a session. */
  db: TestDatabase;
  webUrl: string;
  browser: Browser;
  /** Answers slowly (many chunks, a pause between them) so a test can watch it stream. */
  slowProvider: FakeProvider;
  /** A new isolated browser context (its own cookies) and page; `sameUserAs` copies a page's cookies and storage (another device of that person). */
  newPage(options?: { sameUserAs?: Page; timezoneId?: string }): Promise<Page>;
  /** Server log lines, for failure messages. */
  logs: string[];
  stop(): Promise<void>;
}

const BUILD_LOCK = path.join(ROOT, 'tests', 'artifacts', '.web-build.lock');

const buildIsFresh = (): boolean => webBuildState() === 'current';

/** Builds web/ when it was built from other sources; test files in parallel build once. */
export async function ensureWebBuild(): Promise<void> {
  mkdirSync(path.dirname(BUILD_LOCK), { recursive: true });
  for (;;) {
    if (buildIsFresh()) return;
    try {
      mkdirSync(BUILD_LOCK); // atomic: only one file builds
    } catch {
      // A lock left by a killed run must not block every later run.
      const lock = statSync(BUILD_LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 5 * 60_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      // The build `npm start` makes (local/src/web-build.ts): for production, as users get it.
      if (!buildIsFresh()) await rebuildWebApp({ logFile: path.join(ROOT, 'tests', 'artifacts', 'web-build.log') });
    } finally {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
  }
}

export interface E2EOptions {
  /** Overrides on top of config.toml [auth] (e.g. an external provider). */
  auth?: AuthOverrides;
  /** The gateway's port, when a test must know it before the stack starts (OAuth callbacks). */
  apiPort?: number;
  /** Secrets for the API function (its supabase/functions/.env), e.g. MODEL_PRICES. */
  functionEnv?: Record<string, string>;
}

/**
 * The stack with the web app on free ports. A port handed out as free can be taken by another
 * suite's server before the web app binds it; the web app then exits (local/src/web-process.ts):
 * once more, on new ports. `apiPort`, when given, is kept.
 */
export async function startStackWithWeb(options: Omit<StackOptions, 'webPort'>): Promise<Stack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStack({ ...options, apiPort: options.apiPort ?? (await getFreePort()), webPort: await getFreePort() });
    } catch (error) {
      if (attempt >= 2 || !/the web app exited during start-up/.test(String(error))) throw error;
    }
  }
}

/** `name` labels the server log saved to tests/artifacts/stack-<name>.log. */
export async function startE2E(name: string, options: E2EOptions = {}): Promise<E2E> {
  await ensureWebBuild();
  const logs: string[] = [];
  const db: TestDatabase = await createTestDatabase();
  // Uploaded files stay out of the developer's own .mrprompt/storage.
  const storageDir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-e2e-storage-'));
  let stack: Stack | undefined;
  let slowProvider: FakeProvider | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const functions = options.functionEnv ? await functionsDirWithEnv(options.functionEnv) : undefined;
  try {
    stack = await startStackWithWeb({
      functionsDir: functions?.dir,
      databaseUrl: db.url,
      apiPort: options.apiPort,
      demoProvider: true,
      auth: options.auth,
      // The journeys add a "custom" provider that is a fake server on loopback.
      allowPrivateProviderUrls: true,
      keys: await generateKeys(),
      log: (line) => logs.push(line),
    });
    if (!stack.webUrl) throw new Error(`the web app did not start:\n${logs.join('\n')}`);
    slowProvider = await startFakeProvider({ tokens: 120, tokenDelayMs: 40, models: ['fake-model', 'fake-model-large', 'fake-embed'] });
    const chrome = await resolveChromium();
    browser = await chromium.launch({ executablePath: chrome.executablePath, args: CHROME_ARGS, env: { ...process.env, ...chrome.env } });
  } catch (error) {
    await browser?.close();
    await slowProvider?.stop();
    await stack?.stop();
    await db.drop();
    await functions?.remove();
    rmSync(storageDir, { recursive: true, force: true });
    throw error;
  }
  const webUrl = stack.webUrl!;
  const openBrowser = browser;
  return {
    stack,
    db,
    webUrl,
    browser,
    slowProvider,
    logs,
    async newPage(options = {}) {
      const storageState = options.sameUserAs ? await options.sameUserAs.context().storageState() : undefined;
      const context = await openBrowser.newContext({ baseURL: webUrl, viewport: { width: 1280, height: 800 }, storageState, timezoneId: options.timezoneId });
      // Generous: `npm test` runs these beside every other suite on two cores.
      context.setDefaultTimeout(45_000);
      contexts.push(context);
      const page = await context.newPage();
      // The page's own errors go to the saved server log, beside the requests they explain.
      const label = `browser ${contexts.length}`;
      page.on('pageerror', (error) => logs.push(`${label}: ${new Date().toISOString()} uncaught ${String(error).slice(0, 500)}`));
      page.on('console', (message) => {
        const type = message.type();
        if (type === 'error' || type === 'warning') logs.push(`${label}: ${new Date().toISOString()} console.${type === 'error' ? 'error' : 'warn'} ${message.text().slice(0, 500)}`);
      });
      return page;
    },
    async stop() {
      mkdirSync(path.join(ROOT, 'tests', 'artifacts'), { recursive: true });
      writeFileSync(path.join(ROOT, 'tests', 'artifacts', `stack-${name}.log`), logs.join('\n'));
      for (const context of contexts) await context.close().catch(() => {});
      await openBrowser.close();
      await slowProvider!.stop();
      await stack!.stop();
      await db.drop();
      await functions?.remove();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

/** Navigates and waits until the app has hydrated, so typing right away is never lost. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
}

/**
 * Follows an auth email's link as a person does: the app's /auth/confirm page, then its one
 * button (opening the page alone uses nothing). `mail` is the caught mail (tests/helpers/mail.ts).
 */
export async function followMailLink(page: Page, mail: CaughtMail): Promise<void> {
  await open(page, confirmLink(mail));
  await page.getByRole('main').getByRole('button').click();
  // The link's own address ends in `next=/reset-password`: wait to leave it, not for a pattern.
  await page.waitForURL((url) => url.pathname !== '/auth/confirm');
}

/**
 * Waits until the page is a chat of its own: its address is /chat/<id> and that page's data
 * has arrived (the tab's title is the chat's, not "New chat"). A new chat's address changes
 * as soon as it exists, before its data (routes/chat/[[id]]/+page.svelte).
 */
export async function waitForChatPage(page: Page): Promise<void> {
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  await page.waitForFunction(() => !document.title.startsWith('New chat ·'));
}

/** Reloads and waits for hydration again. */
export async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
}

/** A unique email per call, so tests never share users. */
export function newEmail(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 10)}@example.test`;
}

/** The name signUp gives an account ("Owner-1a2b3c4d-e" for owner-1a2b3c4d-e@…): people in a chat see it. */
export const nameOf = (email: string) => email.charAt(0).toUpperCase() + email.slice(1, email.indexOf('@'));

/** Signs a new user up through the form (named `nameOf(email)`) and waits for the chat screen. */
export async function signUp(page: Page, email = newEmail('user')): Promise<string> {
  await open(page, '/login?mode=signup');
  await page.getByLabel('Your name').fill(nameOf(email));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await arrivedAtChat(page, 'sign up');
  return email;
}

export async function signIn(page: Page, email: string): Promise<void> {
  await open(page, '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await arrivedAtChat(page, 'sign in');
}

/** Waits for /chat; on failure says where the browser ended up and what it showed. */
async function arrivedAtChat(page: Page, step: string): Promise<void> {
  try {
    await page.waitForURL('**/chat');
  } catch (error) {
    await screenshot(page, `failed-${step.replace(' ', '-')}-${Date.now()}`).catch(() => {});
    const text = (await page.locator('body').innerText().catch(() => '')).slice(0, 300);
    throw new Error(`${step} did not reach /chat; at ${page.url()} showing: ${text}`, { cause: error });
  }
}

/** Waits until a chat view is live: its Realtime channels joined and the chat re-read since
 * (`data-live`, ChatState.live), so whatever another tab writes from now on reaches it. */
export async function waitForLive(page: Page): Promise<void> {
  await page.getByTestId('messages').and(page.locator('[data-live="true"]')).waitFor();
}

/** Another tab or device of a user: signs in, opens the chat at `chatPath`, waits for `shows`
 * (a text of the chat) and for the view to be live. */
export async function openChatAs(page: Page, email: string, chatPath: string, shows?: string): Promise<void> {
  await signIn(page, email);
  await open(page, chatPath);
  if (shows) await page.getByText(shows).first().waitFor();
  await waitForLive(page);
}

export { dropRowChanges, HeldFrames, phoenixFrame } from './realtime-frames.ts';

/**
 * The official client signed in as an account a journey made (to act as that person through
 * the API, Storage or Realtime beside their pages, as another of their devices would).
 */
export async function signedInClient(e2e: E2E, email: string): Promise<{ client: SupabaseClient; user: User; session: Session }> {
  const client = createClient(e2e.stack.apiUrl, e2e.stack.keys.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never },
  });
  const { data, error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (error || !data.session) throw new Error(`${email} could not sign in: ${error?.message ?? 'no session'}`);
  return { client, user: data.user, session: data.session };
}

/** Stores a key for the "custom" provider pointing at a fake provider, through Settings. */
export async function addCustomKey(page: Page, provider: FakeProvider, apiKey: string): Promise<void> {
  await open(page, '/settings');
  const row = page.locator('li[data-provider="custom"]');
  await row.getByRole('button', { name: 'Add key' }).click();
  await row.getByLabel('Custom (OpenAI-compatible) API key').fill(apiKey);
  await row.getByLabel('Base URL').fill(provider.url);
  await row.getByRole('button', { name: 'Save key' }).click();
  await row.getByTestId('key-hint').waitFor();
}

/** Picks provider and model in the chat header. */
export async function chooseModel(page: Page, provider: string, model?: string): Promise<void> {
  await page.getByLabel('Provider').selectOption(provider);
  // The picker asks the provider for its models: the field is a list or a text box once it has.
  await page.locator('[data-testid="model-picker"][data-models="ready"]').waitFor();
  const modelField = page.getByLabel('Model', { exact: true });
  if (!model) return;
  if ((await modelField.evaluate((el) => el.tagName)) === 'SELECT') {
    const listed = await modelField.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    if (listed.includes(model)) return void (await modelField.selectOption(model));
    await modelField.selectOption({ label: 'Other model…' }); // a model the list does not have: typed
  }
  await page.getByLabel('Model', { exact: true }).fill(model);
}

export function composer(page: Page) {
  return page.getByRole('textbox', { name: 'Message' });
}

export function lastAnswer(page: Page) {
  return page.locator('article[aria-label="Assistant message"]').last();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Sends `text` from the composer and waits for the answer after the `answersBefore` complete ones. */
export async function sendAndWait(page: Page, text: string, answersBefore: number): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await page.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(answersBefore).waitFor();
  // A new chat's first answer: its page's data may still be on the way, and re-renders the header when it comes.
  if (answersBefore === 0) await waitForChatPage(page);
}

/**
 * axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now. A page
 * without frames is checked with `axe.run` in the page (AxeBuilder's legacy mode): the same
 * rules and results, without the blank page that the frame-by-frame mode opens, loads axe into
 * and closes on every call — most of a check's time on two busy cores.
 */
export async function seriousViolations(page: Page): Promise<{ id: string; targets: string[] }[]> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  const results = await builder.setLegacyMode(page.frames().length === 1).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}

/** Renders this browser context's pages in a theme (the cookie Settings › Theme sets). */
export async function useTheme(page: Page, theme: 'light' | 'dark' | 'system'): Promise<void> {
  await page.context().addCookies([{ name: 'mrprompt-theme', value: theme, url: new URL(page.url()).origin }]);
}
