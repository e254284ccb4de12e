// A chat's row in the sidebar has a menu (⋯) to rename it, move it to a project or delete it —
// opened with the keyboard too (Shift+F10 or the ContextMenu key on the chat's link, Enter on
// its button), moved round with the arrow keys, closed with Esc onto its button — and "Select
// chats" picks several to move or delete at once (both with Undo), the toast counting them and
// naming any that failed. They lived only in the open chat's header (QA 7 #8).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, screenshot, seriousViolations, signUp, startE2E, type E2E } from './helpers.ts';

type Row = { id: string; title: string; project_id: string | null };

async function api(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: Row }> {
  return page.evaluate(async ([method, path, body]) => {
    const res = await fetch(`/api${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: res.status === 204 ? ({} as Row) : ((await res.json()) as Row) };
  }, [method, path, body] as const);
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? '');

describe('the sidebar row menu and Select mode', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('sidebar-menu');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('renames, moves and deletes a chat from its row menu with the keyboard alone', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const research = (await api(page, 'POST', '/projects', { name: 'Research' })).body;
    const chat = (await api(page, 'POST', '/sessions', { title: 'Alpha' })).body;
    await api(page, 'POST', '/sessions', { title: 'Beta' });
    await open(page, '/chat');
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    const toasts = page.getByTestId('toasts');

    // Shift+F10 on the focused row opens its menu on its first item; the arrows go round it.
    await sidebar.getByRole('link', { name: 'Alpha' }).focus();
    await page.keyboard.press('Shift+F10');
    const menu = sidebar.getByRole('menu', { name: 'Actions for Alpha' });
    await menu.waitFor();
    expect(await sidebar.getByRole('button', { name: 'Actions for Alpha' }).getAttribute('aria-expanded')).toBe('true');
    expect(await focused(page)).toBe('Rename');
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe('Move to project…');
    await page.keyboard.press('End');
    expect(await focused(page)).toBe('Delete');
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe('Rename');
    await page.keyboard.press('ArrowUp');
    expect(await focused(page)).toBe('Delete');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sidebar-row-menu');
    // Esc closes it, the keyboard back on its button.
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('Actions for Alpha');

    // Rename: Enter on the button, Enter on Rename; Esc cancels, Enter saves.
    await page.keyboard.press('Enter');
    await menu.waitFor();
    await page.keyboard.press('Enter');
    const title = sidebar.getByRole('textbox', { name: 'New title for Alpha' });
    await expect.poll(() => title.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type(' (draft)');
    await page.keyboard.press('Escape');
    await title.waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('Alpha');
    expect((await api(page, 'GET', `/sessions/${chat.id}`)).body.title).toBe('Alpha');
    await page.keyboard.press('Shift+F10');
    await page.keyboard.press('Enter');
    await title.waitFor();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Omega');
    await page.keyboard.press('Enter');
    await sidebar.getByRole('link', { name: 'Omega' }).waitFor();
    await expect.poll(() => focused(page)).toBe('Omega');
    expect((await api(page, 'GET', `/sessions/${chat.id}`)).body.title).toBe('Omega');

    // Move: the ContextMenu key, Move to project… (the list opens on the chat's own: No project), Research.
    await page.keyboard.press('ContextMenu');
    await sidebar.getByRole('menu', { name: 'Actions for Omega' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const projects = sidebar.getByRole('menu', { name: 'Move Omega to' });
    await projects.waitFor();
    expect(await focused(page)).toContain('No project');
    expect(await projects.getByRole('menuitemradio', { name: 'No project' }).getAttribute('aria-checked')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await toasts.getByRole('status').filter({ hasText: 'Moved “Omega” to Research.' }).getByRole('button', { name: 'Undo' }).waitFor();
    await sidebar.locator('section[aria-label="Research"]').getByRole('link', { name: 'Omega' }).waitFor();
    await expect.poll(() => focused(page)).toBe('Omega');
    expect((await api(page, 'GET', `/sessions/${chat.id}`)).body.project_id).toBe(research.id);

    // Delete: at once, with Undo in the toast; the request goes when the toast does.
    const deleted = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/sessions/delete' && (response.request().postData() ?? '').includes(chat.id));
    await page.keyboard.press('Shift+F10');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await toasts.getByRole('status').filter({ hasText: 'Deleted “Omega”.' }).getByRole('button', { name: 'Undo' }).waitFor();
    await sidebar.getByRole('link', { name: 'Omega' }).waitFor({ state: 'detached' });
    // The keyboard stays in the sidebar, on the next chat.
    await expect.poll(() => focused(page)).toBe('Beta');
    expect(await seriousViolations(page)).toEqual([]);
    expect((await deleted).status()).toBe(200);
    expect((await api(page, 'GET', `/sessions/${chat.id}`)).status).toBe(404);
  });

  it('Select chats: Shift+click picks a range, moves them with Undo, and deletes them with Undo, and brings them back saying why when the server refuses', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const travel = (await api(page, 'POST', '/projects', { name: 'Travel' })).body;
    const ids: Record<string, string> = {};
    for (const title of ['One', 'Two', 'Three', 'Four']) ids[title] = (await api(page, 'POST', '/sessions', { title })).body.id;
    await open(page, '/chat');
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    const toasts = page.getByTestId('toasts');
    const bar = sidebar.getByRole('group', { name: 'Selected chats' });

    // Opened from the keyboard, Select mode puts it on the bar that took the button's place.
    await sidebar.getByRole('button', { name: 'Select chats' }).press('Enter');
    await expect.poll(() => bar.getByText('Pick chats below').evaluate((el) => el === document.activeElement)).toBe(true);
    // Newest first: Four, Three, Two, One. Four, then Shift+click Two: Four, Three and Two.
    await sidebar.getByRole('checkbox', { name: 'Select Four' }).click();
    await sidebar.getByRole('checkbox', { name: 'Select Two' }).click({ modifiers: ['Shift'] });
    await bar.getByText('3 chats selected').waitFor();
    expect(await sidebar.getByRole('checkbox', { name: 'Select One' }).isChecked()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sidebar-select-mode');

    // Move all three, then Undo: all back out of Travel.
    await bar.getByLabel('Move the selected chats to').selectOption({ label: 'Travel' });
    await toasts.getByRole('status').filter({ hasText: '3 chats moved to Travel.' }).getByRole('button', { name: 'Undo' }).click();
    await toasts.getByText('3 chats moved back.').waitFor();
    for (const title of ['Two', 'Three', 'Four']) expect((await api(page, 'GET', `/sessions/${ids[title]}`)).body.project_id).toBeNull();
    expect(travel.id).toBeTruthy();

    // Delete them: gone at once, and Undo brings all three back, nothing sent.
    const deletes: string[] = [];
    page.on('request', (request) => void (new URL(request.url()).pathname === '/api/sessions/delete' && deletes.push(request.url())));
    await bar.getByRole('button', { name: 'Delete', exact: true }).click();
    const deletedToast = toasts.getByRole('status').filter({ hasText: '3 chats deleted.' });
    await deletedToast.waitFor();
    for (const title of ['Two', 'Three', 'Four']) await sidebar.getByRole('checkbox', { name: `Select ${title}` }).waitFor({ state: 'detached' });
    await bar.getByText('Pick chats below').waitFor();
    await deletedToast.getByRole('button', { name: 'Undo' }).click();
    await toasts.getByText('3 chats are back.').waitFor();
    for (const title of ['Two', 'Three', 'Four']) await sidebar.getByRole('checkbox', { name: `Select ${title}` }).waitFor();
    expect(deletes).toEqual([]);

    // Again, refused by the server, the toast dismissed (×) so the request goes now: the three
    // go in one request, so none is deleted; the error says why, and all three are back.
    await page.route('**/api/sessions/delete', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Try again later' } }) }), { times: 1 });
    await sidebar.getByRole('checkbox', { name: 'Select Four' }).click();
    await sidebar.getByRole('checkbox', { name: 'Select Two' }).click({ modifiers: ['Shift'] });
    await bar.getByText('3 chats selected').waitFor();
    await bar.getByRole('button', { name: 'Delete', exact: true }).click();
    await deletedToast.getByRole('button', { name: 'Dismiss' }).click();
    await toasts.getByRole('alert').filter({ hasText: 'Could not delete 3 chats: Try again later. They are back in your chats.' }).waitFor();
    for (const title of ['Two', 'Three', 'Four']) {
      expect((await api(page, 'GET', `/sessions/${ids[title]}`)).status).toBe(200);
      await sidebar.getByRole('checkbox', { name: `Select ${title}` }).waitFor();
    }

    // Once more, answered: all three go.
    await sidebar.getByRole('checkbox', { name: 'Select Four' }).click();
    await sidebar.getByRole('checkbox', { name: 'Select Two' }).click({ modifiers: ['Shift'] });
    await bar.getByText('3 chats selected').waitFor();
    await bar.getByRole('button', { name: 'Delete', exact: true }).click();
    await deletedToast.getByRole('button', { name: 'Dismiss' }).click();
    for (const title of ['Two', 'Three', 'Four']) await expect.poll(async () => (await api(page, 'GET', `/sessions/${ids[title]}`)).status).toBe(404);
    await bar.getByRole('button', { name: 'Done' }).click();
    await sidebar.getByRole('link', { name: 'One' }).waitFor();
    for (const title of ['Two', 'Three', 'Four']) expect(await sidebar.getByRole('link', { name: title, exact: true }).count()).toBe(0);
  });

  it('"Add chats…" on a project\'s page moves picked chats into it, with Undo', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const garden = (await api(page, 'POST', '/projects', { name: 'Garden' })).body;
    const inside = (await api(page, 'POST', '/sessions', { title: 'Already in', project_id: garden.id })).body;
    const roses = (await api(page, 'POST', '/sessions', { title: 'Roses' })).body;
    const tulips = (await api(page, 'POST', '/sessions', { title: 'Tulips' })).body;
    await open(page, `/projects/${garden.id}`);
    const toasts = page.getByTestId('toasts');
    await page.getByRole('button', { name: 'Add chats…' }).click();
    const picker = page.getByRole('group', { name: 'Add chats to Garden' });
    // Only chats outside the project are offered.
    await picker.getByRole('checkbox', { name: 'Add Roses' }).waitFor();
    expect(await picker.getByRole('checkbox', { name: 'Add Already in' }).count()).toBe(0);
    await picker.getByRole('checkbox', { name: 'Add Roses' }).check();
    await picker.getByRole('checkbox', { name: 'Add Tulips' }).check();
    expect(await seriousViolations(page)).toEqual([]);
    await picker.getByRole('button', { name: 'Add 2 chats' }).click();
    const chats = page.getByRole('list', { name: 'Chats in Garden' });
    await chats.getByRole('link', { name: 'Roses' }).waitFor();
    await chats.getByRole('link', { name: 'Tulips' }).waitFor();
    for (const chat of [roses, tulips, inside]) expect((await api(page, 'GET', `/sessions/${chat.id}`)).body.project_id).toBe(garden.id);
    await toasts.getByRole('status').filter({ hasText: '2 chats moved to Garden.' }).getByRole('button', { name: 'Undo' }).click();
    await toasts.getByText('2 chats moved back.').waitFor();
    for (const chat of [roses, tulips]) expect((await api(page, 'GET', `/sessions/${chat.id}`)).body.project_id).toBeNull();
  });
});
