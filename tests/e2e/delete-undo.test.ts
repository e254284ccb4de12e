// Deleting a chat has an Undo, as Gmail's delete does: the chat leaves the list (and the screen,
// when it is open) at once, without a question, and a toast "Deleted “…”." offers Undo for
// 8 seconds; only then is the delete sent. Undo puts the chat back with its messages; a reload
// (or a closed tab) sends what waits at once, all of it, so the decision is kept
// (lib/chat/pending-deletes.ts).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, lastAnswer, open, reload, screenshot, sendAndWait, seriousViolations, signUp, startE2E, type E2E } from './helpers.ts';

const DELETE_PATH = '/api/sessions/delete';

/** The API's status for the chat, asked from the page (its cookies are the session). */
const status = (page: Page, id: string) => page.evaluate(async (id) => (await fetch(`/api/sessions/${id}`)).status, id);

async function newChat(page: Page, title: string): Promise<string> {
  return page.evaluate(async (title) => {
    const res = await fetch('/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) });
    return ((await res.json()) as { id: string }).id;
  }, title);
}

/** Records the chats whose delete the page sends (POST /api/sessions/delete {ids}). */
function deletesSent(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (request) => {
    if (request.method() !== 'POST' || new URL(request.url()).pathname !== DELETE_PATH) return;
    const body: unknown = request.postDataJSON();
    if (body && typeof body === 'object' && 'ids' in body && Array.isArray(body.ids)) sent.push(...body.ids.map(String));
  });
  return sent;
}

/** Deletes the `nth` chat titled `title` from its row's menu. */
async function rowDelete(page: Page, title: string, nth = 0): Promise<void> {
  const sidebar = page.getByRole('navigation', { name: 'Chats' });
  await sidebar.getByRole('link', { name: title, exact: true }).nth(nth).hover();
  await sidebar.getByRole('button', { name: `Actions for ${title}` }).nth(nth).click();
  await sidebar.getByRole('menu', { name: `Actions for ${title}` }).getByRole('menuitem', { name: 'Delete' }).click();
}

const deleteAnswered = (page: Page, id: string) =>
  page.waitForResponse((response) => new URL(response.url()).pathname === DELETE_PATH && (response.request().postData() ?? '').includes(id), { timeout: 30_000 });

