// Keyboard focus through a turn's changes (WCAG 2.4.3): Regenerate, Save & resend and the ‹ ›
// arrows keep focus on their turn as it is drawn again, and deleting a message keeps focus in
// the chat (on Cancel while it asks, then on the answer before it, or the composer) — each
// replaced the control that had focus, and focus fell to the page's body. A new chat (New chat,
// Ctrl+Shift+O) and a deleted one leave focus in the message box; a deleted chat says so. Esc
// answers a message's Delete… question with Cancel; the messages are a named region whose answers say
// when they are ready; a disabled version arrow says there is none; no hidden tab stop.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCustomKey, chooseModel, composer, HeldFrames, lastAnswer, open, phoenixFrame, sendAndWait, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';

const LAPTOP = { width: 1280, height: 800 };

/** What has focus: its accessible label, text or id, for messages a person can read. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return el.getAttribute('aria-label') ?? (el.textContent?.trim() || el.id || el.tagName);
  });

describe('keyboard focus through a turn’s changes', { timeout: 300_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('turn-focus');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('Regenerate, Save & resend and the ‹ › arrows keep keyboard focus on their turn as it is drawn again (it fell to the page body)', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize(LAPTOP);
    await signUp(page);
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    await composer(page).fill('/tokens 60'); // 60 chunks, 40 ms apart: long enough to watch it stream
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').first().waitFor();
    await waitForChatPage(page);
    // The messages are a named region, and the live region that said "Streaming…" says the answer
    // is ready (it was removed, and nothing was announced).
    await page.getByRole('region', { name: 'Messages' }).waitFor();
    await expect(lastAnswer(page).getByTestId('answer-progress').textContent()).resolves.toBe('Answer ready');
    const answerVersions = page.getByRole('group', { name: 'Versions of this answer' });
    /** Which message holds focus (its id), and the focused control's name. */
    const focusedIn = () => page.evaluate(() => document.activeElement?.closest('article')?.getAttribute('data-message-id') ?? null);

    // Regenerate from the keyboard: while the new answer streams, focus waits on it (where the
    // old answer's Regenerate was); once it ends, on the new answer's Regenerate.
    await lastAnswer(page).getByRole('button', { name: 'Regenerate' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => {
      const answers = document.querySelectorAll('article[aria-label="Assistant message"]');
      const last = answers[answers.length - 1] as HTMLElement | undefined;
      return last?.dataset.status === 'streaming' && document.activeElement === last;
    });
    await answerVersions.getByText('2/2').waitFor();
    await expect.poll(() => focused(page)).toBe('Regenerate');
    expect(await focusedIn()).toBe(await lastAnswer(page).getAttribute('data-message-id'));
    // Again: a third version, Enter pressed where focus was left.
    await page.keyboard.press('Enter');
    await answerVersions.getByText('3/3').waitFor();
    await expect.poll(() => focused(page)).toBe('Regenerate');

    // ‹ twice and › once, Enter after Enter, focus on the arrow each time; at the first version
    // ‹ is disabled, so focus moves to ›.
    await answerVersions.getByRole('button', { name: /^Previous version/ }).focus();
    await page.keyboard.press('Enter');
    await answerVersions.getByText('2/3').waitFor();
    await expect.poll(() => focused(page)).toBe('Previous version (1 of 3)');
    await page.keyboard.press('Enter');
    await answerVersions.getByText('1/3').waitFor();
    await expect.poll(() => focused(page)).toBe('Next version (2 of 3)');
    // The disabled ‹ says there is none before (it read "Previous version (0 of 3)").
    await expect(answerVersions.getByRole('button', { name: 'No earlier version (this is 1 of 3)' }).isDisabled()).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await answerVersions.getByText('2/3').waitFor();
    await expect.poll(() => focused(page)).toBe('Next version (3 of 3)');
    expect(await focusedIn()).toBe(await lastAnswer(page).getAttribute('data-message-id'));

    // Edit, Ctrl+Enter: once the new version is answered, focus is on its Edit.
    const question = page.locator('article[aria-label="Your message"]').last();
    await question.getByRole('button', { name: 'Edit' }).focus();
    await page.keyboard.press('Enter');
    await question.getByLabel('Edit message').fill('/echo asked again');
    await page.keyboard.press('Control+Enter');
    await page.getByRole('group', { name: 'Versions of this message' }).getByText('2/2').waitFor();
    await lastAnswer(page).getByText('asked again').waitFor();
    await expect.poll(() => focused(page)).toBe('Edit');
    expect(await focusedIn()).toBe(await question.getAttribute('data-message-id'));
  });

  it('deleting a message from the keyboard keeps focus in the chat: on Cancel while it asks, then on the answer before it, or the composer (it fell to the page body)', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize(LAPTOP);
    await signUp(page);
    await sendAndWait(page, 'First question', 0);
    await sendAndWait(page, 'Second question', 1);
    const questions = page.locator('article[aria-label="Your message"]');
    const firstAnswer = await page.locator('article[aria-label="Assistant message"]').first().getAttribute('data-message-id');
    const focusedIn = () => page.evaluate(() => document.activeElement?.closest('article')?.getAttribute('data-message-id') ?? null);

    // Delete… asks first, focus on Cancel (the step that loses nothing); Cancel gives it back to Delete….
    await questions.last().getByRole('button', { name: 'Delete…' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Cancel');
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Delete…');
    // Esc answers it with Cancel too, from Delete as from Cancel.
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    await expect(focused(page)).resolves.toBe('Delete');
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toBe('Delete…');
    await expect(page.getByText('Delete this message and its replies?').count()).resolves.toBe(0);
    // Delete (Shift+Tab from Cancel): the question and its answer go, and focus goes to the
    // actions of the answer before them.
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    await expect(focused(page)).resolves.toBe('Delete');
    await page.keyboard.press('Enter');
    await expect.poll(() => questions.count()).toBe(1);
    await expect.poll(() => focused(page)).toBe('Copy answer');
    expect(await focusedIn()).toBe(firstAnswer);

    // The first question: nothing is left above it, so the composer.
    await questions.first().getByRole('button', { name: 'Delete…' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => questions.count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer');
  });

  it('New chat and Ctrl+Shift+O put focus in the message box; deleting a chat says so, focus goes to the new chat’s message box, and the deleted chat is not read again', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize(LAPTOP);
    await signUp(page);
    await sendAndWait(page, 'A chat to delete', 0);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const inComposer = () => page.evaluate(() => document.activeElement?.id === 'composer');

    // Ctrl+Shift+O from the page, and the sidebar's New chat: typing goes into the message box.
    await page.locator('h1').click();
    await page.keyboard.press('Control+Shift+O');
    await page.waitForURL((url) => url.pathname === '/chat');
    await expect.poll(inComposer).toBe(true);
    // Shift+Tab goes to "Insert a prompt", "+ Attach files", then past it: the file input behind it is no tab stop.
    await page.keyboard.press('Shift+Tab');
    await expect(focused(page)).resolves.toBe('Insert a prompt');
    await page.keyboard.press('Shift+Tab');
    await expect(focused(page)).resolves.toBe('+ Attach files');
    await page.keyboard.press('Shift+Tab');
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).resolves.not.toBe('file');
    await open(page, `/chat/${id}`);
    await page.getByRole('link', { name: 'New chat', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    await expect.poll(inComposer).toBe(true);

    // Delete, on a chat whose channels are still joining (their replies held back, as on a busy
    // machine): a toast names the chat, focus is in the new chat's message box, and the chat
    // deleted is not read again — each join's reply read it (two 404s followed the delete, when
    // it was sent at once; now it waits for the toast's Undo, but the view has no use for it).
    const held = new HeldFrames();
    held.hold((frame) => frame.includes(id) && phoenixFrame(frame)?.event === 'phx_reply');
    await page.routeWebSocket(/\/realtime\/v1\/websocket/, (socket) => {
      const server = socket.connectToServer();
      server.onMessage((message) => {
        if (!held.take(message, () => socket.send(message))) socket.send(message);
      });
    });
    // The new chat's data waits until the replies are through, so the deleted chat's view is still there for them.
    let repliesThrough!: () => void;
    const through = new Promise<void>((resolve) => (repliesThrough = resolve));
    await page.route((url) => url.pathname === '/chat/__data.json', async (route) => {
      await through;
      await route.continue();
    });
    await open(page, `/chat/${id}`);
    await expect.poll(() => held.count).toBeGreaterThan(0);
    const title = (await page.getByTestId('chat-header').locator('h1').innerText()).trim();
    const reads: string[] = [];
    // From the click on: the view is there until the new chat's data comes.
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (request.method() === 'GET' && path.startsWith(`/api/sessions/${id}`)) reads.push(path);
    });
    const header = page.getByTestId('chat-header');
    await header.getByRole('button', { name: 'Delete', exact: true }).click();
    const toast = page.getByTestId('toasts').getByRole('status').filter({ hasText: `Deleted “${title}”.` });
    await toast.waitFor();
    held.release();
    // Whatever the replies set off is asked before the page answers this.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    repliesThrough();
    await page.waitForURL((url) => url.pathname === '/chat');
    await expect.poll(inComposer).toBe(true);
    // × sends the delete now; nothing reads the chat then either.
    const sent = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/sessions/delete' && (response.request().postData() ?? '').includes(id));
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    expect((await sent).status()).toBe(200);
    await expect.poll(inComposer).toBe(true);
    expect(reads).toEqual([]);
    await expect(page.getByTestId('chat-deleted').count()).resolves.toBe(0);
  });
});
