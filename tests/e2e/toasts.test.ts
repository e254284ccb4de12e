// Toasts in the browser: a failed form action's error arrives as a toast, and on the chat
// screen toasts stack above the composer, so the message box and Send stay usable while one
// shows (they covered them for 4–8 s, a third of a phone's screen); elsewhere they rise past the
// buttons and fields in their corner ("Project saved." covered "Delete project…"). Archiving,
// pinning and moving a chat to a project offer Undo (by click, Tab or Ctrl+Z), which puts the
// chat back, and overwrites nothing changed elsewhere meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, open, screenshot, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';

describe('toasts', { timeout: 120_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('toasts');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('a failed action shows its error as a toast, and on the chat screen toasts leave the message box and Send usable', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await open(page, '/projects');
    await page.getByLabel('New project name').fill('   ');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByTestId('toasts').getByRole('alert').filter({ hasText: 'Give the project a name' }).waitFor();

    // On the chat screen a toast stacks above the composer: the message box and Send stay
    // visible and take clicks while it shows, on a laptop and on a phone.
    const bottom = async (selector: string) => page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().bottom);
    const top = async (selector: string) => page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().top);
    for (const [width, height] of [[1280, 800], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await open(page, '/chat');
      await page.keyboard.press('Control+Shift+C'); // copy the last answer: there is none yet
      const shown = page.getByTestId('toasts').getByRole('alert').filter({ hasText: 'There is no answer to copy yet.' });
      await shown.waitFor();
      expect(await bottom('[data-testid="toasts"] [role="alert"]')).toBeLessThanOrEqual(await top('form:has(#composer)'));
      await composer(page).click({ timeout: 2_000 });
      await page.keyboard.type(`Typed under a toast at ${width}px`);
      await screenshot(page, `toast-above-composer-${width}`);
      await page.getByRole('button', { name: 'Send' }).click({ timeout: 2_000 });
      await page.getByRole('article', { name: 'Your message' }).getByText(`Typed under a toast at ${width}px`).waitFor();
      expect(await shown.isVisible()).toBe(true);
      await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    }
  });

  it('a confirmation covers no button or field of the page: "Project saved." leaves "Delete project…" and Save usable', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const projectId = await page.evaluate(async () => {
      const res = await fetch('/api/projects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Travel' }) });
      return ((await res.json()) as { id: string }).id;
    });
    /** The page's visible controls the toast overlaps, by their text or name. */
    const covered = () => page.evaluate(() => {
      const shown = document.querySelector('[data-testid="toasts"] [role="status"]')?.getBoundingClientRect();
      if (!shown) return ['no toast'];
      return [...document.querySelectorAll<HTMLElement>('main button, main a[href], main input, main select, main textarea')]
        .filter((el) => {
          const box = el.getBoundingClientRect();
          return box.width > 0 && box.height > 0 && box.left < shown.right && shown.left < box.right && box.top < shown.bottom && shown.top < box.bottom;
        })
        .map((el) => el.textContent?.trim() || el.getAttribute('name') || el.tagName);
    });
    for (const [width, height] of [[1280, 800], [375, 812]] as const) {
      await page.setViewportSize({ width, height });
      await open(page, `/projects/${projectId}`);
      await page.getByRole('textbox', { name: 'Description' }).fill(`Trips, at ${width}px`);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const shown = page.getByTestId('toasts').getByRole('status').filter({ hasText: 'Project saved.' });
      await shown.waitFor();
      // Placed after a frame (the page redraws with the saved project first).
      await expect.poll(covered, { timeout: 3_000 }).toEqual([]);
      expect((await shown.boundingBox())!.y).toBeGreaterThanOrEqual(0);
      await screenshot(page, `toast-project-saved-${width}`);
      await page.getByRole('button', { name: 'Delete project…' }).click({ trial: true, timeout: 2_000 });
      await page.getByRole('button', { name: 'Save', exact: true }).click({ trial: true, timeout: 2_000 });
      expect(await shown.isVisible()).toBe(true);
      await shown.getByRole('button', { name: 'Dismiss' }).click();
    }
  });

  it('on a phone, a toast and "Jump to latest" never cover each other, and scrolling the list slides no control under a toast: all stay readable and take clicks', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signUp(page);
    // A conversation taller than the screen: a long question and its answer.
    const lines = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long question`).join('\n');
    await composer(page).fill(lines);
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    await waitForChatPage(page); // the new chat's own page: no re-render to come
    // Scrolled up once the list has followed the answer to its end, by scrolling the list itself.
    // Scrolling the question's first line into view could find it still in view before the list
    // went to the end (nothing to scroll, then the list went down): on a loaded clean clone
    // (16:20 UTC) no "Jump to latest" showed within 45 s.
    const messages = page.getByTestId('messages');
    await expect.poll(() => messages.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2)).toBe(true);
    await messages.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.getByRole('article', { name: 'Your message' }).getByText('Line 1 of a long question').waitFor();
    const jump = page.getByRole('button', { name: 'Jump to latest' });
    await jump.waitFor();

    await page.keyboard.press('Control+Shift+C'); // copy the last answer: a toast either way
    const shown = page.getByTestId('toasts').locator('[role="alert"], [role="status"]').first();
    await shown.waitFor();
    const box = async (target: typeof jump) => (await target.boundingBox())!;
    // Toasts settle above what they keep clear of (measured after a frame).
    await expect.poll(async () => {
      const [a, b] = [await box(jump), await box(shown)];
      return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    }, { timeout: 3_000 }).toBe(false);
    expect((await box(shown)).y).toBeGreaterThanOrEqual(0);
    await screenshot(page, 'toast-and-jump-to-latest-390');

    await shown.getByRole('button', { name: 'Dismiss' }).click({ trial: true, timeout: 2_000 });
    await jump.click({ timeout: 2_000 });
    await expect.poll(() => jump.count()).toBe(0);

    // Scrolling the list brings a control (a message's button or link) to where a toast is:
    // the toast moves past it (it was placed only when it appeared, so the scroll slid the
    // control under it and out of reach).
    await expect.poll(() => messages.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2)).toBe(true);
    await messages.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.getByRole('article', { name: 'Your message' }).getByText('Line 1 of a long question').waitFor();
    await page.keyboard.press('Control+Shift+C'); // a toast again, its whole lifetime ahead
    await shown.waitFor();
    const slid = await messages.evaluate(async (list) => {
      // Where the toast settled (it is placed again a frame after it appears).
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const toastTop = document.querySelector('[data-testid="toasts"] [role="alert"], [data-testid="toasts"] [role="status"]')!.getBoundingClientRect().top;
      const room = list.scrollHeight - list.clientHeight - list.scrollTop;
      const control = [...list.querySelectorAll<HTMLElement>('button, a[href]')].find((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top > toastTop && r.top - toastTop <= room;
      });
      if (!control) return null;
      control.setAttribute('data-slid', '');
      list.scrollBy({ top: control.getBoundingClientRect().top - toastTop });
      return control.getAttribute('aria-label') ?? control.textContent?.trim();
    });
    expect(slid, 'a control below the toast the list can scroll to it').toBeTruthy();
    const control = page.locator('[data-slid]');
    await expect.poll(async () => {
      const [a, b] = [(await control.boundingBox())!, await box(shown)];
      return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    }, { timeout: 3_000 }).toBe(false);
    await control.click({ trial: true, timeout: 2_000 });
    expect((await box(shown)).y).toBeGreaterThanOrEqual(0);
    await screenshot(page, 'toast-after-scroll-390');
  });

  it('Undo on the archive, pin and move toasts puts the chat back, without stealing focus, and says so instead of overwriting a change made elsewhere', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const api = (method: string, path: string, body?: unknown) => page.evaluate(async ([method, path, body]) => {
      const res = await fetch(`/api${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return (await res.json()) as { id: string; project_id: string | null; archived_at: string | null; pinned_at: string | null };
    }, [method, path, body] as const);
    const research = await api('POST', '/projects', { name: 'Research' });
    const travel = await api('POST', '/projects', { name: 'Travel' });
    const chat = await api('POST', '/sessions', { title: 'Undo me', project_id: research.id });
    await api('POST', '/sessions', { title: 'Keep me' });
    await open(page, '/chat');
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    const chats = sidebar.locator('section[aria-label="Research"]'); // the project's chats
    const toasts = page.getByTestId('toasts');

    // Archive, then Ctrl+Z (the keyboard is on the sidebar, not in a text field): back in the list.
    await chats.getByRole('link', { name: 'Undo me' }).hover();
    await sidebar.getByRole('button', { name: 'Archive Undo me' }).click();
    const archived = toasts.getByRole('status').filter({ hasText: 'Archived “Undo me”. Find it under Archived chats.' });
    await archived.getByRole('button', { name: 'Undo' }).waitFor();
    await chats.getByRole('link', { name: 'Undo me' }).waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.querySelector('[data-testid="toasts"]')!.contains(document.activeElement))).toBe(false);
    await page.keyboard.press('Control+z');
    await toasts.getByText('“Undo me” is back in your chats.').waitFor();
    await chats.getByRole('link', { name: 'Undo me' }).waitFor();
    expect((await api('GET', `/sessions/${chat.id}`)).archived_at).toBeNull();

    // Pin, then the keyboard on the toast's Undo and Enter: unpinned.
    await chats.getByRole('link', { name: 'Undo me' }).hover();
    await sidebar.getByRole('button', { name: 'Pin Undo me' }).click();
    const pinned = sidebar.locator('section[aria-label="Pinned"]');
    await pinned.getByRole('link', { name: 'Undo me' }).waitFor();
    const undoPin = toasts.getByRole('status').filter({ hasText: 'Pinned “Undo me”.' }).getByRole('button', { name: 'Undo' });
    await undoPin.focus();
    await page.keyboard.press('Enter');
    await toasts.getByText('Unpinned “Undo me”.').waitFor();
    await pinned.getByRole('link', { name: 'Undo me' }).waitFor({ state: 'detached' });
    expect((await api('GET', `/sessions/${chat.id}`)).pinned_at).toBeNull();

    // Move to another project, then Undo: back in Research.
    await open(page, `/chat/${chat.id}`);
    const select = page.locator('#chat-project');
    await select.selectOption({ label: 'Travel' });
    await toasts.getByRole('status').filter({ hasText: 'Moved to Travel.' }).getByRole('button', { name: 'Undo' }).click();
    await toasts.getByText('Moved back to Research.').waitFor();
    expect((await api('GET', `/sessions/${chat.id}`)).project_id).toBe(research.id);
    await expect.poll(() => select.inputValue()).toBe(research.id);
    await chats.getByRole('link', { name: 'Undo me' }).waitFor();

    // Moved again, then out of its project on another device: Undo overwrites nothing and says why.
    await select.selectOption({ label: 'Travel' });
    const moved = toasts.getByRole('status').filter({ hasText: 'Moved to Travel.' });
    await moved.waitFor();
    expect((await api('GET', `/sessions/${chat.id}`)).project_id).toBe(travel.id);
    await api('PATCH', `/sessions/${chat.id}`, { project_id: null });
    await moved.getByRole('button', { name: 'Undo' }).click();
    await toasts.getByRole('alert').filter({ hasText: 'Not undone: the chat was moved out of its project elsewhere since.' }).waitFor();
    expect((await api('GET', `/sessions/${chat.id}`)).project_id).toBeNull();
    await expect.poll(() => select.inputValue()).toBe('');
  });
});
