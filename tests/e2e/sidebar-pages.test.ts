// A long history in the sidebar: 240 chats and 130 archived ones (the API reads 100 at a time).
// Scrolling the sidebar reads the older chats down to the oldest, "Show more archived chats"
// (the keyboard's way) reads the archive's; with two pages read, a rename and a delete on another
// device land, a chat deleted while Realtime was away goes after the rejoin's re-read (which
// keeps page 2), and the list reads on to make up for the chats that went, so that it shows what
// a fresh load scrolled as far shows. (QA7 #2: both lists stopped at 100 with no "more".)
import postgres from 'postgres';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, phoenixFrame, signUp, startE2E, type E2E } from './helpers.ts';

const LAPTOP = { width: 1280, height: 800 };

/** `count` chats "Bulk chat 1…count" (1 the newest, an hour apart) and `archived` archived ones "Kept chat 1…". */
async function seed(e2e: E2E, email: string, count: number, archived: number): Promise<void> {
  const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [user] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
    await sql`
      insert into public.chat_sessions (user_id, title, last_message_at, created_at)
      select ${user.id}, 'Bulk chat ' || g, now() - make_interval(hours => g), now() - make_interval(hours => g)
      from generate_series(1, ${count}::int) g`;
    await sql`
      with kept as (
        insert into public.chat_sessions (user_id, title, last_message_at, created_at)
        select ${user.id}, 'Kept chat ' || g, now() - make_interval(days => 30, hours => g), now() - make_interval(days => 30, hours => g)
        from generate_series(1, ${archived}::int) g returning id)
      insert into public.session_marks (user_id, session_id, archived_at) select ${user.id}, id, now() from kept`;
  } finally {
    await sql.end();
  }
}

const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Chats' });
/** The titles of the chats the sidebar shows outside the archive, top to bottom. */
const titles = (page: Page) => sidebar(page).locator('section a[href^="/chat/"]').allInnerTexts().then((all) => all.map((t) => t.trim()));
const scrollToEnd = (page: Page) => sidebar(page).evaluate((nav) => nav.scrollTo(0, nav.scrollHeight));
const link = (page: Page, title: string): Locator => sidebar(page).getByRole('link', { name: title, exact: true });

/** Scrolls the sidebar to its end until `title` is shown (each scroll reads the next page). */
async function scrollUntil(page: Page, title: string): Promise<void> {
  await expect.poll(async () => {
    await scrollToEnd(page);
    return await link(page, title).count();
  }, { timeout: 60_000 }).toBe(1);
}

