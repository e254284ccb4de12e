// A Ctrl+K search hit in the chat that is already open lands on it exactly as one opened from
// elsewhere: scrolled to, marked aria-current and lit — a message already on screen, one far
// back (the window around it is read), and the same hit clicked twice in a row (the address
// does not change then). Both in a chat opened from its address and in one this tab started
// (whose view the page keeps while it gets its id: a hit changed the address and nothing else).
import postgres from 'postgres';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseModel, open, sendAndWait, signUp, startE2E, type E2E } from './helpers.ts';

describe('search hits in the open chat', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('search-open-chat');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  /** Adds 150 messages after the chat's last one (a new chat of `title` when `sessionId` is
   * null): the 10th and the 120th hold the words searched for. The newest 50 are the chat's
   * first page, so the 120th is read with it (off screen) and the 10th is far back. */
  async function seed(email: string, sessionId: string | null): Promise<string> {
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    try {
      const [user] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
      const id = sessionId ?? (await sql<{ id: string }[]>`
        insert into public.chat_sessions (user_id, title) values (${user.id}, 'Open search chat') returning id`)[0]!.id;
      await sql`
        insert into public.messages (session_id, user_id, sender, content, created_at)
        select ${id}, ${user.id}, case when i % 2 = 1 then 'user' else 'assistant' end,
               case when i = 10 then 'The far word is zanzibar-quokka.'
                    when i = 120 then 'The near word is tamarind-okapi.'
                    else 'open chat message ' || i end,
               now() + make_interval(secs => i)
        from generate_series(1, 150) as i`;
      return id;
    } finally {
      await sql.end();
    }
  }

  /** Searches with Ctrl+K and clicks the message hit holding `word` (not a chat whose title holds it). */
  async function openHit(page: Page, word: string): Promise<void> {
    await page.keyboard.press('Control+k');
    await page.keyboard.type(word);
    const found = page.getByRole('region', { name: 'Search results' }).getByRole('group', { name: /^Messages/ });
    await found.getByRole('option').filter({ hasText: word }).first().click();
  }

  const inView = (article: Locator) => article.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const view = el.closest('[data-testid="messages"]')!.getBoundingClientRect();
    return box.top >= view.top && box.bottom <= view.bottom;
  });

  /** The message is the one marked aria-current, within the scroller's view, and its light is on. */
  async function landedOn(page: Page, text: string): Promise<void> {
    const current = page.getByTestId('messages').locator('article[aria-current="true"]');
    await current.filter({ hasText: text }).waitFor({ timeout: 20_000 });
    await expect(current.count()).resolves.toBe(1);
    await expect.poll(() => inView(current), { message: `"${text}" is scrolled into view` }).toBe(true);
    await expect.poll(() => current.evaluate((el) => el.getAnimations().length > 0), { message: `"${text}" is lit` }).toBe(true);
  }

  /** With the seeded chat open at its newest messages: a hit on screen, one far back, then that one again. */
  async function landsOnEachHit(page: Page): Promise<void> {
    const messages = page.getByTestId('messages');
    await messages.getByText('open chat message 150', { exact: true }).waitFor();
    await expect(inView(messages.locator('article').filter({ hasText: 'The near word is tamarind-okapi.' }))).resolves.toBe(false);

    // A hit already read (on the first page), off screen: scrolled to, marked, lit.
    await openHit(page, 'tamarind');
    await page.waitForURL(/\?message=/);
    await landedOn(page, 'The near word is tamarind-okapi.');
    const nearUrl = page.url();

    // A hit far back: the window around it is read and it is landed on; the newest are not shown.
    await openHit(page, 'zanzibar');
    await page.waitForURL((url) => url.searchParams.has('message') && url.href !== nearUrl);
    await landedOn(page, 'The far word is zanzibar-quokka.');
    await expect(messages.getByText('open chat message 150', { exact: true }).count()).resolves.toBe(0);
    const hitUrl = page.url();

    // Scrolled away from it (its light out), the same hit again, the address unchanged: back on it, lit again.
    const far = messages.locator('article[aria-current="true"]');
    await messages.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(() => inView(far)).toBe(false);
    await page.getByText('Loading newer messages…').waitFor({ state: 'detached' });
    await expect.poll(() => far.evaluate((el) => el.getAnimations().length)).toBe(0);
    expect(page.url()).toBe(hitUrl);
    await openHit(page, 'zanzibar');
    await landedOn(page, 'The far word is zanzibar-quokka.');
    expect(page.url()).toBe(hitUrl);
  }

  it('in a chat opened from its address, a hit on screen, a hit far back and the same hit twice are each scrolled to, marked and lit', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 1280, height: 700 });
    const sessionId = await seed(await signUp(page), null);
    await open(page, `/chat/${sessionId}`);
    await landsOnEachHit(page);
  });

  it('in a chat started in this tab, a hit on screen, a hit far back and the same hit twice are each scrolled to, marked and lit', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 1280, height: 700 });
    const email = await signUp(page);
    await chooseModel(page, 'demo');
    await sendAndWait(page, 'Start of the chat', 0);
    const sessionId = new URL(page.url()).pathname.split('/').at(-1)!;
    // Away and back in the page (no reload: the page keeps the view it started the chat in),
    // the chat grown meanwhile on another device.
    await page.getByRole('link', { name: 'New chat', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    await seed(email, sessionId);
    await page.locator(`a[href="/chat/${sessionId}"]`).first().click();
    await landsOnEachHit(page);
  });
});
