// Chat journeys in a real browser: first chat with a user's own key, live mirroring to a
// second tab, isolation from another user, stop keeping the partial answer, the model list,
// waiting for a provider and its failures. Untrusted answers: answer-safety.test.ts.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { holdTable } from '../helpers/database.ts';
import { addCustomKey, chooseModel, composer, lastAnswer, newEmail, openChatAs, phoenixFrame, screenshot, signUp, startE2E, type E2E, open, reload, useTheme, waitForChatPage } from './helpers.ts';

describe('chat in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('chat');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('a new user signs up, adds a key, chats with a streamed answer, and finds it after a reload', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const apiKey = `sk-e2e-${crypto.randomUUID()}-WXYZ`;
    await addCustomKey(page, e2e.slowProvider, apiKey);
    await expect(page.getByTestId('key-hint').first().textContent()).resolves.toContain('WXYZ');
    expect(await page.content()).not.toContain(apiKey);
    await screenshot(page, 'settings');

    await open(page, '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    await composer(page).fill('Hello from the browser');
    await composer(page).press('Enter');

    const answer = lastAnswer(page);
    await page.locator('article[aria-label="Assistant message"][data-status="streaming"]').waitFor();
    const early = (await answer.textContent()) ?? '';
    await expect.poll(async () => ((await answer.textContent()) ?? '').length, { timeout: 30_000 }).toBeGreaterThan(early.length);
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    await waitForChatPage(page);
    expect(e2e.slowProvider.requests.some((r) => r.authorization === `Bearer ${apiKey}`)).toBe(true);
    await screenshot(page, 'chat');
    // The answer as it finished streaming is drawn as it is after a reload: its code block has
    // its header (language, Copy) — a slow stream's last render left it bare until a reload.
    const finished = page.locator('article[aria-label="Assistant message"][data-status="complete"]');
    await expect.poll(() => finished.getByRole('button', { name: 'Copy code' }).count(), { timeout: 5_000 }).toBe(1);
    await expect(finished.locator('pre .code-head span').textContent()).resolves.toBe('js');
    // The token figure has one meaning live and after a reload: sent + written, as stored
    // (live it was the usage event's total, after a reload the answer's tokens alone).
    const liveTokens = await finished.getByTestId('answer-tokens').textContent();
    const [row] = await e2e.db.sql<{ prompt_tokens: number; completion_tokens: number }[]>`
      select prompt_tokens, completion_tokens from public.messages
      where id = ${(await finished.getAttribute('data-message-id'))!}`;
    expect(row.prompt_tokens).toBeGreaterThan(0);
    expect(liveTokens).toBe(`${row.prompt_tokens + row.completion_tokens} tokens (${row.prompt_tokens} in, ${row.completion_tokens} out)`);

    await reload(page);
    await expect.poll(() => page.getByText('Hello from the browser', { exact: true }).count()).toBeGreaterThan(0);
    const stored = page.locator('article[aria-label="Assistant message"][data-status="complete"]');
    await stored.waitFor();
    await expect(stored.locator('pre code').textContent()).resolves.toContain('console.log');
    // The code block's header names its language and copies it.
    await expect(stored.locator('pre .code-head span').textContent()).resolves.toBe('js');
    await expect(stored.getByRole('button', { name: 'Copy code' }).count()).resolves.toBe(1);
    await expect(stored.textContent()).resolves.toContain('fake-model');
    await expect(stored.getByTestId('answer-tokens').textContent()).resolves.toBe(liveTokens);

    // A half-written question survives going to another chat and back, and a reload; it was
    // lost. The new chat's box is its own.
    const chatPath = new URL(page.url()).pathname;
    await composer(page).fill('a question I am still writing');
    await page.getByRole('link', { name: 'New chat', exact: true }).click();
    await page.waitForURL(/\/chat$/);
    await expect.poll(() => composer(page).inputValue()).toBe('');
    await page.locator(`a[href="${chatPath}"]`).first().click();
    await page.waitForURL((url) => url.pathname === chatPath);
    await expect.poll(() => composer(page).inputValue()).toBe('a question I am still writing');
    await reload(page);
    await expect.poll(() => composer(page).inputValue()).toBe('a question I am still writing');
  });

  it('a second tab of the same user watches the answer grow live; another user sees none of it', async () => {
    const email = newEmail('twin');
    const first = await e2e.newPage();
    await signUp(first, email);
    await addCustomKey(first, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(first, '/chat');
    await chooseModel(first, 'custom', 'fake-model');
    await composer(first).fill('/echo opening line');
    await composer(first).press('Enter');
    await waitForChatPage(first);
    await first.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor();
    const sessionPath = new URL(first.url()).pathname;

    const second = await e2e.newPage();
    onTestFailed(async () => {
      await screenshot(first, 'failed-first-tab');
      await screenshot(second, 'failed-second-tab');
    });
    // The second tab has joined Realtime (and caught up) before the first tab writes.
    await openChatAs(second, email, sessionPath, 'opening line');

    await composer(first).fill('Tell me something long');
    await composer(first).press('Enter');

    await second.getByText('Tell me something long', { exact: true }).waitFor({ timeout: 30_000 });
    const mirrored = second.locator('article[aria-label="Assistant message"]').last();
    await second.locator('article[aria-label="Assistant message"][data-status="streaming"]').waitFor({ timeout: 30_000 });
    const seen = ((await mirrored.textContent()) ?? '').length;
    await expect.poll(async () => ((await mirrored.textContent()) ?? '').length, { timeout: 30_000 }).toBeGreaterThan(seen);
    await second.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });
    await screenshot(second, 'chat-second-tab');

    // A rename in one tab reaches the other tab's sidebar and heading live. Esc closes the title's
    // box (it did nothing) and the keyboard goes back to Rename, also after saving with Enter.
    const focusedOn = (name: string) => first.getByRole('button', { name, exact: true }).evaluate((button) => button === document.activeElement);
    await first.getByRole('button', { name: 'Rename' }).click();
    await first.getByLabel('Chat title').press('Escape');
    await first.getByLabel('Chat title').waitFor({ state: 'detached' });
    await expect.poll(() => focusedOn('Rename')).toBe(true);
    await first.keyboard.press('Enter');
    await first.getByLabel('Chat title').fill('Renamed in the first tab');
    await first.getByLabel('Chat title').press('Enter');
    await first.getByRole('heading', { name: 'Renamed in the first tab' }).waitFor();
    await expect.poll(() => focusedOn('Rename')).toBe(true);
    await second.getByRole('link', { name: 'Renamed in the first tab' }).waitFor({ timeout: 30_000 });
    await second.getByRole('heading', { name: 'Renamed in the first tab' }).waitFor();

    // A session created in one tab appears in the other tab's sidebar.
    await first.getByRole('link', { name: 'New chat', exact: true }).click();
    await first.waitForURL(/\/chat$/);
    await first.getByRole('heading', { name: 'New chat' }).waitFor();
    await composer(first).fill('/echo a brand new conversation');
    await composer(first).press('Enter');
    await second.getByRole('link', { name: /brand new conversation/ }).waitFor({ timeout: 30_000 });

    const stranger = await e2e.newPage();
    await signUp(stranger, newEmail('stranger'));
    await expect(stranger.getByRole('link', { name: 'opening line' }).count()).resolves.toBe(0);
    const response = await stranger.goto(sessionPath);
    expect(response?.status()).toBe(404);
    await expect(stranger.content()).resolves.not.toContain('Tell me something long');
  });

  it("a new chat's first answer, streaming before its rows are stored, has the chat and its people read only once they are (no 404)", async () => {
    const page = await e2e.newPage();
    // The rows' channel of the new chat joined (realtime-js's phx_reply to its join).
    let rowsJoined!: () => void;
    const joined = new Promise<void>((resolve) => (rowsJoined = resolve));
    page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
      const text = String(payload);
      if (text.includes('realtime:messages:') && text.includes('phx_reply') && text.includes('"status":"ok"')) rowsJoined();
    }));
    await signUp(page, newEmail('pending'));
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404 && /\/api\/sessions\/[0-9a-f-]{36}(\/members)?(\?|$)/.test(r.url())) missing.push(r.url());
    });
    // The turn's rows wait on the table while the answer streams (its meta says stored: false).
    const held = await holdTable(e2e.db.url, 'public.chat_sessions');
    try {
      await composer(page).fill('/echo rows come later');
      await composer(page).press('Enter');
      await page.locator('article[aria-label="Assistant message"][data-status="streaming"]').waitFor({ timeout: 30_000 });
      await joined;
      await page.waitForTimeout(500); // what the join asks for is asked now
    } finally {
      await held.end();
    }
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    await waitForChatPage(page);
    expect(missing).toEqual([]);
  });

  it("a tab's Realtime heartbeats come from a Web Worker, whose timers a background tab does not throttle", async () => {
    const page = await e2e.newPage();
    // Heartbeats sent (their refs) and the server's replies to them, on the Realtime socket.
    const sent: string[] = [];
    const answered: string[] = [];
    page.on('websocket', (socket) => {
      if (!socket.url().includes('/realtime/v1/websocket')) return;
      socket.on('framesent', ({ payload }) => {
        const frame = typeof payload === 'string' ? phoenixFrame(payload) : undefined;
        if (frame?.event === 'heartbeat') sent.push(frame.ref);
      });
      socket.on('framereceived', ({ payload }) => {
        const frame = typeof payload === 'string' ? phoenixFrame(payload) : undefined;
        if (frame?.event === 'phx_reply' && frame.topic === 'phoenix') answered.push(frame.ref);
      });
    });
    await signUp(page);
    await open(page, '/chat');
    // The worker is the site's own script (the Content-Security-Policy allows no other), and
    // the client sends a heartbeat on its every tick (realtime-js's own timer is off then).
    await expect.poll(() => page.workers().map((worker) => new URL(worker.url()).pathname), { timeout: 15_000 }).toContain('/realtime-heartbeat.js');
    await expect.poll(() => sent.length, { timeout: 40_000 }).toBeGreaterThan(0);
    await expect.poll(() => answered).toContain(sent[0]);
  });

  it('stopping mid-stream keeps the partial answer, also after a reload', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    await composer(page).fill('Please stop me');
    await composer(page).press('Enter');
    const answer = page.locator('article[aria-label="Assistant message"][data-status="streaming"]');
    await answer.waitFor();
    await expect.poll(async () => ((await answer.locator('.markdown').textContent().catch(() => '')) ?? '').length, { timeout: 30_000 }).toBeGreaterThan(20);
    await composer(page).press('Escape');

    const stopped = page.locator('article[aria-label="Assistant message"][data-status="stopped"]');
    await stopped.waitFor();
    await waitForChatPage(page);
    await reload(page);
    const kept = page.locator('article[aria-label="Assistant message"][data-status="stopped"]');
    await kept.waitFor({ timeout: 30_000 });
    const text = (await kept.locator('.markdown').textContent()) ?? '';
    expect(text).toContain('Here is a short answer');
    expect(text).not.toContain('console.log'); // the code block comes last; it never arrived
    await expect(kept.getByText('Stopped', { exact: true }).count()).resolves.toBe(1);
  });

  it("the model list adds the models the provider lists for the user's key; Other model… takes any id", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(page, '/chat');
    // The header keeps its height whatever is picked (a long provider name, a long typed model
    // id, the chat getting its title and actions): the messages below never jump.
    const header = page.getByTestId('chat-header');
    const headerHeight = async () => (await header.boundingBox())?.height;
    const height = await headerHeight();
    await chooseModel(page, 'custom');
    await expect(headerHeight()).resolves.toBe(height);
    await expect(page.getByLabel('Provider', { exact: true }).getAttribute('title')).resolves.toBe('Custom (OpenAI-compatible)');
    const field = page.getByLabel('Model', { exact: true });
    // The provider lists three; the embedder is left out; its first model is chosen.
    await expect(field.locator('optgroup[label="Listed by Custom (OpenAI-compatible)"] option').allTextContents()).resolves.toEqual(['fake-model', 'fake-model-large']);
    await expect(field.inputValue()).resolves.toBe('fake-model');
    await field.selectOption('fake-model-large');
    await composer(page).fill('/echo from the listed model');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    await waitForChatPage(page);
    const models = () => e2e.slowProvider.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => (r.body as { model?: string }).model);
    expect(models().at(-1)).toBe('fake-model-large');

    await expect(headerHeight()).resolves.toBe(height);

    // A model the provider does not list: typed (a long id, cut short in the header, whole in its title).
    const longModel = 'my-own-finetune-of-a-rather-long-model-name-2025-06-01-experimental';
    await field.selectOption({ label: 'Other model…' });
    const typed = page.getByRole('combobox', { name: 'Model', exact: true });
    await expect(typed.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await typed.fill(longModel);
    await expect(headerHeight()).resolves.toBe(height);
    await expect(typed.getAttribute('title')).resolves.toBe(longModel);
    await composer(page).fill('/echo from a typed model');
    await composer(page).press('Enter');
    await expect.poll(() => models().at(-1), { timeout: 30_000 }).toBe(longModel);
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });
    await expect(headerHeight()).resolves.toBe(height);
    await screenshot(page, 'chat-model-list');

    // The chat keeps its model: after a reload the list shows it, beside the listed ones, in a
    // header of the same height, in either theme.
    for (const theme of ['dark', 'light'] as const) {
      await useTheme(page, theme);
      await reload(page);
      await page.locator('[data-testid="model-picker"]').hover();
      await page.locator('[data-testid="model-picker"][data-models="ready"]').waitFor();
      await expect(page.getByLabel('Model', { exact: true }).inputValue()).resolves.toBe(longModel);
      await expect(page.getByLabel('Model', { exact: true }).getAttribute('title')).resolves.toBe(longModel);
      await expect(headerHeight()).resolves.toBe(height);
      await screenshot(page, theme === 'dark' ? 'chat-header-long-model' : 'chat-header-long-model-light');
    }

    // A key the provider refuses: no list, a typed id, and the field says why.
    const refused = await e2e.newPage();
    await signUp(refused);
    await addCustomKey(refused, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(refused, '/chat');
    e2e.slowProvider.setMode('401');
    try {
      await chooseModel(refused, 'custom');
    } finally {
      e2e.slowProvider.setMode('ok');
    }
    const field2 = refused.getByLabel('Model', { exact: true });
    await expect(field2.evaluate((el) => el.tagName)).resolves.toBe('INPUT');
    await expect(field2.getAttribute('title')).resolves.toMatch(/^No list of models: .*rejected the key/);
  });

  it('a provider that has not answered yet is waited for, not shown as the model thinking', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    e2e.slowProvider.setMode('hang');
    try {
      await composer(page).fill('Anyone there?');
      await composer(page).press('Enter');
      const waiting = page.locator('article[aria-label="Assistant message"][data-status="streaming"]');
      await waiting.getByTestId('waiting-for-provider').waitFor();
      await expect(waiting.getByTestId('waiting-for-provider').textContent()).resolves.toMatch(/^\s*Waiting for Custom \(OpenAI-compatible\)…/);
      // Nothing has streamed: no "Thinking…", and the status the footer announces says it is waiting.
      await expect(waiting.textContent()).resolves.not.toContain('Thinking…');
      await expect(waiting.locator('[aria-live="polite"]').textContent()).resolves.toBe('Waiting for Custom (OpenAI-compatible)…');
      await composer(page).press('Escape');
      await page.locator('article[aria-label="Assistant message"][data-status="stopped"]').waitFor();
    } finally {
      e2e.slowProvider.setMode('ok');
    }
  });

  it('a provider failure shows a readable error with a retry that works', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    e2e.slowProvider.setMode('500');
    try {
      await composer(page).fill('This will fail first');
      await composer(page).press('Enter');
      const failed = page.locator('article[aria-label="Assistant message"][data-status="error"]');
      await failed.waitFor({ timeout: 60_000 });
      // What happened and what to do, with the way to do it beside it.
      await expect(failed.getByRole('alert').textContent()).resolves.toMatch(/had a server error \(500\)\. Try again, or pick another provider\./);
      await expect(failed.getByRole('button', { name: 'Regenerate' }).count()).resolves.toBe(0);
      await expect(failed.textContent()).resolves.not.toContain('0 tokens');
      await screenshot(page, 'chat-error');
    } finally {
      e2e.slowProvider.setMode('ok');
    }
    await page.locator('article[aria-label="Assistant message"][data-status="error"]').getByRole('alert').getByRole('button', { name: 'Retry' }).click();
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
  });
});
