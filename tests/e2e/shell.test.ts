// The chat page's shell around a conversation — the sidebar's archive, the message search, the
// invitations box and the phone's chats drawer — in the states a person meets less often: a
// read that fails, the pause before a search is asked, answering from the keyboard, Back or a
// window that widens while the drawer is open.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, open, sendAndWait, signUp, startE2E, type E2E } from './helpers.ts';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };

/** Makes a chat and archives it, through the same-origin API. */
async function archivedChat(page: Page, title: string): Promise<void> {
  await page.evaluate(async (title) => {
    const json = { 'content-type': 'application/json' };
    const made = await fetch('/api/sessions', { method: 'POST', headers: json, body: JSON.stringify({ title }) });
    const { id } = await made.json();
    const archived = await fetch(`/api/sessions/${id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ archived: true }) });
    if (!archived.ok) throw new Error(`archiving failed: ${archived.status}`);
  }, title);
}

describe('the chat page shell', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('shell');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('archived chats that cannot be read say so, with a way to try again (it said "Nothing archived.")', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await archivedChat(page, 'Kept for later');
    await open(page, '/chat');

    const archiveRead = (url: URL) => url.pathname === '/api/sessions' && url.searchParams.get('archived') === 'true';
    await page.route(archiveRead, (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'The server is busy.' } }) }));
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    await sidebar.getByText('Archived chats').click();
    const archive = sidebar.getByRole('list', { name: 'Archived chats' });
    await archive.getByRole('alert').filter({ hasText: 'Archived chats could not be read: The server is busy.' }).waitFor();
    await expect(archive.getByText('Nothing archived.').count()).resolves.toBe(0);

    await page.unroute(archiveRead);
    await archive.getByRole('button', { name: 'Try again' }).click();
    await archive.getByRole('link', { name: 'Kept for later' }).waitFor();
    await expect(archive.getByRole('alert').count()).resolves.toBe(0);
  });

  it('a search says it is searching until the answer comes, never "No messages match." for a word that is there', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await sendAndWait(page, 'Remember the word pomegranate', 0);
    // Everything the results area ever said while the search was typed and answered.
    await page.evaluate(() => {
      const said: string[] = [];
      (window as unknown as { said: string[] }).said = said;
      new MutationObserver(() => {
        const results = document.querySelector('section[aria-label="Search results"]');
        if (results) said.push(results.textContent ?? '');
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole('combobox', { name: 'Search chats and messages' }).fill('pomegranate');
    await page.getByRole('group', { name: /^Messages/ }).getByRole('option', { name: /pomegranate/ }).waitFor();
    const said = await page.evaluate(() => (window as unknown as { said: string[] }).said);
    expect(said.some((text) => text.includes('Searching…'))).toBe(true);
    expect(said.filter((text) => text.includes('No messages match.')), said.join(' | ')).toEqual([]);
  });

  it('search lists matching chats above messages, tags archived ones, counts the messages and shows more; ↓/↑ and Enter open a result, Esc closes', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize(LAPTOP);
    const email = await signUp(page);
    await archivedChat(page, 'Quarterly wombats budget');
    const [user] = await e2e.db.sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
    const [{ id: many }] = await e2e.db.sql<{ id: string }[]>`
      insert into public.chat_sessions (user_id, title) values (${user.id}, 'Field notes') returning id`;
    await e2e.db.sql`
      insert into public.messages (session_id, user_id, sender, content, created_at)
      select ${many}, ${user.id}, 'user', 'wombats seen: ' || i, now() - make_interval(secs => i) from generate_series(1, 25) i`;
    await open(page, '/chat');

    const box = page.getByRole('combobox', { name: 'Search chats and messages' });
    await page.keyboard.press('Control+k');
    await page.keyboard.type('wombats');
    const results = page.getByRole('listbox', { name: 'Chats and messages found' });
    const chats = results.getByRole('group', { name: 'Chats' });
    await chats.getByRole('option', { name: /Quarterly wombats budget/ }).filter({ hasText: 'Archived' }).waitFor();
    const messages = results.getByRole('group', { name: /^Messages/ });
    await messages.getByText('Messages · 20 of 25').waitFor();
    await expect(messages.getByRole('option').count()).resolves.toBe(20);
    await page.getByRole('button', { name: 'Show more' }).click();
    await messages.getByText('Messages · 25').waitFor();
    await expect(messages.getByRole('option').count()).resolves.toBe(25);
    await expect(page.getByRole('button', { name: 'Show more' }).count()).resolves.toBe(0);

    // The keyboard: focus stays in the box, ↓/↑ move the active option, Enter opens it.
    await box.focus();
    await page.keyboard.press('ArrowDown');
    await expect(box.getAttribute('aria-activedescendant')).resolves.toBe('search-option-0');
    await expect(results.getByRole('option', { selected: true }).textContent()).resolves.toContain('Quarterly wombats budget');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await expect(results.getByRole('option', { selected: true }).textContent()).resolves.toContain('Field notes');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('chat-search');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/chat/${many}\\?message=`));

    // Esc closes the results and clears the box; the chat list is back.
    await box.fill('wombats');
    await results.getByRole('option').first().waitFor();
    await page.keyboard.press('Escape');
    await expect(box.inputValue()).resolves.toBe('');
    await expect(box.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(page.getByRole('listbox', { name: 'Chats and messages found' }).count()).resolves.toBe(0);
  });

  it('declining invitations from the keyboard keeps it in the sidebar: on the next invitation, then the search (it fell to the page)', async () => {
    const owner = await e2e.newPage();
    await signUp(owner);
    const guest = await e2e.newPage();
    const guestEmail = await signUp(guest);
    await owner.evaluate(async (email) => {
      const json = { 'content-type': 'application/json' };
      for (const title of ['Plans for Monday', 'Plans for Tuesday']) {
        const { id } = await (await fetch('/api/sessions', { method: 'POST', headers: json, body: JSON.stringify({ title }) })).json();
        const invited = await fetch(`/api/sessions/${id}/members`, { method: 'POST', headers: json, body: JSON.stringify({ email, role: 'viewer' }) });
        if (!invited.ok) throw new Error(`inviting failed: ${invited.status}`);
      }
    }, guestEmail);
    await open(guest, '/chat');
    const invitations = guest.getByRole('region', { name: 'Invitations' });
    const declines = invitations.getByRole('button', { name: /^Decline the invitation/ });
    await expect.poll(() => declines.count()).toBe(2);
    const focusedLabel = () => guest.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id ?? 'body');

    await declines.first().focus();
    await guest.keyboard.press('Enter');
    await expect.poll(() => declines.count()).toBe(1);
    await expect.poll(focusedLabel).toMatch(/^Accept the invitation to Plans for/);
    await guest.keyboard.press('Tab');
    await guest.keyboard.press('Enter');
    await expect.poll(() => invitations.count()).toBe(0);
    await expect.poll(focusedLabel).toBe('chat-search');
  });

  it('the phone\'s chats drawer closes on Back, and when the window widens to the sidebar\'s size (it kept the keyboard in)', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize(PHONE);
    await signUp(page);
    const id = await page.evaluate(async () => {
      const made = await fetch('/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'An earlier chat' }) });
      return ((await made.json()) as { id: string }).id;
    });
    await open(page, `/chat/${id}`);
    const chats = page.getByRole('button', { name: 'Chats', exact: true });
    const drawerLink = page.getByRole('link', { name: 'New chat', exact: true });
    await chats.click();
    await drawerLink.click();
    await page.waitForURL(/\/chat$/);
    // Back (or any way out but its own links) closes it: it stayed open over the page Back showed.
    await chats.click();
    await drawerLink.waitFor();
    await page.goBack();
    await page.waitForURL(`**/chat/${id}`);
    await expect.poll(() => drawerLink.isVisible()).toBe(false);

    await chats.click();
    await drawerLink.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-testid="chats-drawer"]') !== null)).toBe(true);

    // A tablet turned sideways: from `md` up the drawer is the page's sidebar.
    await page.setViewportSize(LAPTOP);
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await composer(page).evaluate((el) => el === document.activeElement);
    }
    expect(reached, 'Tab never left the sidebar for the message box').toBe(true);
    // Back at phone width the chat shows, not the drawer over it.
    await page.setViewportSize(PHONE);
    await expect.poll(() => drawerLink.isVisible()).toBe(false);
  });

  it('the open drawer makes the page behind it inert: the conversation and the top bar are out of reach (a screen reader read them)', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize(PHONE);
    await signUp(page);
    await open(page, '/chat');
    // Inert (the attribute, on it or a parent): neither focusable nor in the accessibility tree.
    const behind = () => page.evaluate(() => {
      const inert = (selector: string) => document.querySelector(selector)?.closest('[inert]') != null;
      return { conversation: inert('[data-testid="chat-header"]'), nav: inert('nav[aria-label="Main"]'), drawer: inert('[data-testid="chats-drawer"]') };
    });
    await expect(behind()).resolves.toEqual({ conversation: false, nav: false, drawer: false });

    await page.getByRole('button', { name: 'Chats', exact: true }).click();
    await page.getByRole('dialog', { name: 'Chats' }).waitFor();
    await expect.poll(behind).toEqual({ conversation: true, nav: true, drawer: false });
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const outside = await page.evaluate(() => !document.activeElement?.closest('[data-testid="chats-drawer"]'));
      expect(outside, 'Tab reached the page behind the drawer').toBe(false);
    }

    await page.keyboard.press('Escape');
    await expect.poll(behind).toEqual({ conversation: false, nav: false, drawer: false });
  });

  it('a phone has a search button (Ctrl+K is a keyboard\'s): it opens the drawer with the search box focused', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize(PHONE);
    await signUp(page);
    await sendAndWait(page, 'Remember the word tamarind', 0);
    const search = page.getByRole('button', { name: 'Search messages' });
    await search.click();
    const box = page.getByRole('combobox', { name: 'Search chats and messages' });
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect(box.getAttribute('placeholder')).resolves.toBe('Search chats and messages');
    await page.keyboard.type('tamarind');
    await page.getByRole('group', { name: /^Messages/ }).getByRole('option', { name: /tamarind/ }).waitFor();

    // A phone with a keyboard attached: the first Esc closes the results (and clears the box),
    // the next the drawer; Ctrl+K opens the drawer to the search as well.
    await page.keyboard.press('Escape');
    await expect(box.inputValue()).resolves.toBe('');
    await expect.poll(() => box.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => box.isVisible()).toBe(false);
    await page.keyboard.press('Control+k');
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
  });
});
