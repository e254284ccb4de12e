// Everyday comforts, as a user meets them: a keyless Ollama endpoint saves and answers,
// the message box grows with its text and on a touch screen Enter adds a line, Copy copies a
// message, "Jump to latest" brings a reader who scrolled up back to the end, Export downloads a chat,
// answer settings (temperature, longest answer) go with each turn and stay with the chat,
// chat titles read as plain text and are then named by the chat's model, `?` shows the shortcuts,
// confirmations arrive as toasts (errors: toasts.test.ts), and a Realtime drop shows "Reconnecting…" until
// live updates are back; chats can be pinned to the top of the sidebar, archived out of it and
// restored, and all archived or deleted at once from Settings; a chat the sidebar learns of
// live is not undone by an older read of the list. Offline sends, refused sends and search hits:
// send-and-find.test.ts.
import { readFileSync } from 'node:fs';
import type { WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { addCustomKey, chooseModel, composer, lastAnswer, open, reload, screenshot, sendAndWait, seriousViolations, signIn, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';

describe('everyday comforts', { timeout: 180_000 }, () => {
  let e2e: E2E;
  let ollama: FakeProvider;
  beforeAll(async () => {
    e2e = await startE2E('comforts');
    ollama = await startFakeProvider();
  });
  afterAll(async () => {
    await ollama?.stop();
    await e2e?.stop();
  });

  it('Ollama saves with a base URL and no key, and answers in chat', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await open(page, '/settings');
    const row = page.locator('li[data-provider="ollama"]');
    await row.getByRole('button', { name: 'Set base URL' }).click();
    await row.getByLabel('Base URL (optional)').fill(ollama.url);
    await row.getByRole('button', { name: 'Save key' }).click();
    // Saving checks the endpoint at once, as Verify does.
    await row.getByRole('status').filter({ hasText: 'Saved and verified: Ollama answered at this base URL.' }).waitFor();
    await expect(row.getByRole('alert').count()).resolves.toBe(0);
    await expect(row.textContent()).resolves.toContain(ollama.url);

    await open(page, '/chat');
    await page.getByLabel('Provider').selectOption('ollama');
    await sendAndWait(page, 'Hello from a keyless endpoint', 0);
    await expect(lastAnswer(page).textContent()).resolves.toContain('Here is a short answer');
    const call = ollama.requests.find((r) => r.path.startsWith('/v1/chat/completions'));
    expect(call).toBeDefined();
  });

  it('a chat is titled in plain text from its first message, then named by its model unless Settings says not to', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const chats = page.getByRole('navigation', { name: 'Chats' });
    const saveNaming = async (on: boolean) => {
      await open(page, '/settings');
      const naming = page.getByLabel('Name new chats with their model');
      await expect(naming.isChecked()).resolves.toBe(!on);
      await naming.setChecked(on);
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
    };

    // Naming off: the first message's first line, as plain text, is the title and stays.
    await saveNaming(false);
    await open(page, '/chat');
    await sendAndWait(page, 'Explain **recursion** with a `python` [example](https://example.com)', 0);
    await waitForChatPage(page);
    const plain = chats.getByRole('link', { name: 'Explain recursion with a python example', exact: true });
    await plain.waitFor();
    await reload(page);
    await plain.waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Explain recursion with a python example');

    // Naming on (the default): once the first answer is complete the model's title replaces it,
    // in the header and the sidebar, and stays.
    await saveNaming(true);
    await open(page, '/chat');
    await sendAndWait(page, 'Please tell me *everything* about how the tides work', 0);
    await waitForChatPage(page);
    await chats.getByRole('link', { name: 'Please tell me everything about', exact: true }).waitFor();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Please tell me everything about');
    await screenshot(page, 'chat-named');
    await reload(page);
    await chats.getByRole('link', { name: 'Please tell me everything about', exact: true }).waitFor();
    await expect(chats.getByRole('link', { name: 'Explain recursion with a python example', exact: true }).count()).resolves.toBe(1);
  });

  it('a new chat stays in the sidebar when a re-read of the list, begun before the chat existed, answers after it', async () => {
    const page = await e2e.newPage();
    // The sidebar re-reads its list after each Realtime join. Hold every such read once the
    // server has answered it, until the new chat is shown live; then let the old answer through.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let read = 0;
    const answered: Promise<void>[] = [];
    await page.route(/\/api\/sessions\?limit=100$/, (route) => {
      answered.push((async () => {
        const response = await route.fetch();
        read++;
        await held;
        await route.fulfill({ response });
      })());
    });
    await signUp(page);
    await expect.poll(() => read, { timeout: 30_000 }).toBeGreaterThan(0);
    await sendAndWait(page, 'Born during a re-read', 0);
    await waitForChatPage(page);
    const link = page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: 'Born during a re-read' });
    await link.waitFor();
    release();
    await Promise.all(answered);
    // The page applies the answer in its next tasks.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 250)));
    await expect(link.count()).resolves.toBe(1);
  });

  it('? opens the keyboard shortcuts (not while typing), Escape closes them', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await composer(page).fill('Is this a question?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog.isVisible()).resolves.toBe(false);
    await page.locator('body').click();
    await page.keyboard.press('?');
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain('Search your chats');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'shortcuts');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await dialog.waitFor();
  });

  it('the message box grows with its text; on a touch screen Enter adds a line and Send (or Ctrl+Enter) sends', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    const box = composer(page);
    const height = async () => (await box.boundingBox())?.height ?? 0;
    await box.fill('one line');
    const oneLine = await height();
    await box.fill('one\ntwo\nthree\nfour\nfive');
    expect(await height()).toBeGreaterThan(oneLine * 2);

    const phone = await e2e.browser.newContext({ baseURL: e2e.webUrl, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    try {
      const touch = await phone.newPage();
      touch.setDefaultTimeout(45_000);
      await signIn(touch, email);
      expect(await touch.evaluate(() => matchMedia('(pointer: coarse)').matches && !matchMedia('(any-pointer: fine)').matches)).toBe(true);
      const field = composer(touch);
      await field.fill('first line');
      await field.press('Enter');
      await field.pressSequentially('second line');
      await expect.poll(() => field.inputValue()).toBe('first line\nsecond line');
      await expect(touch.locator('article[aria-label="Your message"]').count()).resolves.toBe(0);
      await touch.getByRole('button', { name: 'Send' }).tap();
      await touch.locator('article[aria-label="Assistant message"][data-status="complete"]').first().waitFor();
      await expect(touch.locator('article[aria-label="Your message"]').first().innerText()).resolves.toContain('second line');
      await field.fill('sent with Ctrl+Enter');
      await field.press('Control+Enter');
      await touch.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor();
    } finally {
      await phone.close();
    }
  });

  it('Copy puts a message or an answer (its markdown) on the clipboard; "Jump to latest" appears off the bottom and brings the reader back', async () => {
    const page = await e2e.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.setViewportSize({ width: 1280, height: 520 });
    const email = await signUp(page);
    await sendAndWait(page, 'Show me some `code` please', 0);
    const answer = lastAnswer(page);
    await answer.getByRole('button', { name: 'Copy answer' }).click();
    await answer.getByRole('button', { name: 'Copied answer' }).waitFor();
    const copiedAnswer = await page.evaluate(() => navigator.clipboard.readText());
    expect(copiedAnswer).toContain('```');
    expect(copiedAnswer).toContain('console.log');
    await page.locator('article[aria-label="Your message"]').getByRole('button', { name: 'Copy message' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('Show me some `code` please');

    // Over plain HTTP on a LAN address browsers have no navigator.clipboard: Copy still works.
    const plainHttp = await e2e.newPage();
    await plainHttp.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
      document.addEventListener('copy', (event) => {
        const area = event.target as HTMLTextAreaElement;
        (window as unknown as { copied: string }).copied = area.value.slice(area.selectionStart, area.selectionEnd);
      });
    });
    await signIn(plainHttp, email);
    await waitForChatPage(page);
    await open(plainHttp, new URL(page.url()).pathname);
    await lastAnswer(plainHttp).getByRole('button', { name: 'Copy answer' }).click();
    await lastAnswer(plainHttp).getByRole('button', { name: 'Copied answer' }).waitFor();
    expect(await plainHttp.evaluate(() => (window as unknown as { copied: string }).copied)).toBe(copiedAnswer);
    await plainHttp.close();

    for (let i = 1; i <= 3; i++) await sendAndWait(page, `Another question ${i}`, i);
    const messages = page.getByTestId('messages');
    const jump = page.getByRole('button', { name: 'Jump to latest' });
    const atBottom = () => messages.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2);
    await expect.poll(atBottom).toBe(true);
    await expect(jump.count()).resolves.toBe(0);
    await messages.evaluate((el) => el.scrollTo({ top: 0 }));
    await jump.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'chat-jump-to-latest');
    await jump.click();
    await expect.poll(atBottom).toBe(true);
    await jump.waitFor({ state: 'hidden' });
  });

  it('Export downloads the chat as Markdown or JSON, named after its title', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await sendAndWait(page, 'Plan a picnic', 0);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Plan a picnic');
    await page.getByRole('button', { name: 'Export' }).click();
    const [markdown] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Markdown (.md)' }).click()]);
    expect(markdown.suggestedFilename()).toBe('Plan a picnic.md');
    const text = readFileSync(await markdown.path(), 'utf8');
    expect(text).toMatch(/^# Plan a picnic\n/);
    expect(text).toContain('## You · ');
    expect(text).toContain('Plan a picnic');
    expect(text).toContain('## Assistant (demo-model) · ');
    // A panel closes with Esc or a press outside it; its button still toggles it.
    const exportPanel = page.getByRole('group', { name: 'Export this chat' });
    await page.getByRole('button', { name: 'Export' }).click();
    await exportPanel.waitFor();
    await page.keyboard.press('Escape');
    await exportPanel.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Answer settings' }).click();
    const settingsPanel = page.getByRole('group', { name: 'Answer settings' });
    await settingsPanel.waitFor();
    await page.getByTestId('messages').click({ position: { x: 5, y: 5 } });
    await settingsPanel.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Answer settings' }).click();
    await settingsPanel.waitFor();
    await page.getByRole('button', { name: 'Answer settings' }).click();
    await settingsPanel.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Export' }).click();
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'JSON (.json)' }).click()]);
    expect(json.suggestedFilename()).toBe('Plan a picnic.json');
    const body = JSON.parse(readFileSync(await json.path(), 'utf8'));
    expect(body.messages.map((m: { sender: string }) => m.sender)).toEqual(['user', 'assistant']);
  });

  it("answer settings (temperature, longest answer) reach the provider, stay with the chat, and a bad value is named and loses nothing", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, ollama, `sk-e2e-${crypto.randomUUID()}`);
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'tuned-model');
    await page.getByRole('button', { name: 'Answer settings' }).click();
    const panel = page.getByRole('group', { name: 'Answer settings' });
    await panel.getByLabel('Temperature').fill('0.2');
    await panel.getByLabel('Longest answer (tokens)').fill('40');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'chat-answer-settings');
    const before = ollama.requests.length;
    await sendAndWait(page, 'Tuned question', 0);
    const sent = ollama.requests.slice(before).find((r) => r.path.startsWith('/v1/chat/completions'))?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: 'tuned-model', temperature: 0.2, max_tokens: 40 });

    await waitForChatPage(page);
    await reload(page);
    await expect(page.getByTestId('answer-settings-summary').innerText()).resolves.toBe('T 0.2 · ≤ 40 tokens');
    await page.getByRole('button', { name: 'Answer settings' }).click();
    await panel.getByLabel('Temperature').fill('5');
    await panel.getByText('Between 0 and 2').waitFor();
    await composer(page).fill('Too hot');
    await composer(page).press('Enter');
    const refused = page.getByRole('alert').filter({ hasText: 'temperature' });
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toContain('Your text is back in the message box.');
    await expect(refused.getByRole('button', { name: 'Retry' }).count()).resolves.toBe(0);
    await expect.poll(() => composer(page).inputValue()).toBe('Too hot');
    // Back to the model's defaults: nothing is sent for them.
    await panel.getByRole('button', { name: "Use the model's defaults" }).click();
    const again = ollama.requests.length;
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor();
    const plain = ollama.requests.slice(again).find((r) => r.path.startsWith('/v1/chat/completions'))?.body as Record<string, unknown>;
    expect(plain).not.toHaveProperty('temperature');
    expect(plain).not.toHaveProperty('max_tokens');
  });

  it('pins a chat to the top, archives one out of the list, restores it from Archived chats, and archives or deletes them all from Settings', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await sendAndWait(page, 'First chat to pin', 0);
    await waitForChatPage(page);
    await open(page, '/chat');
    await sendAndWait(page, 'Second chat to archive', 0);
    await waitForChatPage(page);
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    const chats = sidebar.locator('section[aria-label="Chats"]');
    const pinned = sidebar.locator('section[aria-label="Pinned"]');
    await chats.getByRole('link', { name: 'Second chat to archive' }).waitFor();
    // Newest first until something is pinned.
    await expect(chats.getByRole('link').first().textContent()).resolves.toBe('Second chat to archive');

    // Pin and Archive take no room until the row is hovered or holds focus (the title gets the
    // row's width); Tab reaches them from the chat's link.
    const pin = sidebar.getByRole('button', { name: 'Pin First chat to pin' });
    await page.mouse.move(640, 400);
    await expect(pin.isVisible()).resolves.toBe(false);
    await sidebar.getByRole('link', { name: 'First chat to pin' }).focus();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Pin First chat to pin');
    await page.evaluate(() => (document.activeElement as HTMLElement).blur());
    await expect(pin.isVisible()).resolves.toBe(false);

    // The row moves as it is pinned or archived: the keyboard stays in the sidebar (it was left on
    // the page's body), on the pinned chat, then on the chat beside the archived one.
    const focusedLink = () => page.evaluate(() => (document.activeElement?.tagName === 'A' ? document.activeElement.textContent : document.activeElement?.tagName));
    await sidebar.getByRole('link', { name: 'First chat to pin' }).hover();
    await pin.click();
    await pinned.getByRole('link', { name: 'First chat to pin' }).waitFor();
    await page.getByTestId('toasts').getByText('Pinned “First chat to pin”.').waitFor();
    await expect.poll(focusedLink).toBe('First chat to pin');

    await sidebar.getByRole('link', { name: 'Second chat to archive' }).hover();
    await sidebar.getByRole('button', { name: 'Archive Second chat to archive' }).click();
    await sidebar.getByRole('link', { name: 'Second chat to archive' }).waitFor({ state: 'detached' });
    await expect.poll(focusedLink).toBe('First chat to pin');
    await reload(page);
    await pinned.getByRole('link', { name: 'First chat to pin' }).waitFor();
    await expect(sidebar.getByRole('link', { name: 'Second chat to archive' }).count()).resolves.toBe(0);

    await sidebar.getByText('Archived chats').click();
    const archive = sidebar.getByRole('list', { name: 'Archived chats' });
    await archive.getByRole('link', { name: 'Second chat to archive' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'chat-pinned-archived');
    // Opened from there, the chat says it is archived (going on with it would happen out of the list).
    await archive.getByRole('link', { name: 'Second chat to archive' }).click();
    await page.getByTestId('archived-note').getByText('This chat is archived').waitFor();
    await archive.getByRole('button', { name: 'Restore Second chat to archive' }).click();
    await chats.getByRole('link', { name: 'Second chat to archive' }).waitFor();
    await archive.getByText('Nothing archived.').waitFor();
    await page.getByTestId('archived-note').waitFor({ state: 'detached' }); // restored in the sidebar: the note goes

    // Unpinning puts it back among the chats.
    await pinned.getByRole('link', { name: 'First chat to pin' }).hover();
    await sidebar.getByRole('button', { name: 'Unpin First chat to pin' }).click();
    await chats.getByRole('link', { name: 'First chat to pin' }).waitFor();
    await expect(pinned.count()).resolves.toBe(0);

    // Settings archives every chat at once (after asking), then deletes them all.
    const everyChat = async (action: 'Archive' | 'Delete', toast: string) => {
      await open(page, '/settings');
      await page.getByRole('button', { name: `${action} all chats…` }).click();
      await page.getByRole('button', { name: `${action} all chats`, exact: true }).click();
      await page.getByTestId('toasts').getByText(toast).waitFor();
      await open(page, '/chat');
    };
    await everyChat('Archive', 'Archived 2 chats.');
    await expect(chats.getByRole('link').count()).resolves.toBe(0);
    await sidebar.getByText('Archived chats').click();
    await archive.getByRole('link', { name: 'First chat to pin' }).waitFor();
    await archive.getByRole('link', { name: 'Second chat to archive' }).waitFor();
    await everyChat('Delete', 'Deleted 2 chats.');
    await sidebar.getByText('Archived chats').click();
    await archive.getByText('Nothing archived.').waitFor();
    await expect(sidebar.getByRole('link', { name: /chat to/ }).count()).resolves.toBe(0);
  });

  it('a Realtime drop shows "Reconnecting…", and live updates come back by themselves', async () => {
    const page = await e2e.newPage();
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/realtime\/v1\/websocket/, (ws) => {
      sockets.push(ws);
      ws.connectToServer();
    });
    await signUp(page);
    await sendAndWait(page, 'Keep me live', 0);
    await waitForChatPage(page);
    await expect.poll(() => sockets.length, { timeout: 30_000 }).toBeGreaterThan(0);
    const banner = page.getByTestId('reconnecting');
    await expect(banner.count()).resolves.toBe(0);

    for (const socket of sockets.splice(0)) await socket.close({ code: 1006, reason: 'network lost' }).catch(() => {});
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toContain('Reconnecting');
    await screenshot(page, 'reconnecting');

    await banner.waitFor({ state: 'detached', timeout: 60_000 });
    await page.getByTestId('toasts').getByRole('status').filter({ hasText: 'Live updates are back.' }).waitFor();
  });
});