describe('deleting a chat, with Undo', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('delete-undo');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('the open chat goes at once, without a question; Undo brings it back with its messages, and nothing was sent', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const sent = deletesSent(page);
    await sendAndWait(page, 'Remember the blue kettle', 0);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const title = (await page.getByTestId('chat-header').locator('h1').innerText()).trim();
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    await sidebar.getByRole('link', { name: title }).waitFor();

    await page.getByTestId('chat-header').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    await sidebar.getByRole('link', { name: title }).waitFor({ state: 'detached' });
    // The toast is a live region (role=status) whose Undo is a button reached with Tab.
    const toast = page.getByTestId('toasts').getByRole('status').filter({ hasText: `Deleted “${title}”.` });
    await toast.waitFor();
    // The pointer on the toast holds it (and so the delete) while the checks below take their time.
    await toast.hover();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'chat-deleted-with-undo');
    expect(sent).toEqual([]);
    expect(await status(page, id)).toBe(200);

    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.getByTestId('toasts').getByText(`“${title}” is back.`).waitFor();
    await sidebar.getByRole('link', { name: title }).waitFor();
    // Still on the new chat the delete left it on: back to the chat, its words there.
    await page.waitForURL((url) => url.pathname === `/chat/${id}`);
    await page.getByTestId('user-text').filter({ hasText: 'Remember the blue kettle' }).waitFor();
    await lastAnswer(page).and(page.locator('[data-status="complete"]')).waitFor();
    expect(sent).toEqual([]);
    expect(await status(page, id)).toBe(200);
  });

  it('Ctrl+Z, which the toast offers, brings back a chat deleted from its header, though the new chat’s message box has the keyboard', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const sent = deletesSent(page);
    await sendAndWait(page, 'Remember the red kettle', 0);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const title = (await page.getByTestId('chat-header').locator('h1').innerText()).trim();

    await page.getByTestId('chat-header').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    const toast = page.getByTestId('toasts').getByRole('status').filter({ hasText: `Deleted “${title}”.` });
    // Held by the pointer while the keys below are pressed.
    await toast.hover();
    const box = composer(page);
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);

    // Typed in, the box keeps Ctrl+Z for its own undo (here, then, even once it is empty again).
    await page.keyboard.type('x');
    await page.keyboard.press('Control+z');
    await expect.poll(() => box.inputValue()).toBe('');
    await page.keyboard.press('Control+z');
    expect(await toast.isVisible()).toBe(true);

    // Empty and untouched since it took focus, it has nothing to undo: the key goes to the toast.
    await box.blur();
    await box.focus();
    await page.keyboard.press('Control+z');
    await page.getByTestId('toasts').getByText(`“${title}” is back.`).waitFor();
    await page.waitForURL((url) => url.pathname === `/chat/${id}`);
    await page.getByTestId('user-text').filter({ hasText: 'Remember the red kettle' }).waitFor();
    expect(sent).toEqual([]);
    expect(await status(page, id)).toBe(200);
  });

  it('two chats with the same title deleted in a row each keep their own toast and Undo', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const sent = deletesSent(page);
    const ids = [await newChat(page, 'Trip'), await newChat(page, 'Trip')];
    await open(page, '/chat');
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    const rows = sidebar.getByRole('link', { name: 'Trip', exact: true });
    await expect.poll(() => rows.count()).toBe(2);

    await rowDelete(page, 'Trip');
    await expect.poll(() => rows.count()).toBe(1);
    await rowDelete(page, 'Trip');
    await rows.waitFor({ state: 'detached' });
    // Two toasts reading alike (as two untitled chats' "Deleted “New chat”." do), one per delete:
    // the second did not end the first's Undo.
    const offers = page.getByTestId('toasts').getByRole('status').filter({ hasText: 'Deleted “Trip”.' });
    await expect.poll(() => offers.count()).toBe(2);

    for (const remaining of [2, 1]) {
      await offers.first().getByRole('button', { name: 'Undo' }).click();
      await expect.poll(() => offers.count()).toBe(remaining - 1);
    }
    await expect.poll(() => rows.count()).toBe(2);
    expect(sent).toEqual([]);
    expect(await Promise.all(ids.map((id) => status(page, id)))).toEqual([200, 200]);
  });

  it('a chat deleted from its row is sent once its toast has gone, and stays gone after a reload', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const sent = deletesSent(page);
    const id = await newChat(page, 'Short-lived plan');
    await newChat(page, 'Keeper');
    await open(page, '/chat');
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    const answered = deleteAnswered(page, id);

    await sidebar.getByRole('link', { name: 'Short-lived plan' }).hover();
    await sidebar.getByRole('button', { name: 'Actions for Short-lived plan' }).click();
    await sidebar.getByRole('menu', { name: 'Actions for Short-lived plan' }).getByRole('menuitem', { name: 'Delete' }).click();
    await sidebar.getByRole('link', { name: 'Short-lived plan' }).waitFor({ state: 'detached' });
    const toast = page.getByTestId('toasts').getByRole('status').filter({ hasText: 'Deleted “Short-lived plan”.' });
    await toast.getByRole('button', { name: 'Undo' }).waitFor();
    // Out of the pointer's way, so that the toast's time runs (a pointer on it holds it).
    await page.mouse.move(0, 0);

    const answer = await answered;
    expect(answer.status()).toBe(200);
    expect(await answer.json()).toEqual({ results: [{ id, status: 'deleted' }] });
    await toast.waitFor({ state: 'detached' });
    expect(sent).toEqual([id]);
    expect(await status(page, id)).toBe(404);
    await reload(page);
    await sidebar.getByRole('link', { name: 'Keeper' }).waitFor();
    expect(await sidebar.getByRole('link', { name: 'Short-lived plan' }).count()).toBe(0);
  });

  it('a reload right after a delete sends it as the page goes (its Undo was not pressed)', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const id = await newChat(page, 'Gone on reload');
    await newChat(page, 'Stays');
    await open(page, '/chat');
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    await sidebar.getByRole('link', { name: 'Gone on reload' }).hover();
    await sidebar.getByRole('button', { name: 'Actions for Gone on reload' }).click();
    await sidebar.getByRole('menuitem', { name: 'Delete' }).click();
    await page.getByTestId('toasts').getByRole('status').filter({ hasText: 'Deleted “Gone on reload”.' }).waitFor();
    expect(await status(page, id)).toBe(200);

    // The reloaded page knows nothing of the delete: only the request sent as the old one went deletes it.
    await reload(page);
    await expect.poll(() => status(page, id)).toBe(404);
    await sidebar.getByRole('link', { name: 'Stays' }).waitFor();
    await sidebar.getByRole('link', { name: 'Gone on reload' }).waitFor({ state: 'detached' });
    await reload(page);
    await sidebar.getByRole('link', { name: 'Stays' }).waitFor();
    expect(await sidebar.getByRole('link', { name: 'Gone on reload' }).count()).toBe(0);
  });

  // A page that goes gets out only the requests it starts as it goes: one waiting for another
  // to answer never starts. More chats than the browser's few connections must still all leave.
  for (const how of ['closed', 'reloaded'] as const) {
    it(`"10 chats deleted." and the tab ${how} at once: all ten are gone on the server, the others stay`, async () => {
      const page = await e2e.newPage();
      await signUp(page);
      const ids: string[] = [];
      for (let i = 1; i <= 10; i++) ids.push(await newChat(page, `Secret ${i}`));
      const keeper = await newChat(page, 'Keeper');
      await open(page, '/chat');
      const sent = deletesSent(page);
      const sidebar = page.getByRole('navigation', { name: 'Chats' });
      await sidebar.getByRole('button', { name: 'Select chats' }).click();
      await sidebar.getByRole('checkbox', { name: 'Select Secret 10' }).click();
      await sidebar.getByRole('checkbox', { name: 'Select Secret 1', exact: true }).click({ modifiers: ['Shift'] });
      const selection = sidebar.getByRole('group', { name: 'Selected chats' });
      await selection.getByText('10 chats selected').waitFor();
      await selection.getByRole('button', { name: 'Delete', exact: true }).click();
      const toast = page.getByTestId('toasts').getByRole('status').filter({ hasText: '10 chats deleted.' });
      await toast.waitFor();
      // Held by the pointer: only the page's going sends the deletes.
      await toast.hover();
      expect(sent).toEqual([]);

      const checker = await e2e.newPage({ sameUserAs: page });
      if (how === 'closed') await page.close({ runBeforeUnload: true });
      else await reload(page);
      await open(checker, '/chat');
      await expect.poll(async () => (await Promise.all(ids.map((id) => status(checker, id)))).filter((s) => s === 200).length, { timeout: 20_000 }).toBe(0);
      expect(await status(checker, keeper)).toBe(200);
      if (how === 'reloaded') {
        // Each chat once (a closed page's requests are not all reported to the test).
        expect([...sent].sort()).toEqual([...ids].sort());
        await sidebar.getByRole('link', { name: 'Keeper' }).waitFor();
        expect(await sidebar.getByRole('link', { name: /^Secret \d+$/ }).count()).toBe(0);
      }
    });
  }
});