describe('a long history in the sidebar', { timeout: 240_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('sidebar-pages');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('scrolling the sidebar reads older chats down to the oldest; "Show more archived chats" reads the archive past 100 (both stopped at 100)', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize(LAPTOP);
    const email = await signUp(page);
    await seed(e2e, email, 240, 130);
    await open(page, '/chat');
    await link(page, 'Bulk chat 100').waitFor();

    await scrollUntil(page, 'Bulk chat 240');
    const shown = await titles(page);
    expect(shown).toHaveLength(240);
    expect(new Set(shown).size).toBe(240);
    await expect(sidebar(page).getByRole('button', { name: 'Show more chats' }).count()).resolves.toBe(0);

    await sidebar(page).getByText('Archived chats').click();
    const archive = sidebar(page).getByRole('list', { name: 'Archived chats' });
    await archive.getByRole('link', { name: 'Kept chat 100', exact: true }).waitFor();
    await expect(archive.getByRole('link', { name: 'Kept chat 101', exact: true }).count()).resolves.toBe(0);
    // From the keyboard: the button read with the keyboard on it (scrolled into view, it reads nothing by itself).
    await archive.getByRole('button', { name: 'Show more archived chats' }).focus();
    await page.keyboard.press('Enter');
    await archive.getByRole('link', { name: 'Kept chat 130', exact: true }).waitFor();
    await expect(archive.locator('a[href^="/chat/"]').count()).resolves.toBe(130);
    // The button went with the last page: the keyboard is on "Archived chats", not the page's body.
    await expect(archive.getByRole('button', { name: 'Show more archived chats' }).count()).resolves.toBe(0);
    await expect(page.evaluate(() => document.activeElement?.textContent?.trim())).resolves.toBe('Archived chats');
  });

  it('with two pages read, another device\'s rename and delete land, a re-read after a rejoin keeps page 2 and drops what went, and the list holds what a fresh load does', async () => {
    const device = await e2e.newPage();
    await device.setViewportSize(LAPTOP);
    // Row changes can be held back here (as a network would lose them), and the socket closed.
    let dropping = false;
    let dropped = 0;
    const sockets: { close: (options: { code: number; reason: string }) => Promise<void> }[] = [];
    await device.routeWebSocket(/\/realtime\/v1\/websocket/, (socket) => {
      sockets.push(socket);
      const server = socket.connectToServer();
      server.onMessage((message) => {
        if (dropping && typeof message === 'string' && phoenixFrame(message)?.event === 'postgres_changes') {
          dropped++;
          return;
        }
        socket.send(message);
      });
    });
    const email = await signUp(device);
    await seed(e2e, email, 240, 0);
    await open(device, '/chat');
    // One scroll to the end reads one page (its end is then far below).
    await scrollToEnd(device);
    await link(device, 'Bulk chat 200').waitFor();

    const other = await e2e.newPage({ sameUserAs: device });
    await open(other, '/chat');
    const idOf = async (title: string) => (await link(device, title).getAttribute('href'))!.split('/').pop()!;
    const call = (method: string, id: string, body?: unknown) => other.evaluate(async ({ method, id, body }) => {
      const res = await fetch(`/api/sessions/${id}`, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      if (!res.ok) throw new Error(`${method} ${id}: ${res.status}`);
    }, { method, id, body });

    // Another device renames and deletes chats on page 2: this one follows.
    await call('PATCH', await idOf('Bulk chat 170'), { title: 'Renamed far chat' });
    await link(device, 'Renamed far chat').waitFor();
    await call('DELETE', await idOf('Bulk chat 150'));
    await link(device, 'Bulk chat 150').waitFor({ state: 'detached' });
    // It reads one more to make up for it, as a reload would show (it showed 199 against 200).
    await link(device, 'Bulk chat 201').waitFor();
    await expect(titles(device)).resolves.toHaveLength(200);

    // One deleted while this device hears no row changes, then Realtime drops and rejoins: the
    // re-read reads both pages again, drops it, and keeps the rest of page 2.
    const missed = await idOf('Bulk chat 160');
    dropping = true;
    await call('DELETE', missed);
    await expect.poll(() => dropped, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect(link(device, 'Bulk chat 160').count()).resolves.toBe(1);
    dropping = false;
    for (const socket of sockets.splice(0)) await socket.close({ code: 1006, reason: 'network lost' }).catch(() => {});
    await link(device, 'Bulk chat 160').waitFor({ state: 'detached', timeout: 60_000 });
    await link(device, 'Bulk chat 190').waitFor();

    // Two pages' worth again: the two that went are made up for from page 3.
    await link(device, 'Bulk chat 202').waitFor();
    const kept = await titles(device);
    expect(kept).toHaveLength(200);
    expect(kept).not.toContain('Bulk chat 203');

    // A fresh load, scrolled as far, shows the same chats.
    const fresh = await e2e.newPage({ sameUserAs: device });
    await fresh.setViewportSize(LAPTOP);
    await open(fresh, '/chat');
    await link(fresh, 'Bulk chat 100').waitFor();
    await scrollToEnd(fresh);
    await link(fresh, 'Bulk chat 202').waitFor();
    expect(await titles(fresh)).toEqual(kept);
  });
});
