// Sending and finding, when it goes wrong: a message sent offline waits in the chat (through a
// reload, and through the tab being closed: the next tab sends it) and is sent by itself once
// back online, once even when the answer to its POST was lost or two tabs hold it (and one that
// another tab is sending cannot be cancelled here), and gone from the browser once its session
// ends on another device; a refused send in a long chat is said beside the box, in view, until
// dismissed; older history loads when scrolling up.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, open, reload, screenshot, sendAndWait, signedInClient, signUp, startE2E, type E2E } from './helpers.ts';

describe('sending and finding', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('send-and-find');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('a message sent offline waits in the chat (through a reload) and is sent by itself once back online, exactly once — also when the answer to its POST was lost', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await sendAndWait(page, 'Before the network goes', 0);
    const questions = page.locator('article[aria-label="Your message"]');
    await expect(questions.count()).resolves.toBe(1);

    await page.context().setOffline(true);
    const banner = page.getByTestId('offline-banner');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toContain('a message you send waits in the chat and is sent once you are back online');
    await composer(page).fill('Sent while offline');
    await composer(page).press('Enter');
    // Shown where it will be sent, as waiting, with what can be done about it; the box is free.
    const queued = page.getByTestId('queued-message');
    await queued.getByText('Sent while offline').waitFor();
    await expect(queued.getByRole('status').textContent()).resolves.toBe('Waiting for a connection — will send when you are back online');
    for (const name of ['Send now', 'Edit', 'Cancel this message']) await queued.getByRole('button', { name }).waitFor();
    await expect(composer(page).inputValue()).resolves.toBe('');
    await expect(questions.count()).resolves.toBe(1);
    await screenshot(page, 'chat-sent-offline');
    // Another waits behind it; Edit takes it back to the box, Cancel drops it.
    await composer(page).fill('Second thought');
    await composer(page).press('Enter');
    const second = queued.filter({ hasText: 'Second thought' });
    await second.getByText('Waiting to be sent after the one above').waitFor();
    await second.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => composer(page).inputValue()).toBe('Second thought');
    await expect(queued.count()).resolves.toBe(1);
    await composer(page).press('Enter');
    await second.getByRole('button', { name: 'Cancel this message' }).click();
    await expect.poll(() => queued.count()).toBe(1);

    // Back online but Mr.Prompt cannot be reached: the `online` event tries, and it keeps waiting.
    let mode: 'down' | 'lose-answer' = 'down';
    let tries = 0;
    let lost = 0;
    await page.route('**/api/chat', async (route) => {
      tries++;
      if (mode === 'lose-answer') {
        // The POST reaches the server (the turn runs, its rows are stored), but its answer never comes back.
        await route.fetch().catch(() => {});
        lost++;
      }
      await route.abort('internetdisconnected');
    });
    await page.context().setOffline(false);
    await banner.waitFor({ state: 'detached' });
    await expect.poll(() => tries).toBeGreaterThan(0);
    await expect.poll(() => queued.getByRole('status').textContent()).toBe('Waiting for Mr.Prompt to answer — will send when it can be reached');
    // A reload keeps it (the browser's storage), still waiting; it asks first, as a close does.
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept(); // leave anyway
    });
    await reload(page);
    expect(dialogs).toEqual(['beforeunload']);
    await queued.getByText('Sent while offline').waitFor();
    await expect(questions.count()).resolves.toBe(1);
    // Its next try reaches the server, the answer is lost; the one after (server reachable again)
    // carries the same client id: the server has it (409 already_sent), so nothing is asked twice.
    mode = 'lose-answer';
    await expect.poll(() => lost, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.unroute('**/api/chat');
    await queued.waitFor({ state: 'detached', timeout: 60_000 });
    // Shown once (the lost POST's rows may come live first, and the try's placeholder goes on its 409).
    await expect.poll(() => questions.filter({ hasText: 'Sent while offline' }).count()).toBe(1);
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });
    await expect(questions.count()).resolves.toBe(2);
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    const asked = async () => (await sql`select m.content from public.messages m join auth.users u on u.id = m.user_id
                                          where u.email = ${email} and m.sender = 'user' order by m.created_at`).map((r) => r.content);
    try {
      await expect(asked()).resolves.toEqual(['Before the network goes', 'Sent while offline']);

      // QA17 #1: a waiting message outlives its tab. Closing the tab while it waits asks first;
      // closed anyway, the next tabs of this browser that open the chat send it — once, though
      // two of them open it together, and both show it.
      await page.context().setOffline(true);
      await banner.waitFor();
      await composer(page).fill('Sent before the tab closed');
      await composer(page).press('Enter');
      await queued.getByText('Sent before the tab closed').waitFor();
      const closed = new Promise((resolve) => page.once('close', resolve));
      await page.close({ runBeforeUnload: true });
      await closed;
      expect(dialogs).toEqual(['beforeunload', 'beforeunload']);
      await page.context().setOffline(false);
      const chatPath = new URL(page.url()).pathname;
      const tabs = [await page.context().newPage(), await page.context().newPage()];
      await Promise.all(tabs.map((tab) => open(tab, chatPath)));
      for (const tab of tabs) {
        const mine = tab.locator('article[aria-label="Your message"]');
        await expect.poll(() => mine.filter({ hasText: 'Sent before the tab closed' }).count(), { timeout: 60_000 }).toBe(1);
        await tab.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(2).waitFor({ timeout: 60_000 });
        await expect.poll(() => tab.getByTestId('queued-message').count()).toBe(0);
        await expect(mine.count()).resolves.toBe(3);
      }
      await expect(asked()).resolves.toEqual(['Before the network goes', 'Sent while offline', 'Sent before the tab closed']);
    } finally {
      await sql.end();
    }
  });

  it('a waiting message another tab is sending is not cancelled here: the tab says so, and it is asked once (QA18 #4)', async () => {
    const a = await e2e.newPage();
    const email = await signUp(a);
    await sendAndWait(a, 'First', 0);
    const b = await a.context().newPage();
    await open(b, new URL(a.url()).pathname);
    await b.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor();
    // Tab A cannot reach the server; tab B's POST takes a while (held until released).
    await a.route('**/api/chat', (route) => route.abort('internetdisconnected'));
    let held = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await b.route('**/api/chat', async (route) => { held++; await gate; await route.continue(); });
    await a.context().setOffline(true);
    await composer(a).fill('Please do not send this after all');
    await composer(a).press('Enter');
    await a.getByTestId('queued-message').waitFor();
    await a.context().setOffline(false);
    await expect.poll(() => held, { timeout: 30_000 }).toBeGreaterThan(0);
    await a.getByTestId('queued-message').getByRole('button', { name: 'Cancel this message' }).click();
    await a.getByTestId('queued-sent-elsewhere').waitFor();
    await expect(a.getByTestId('queued-message').count()).resolves.toBe(1);
    release();
    await expect.poll(() => a.getByTestId('queued-message').count(), { timeout: 30_000 }).toBe(0);
    const asked = await e2e.db.sql<{ content: string }[]>`
      select m.content from public.messages m join auth.users u on u.id = m.user_id
       where u.email = ${email} and m.sender = 'user' order by m.created_at`;
    expect(asked.map((r) => r.content)).toEqual(['First', 'Please do not send this after all']);
  });

  // Security review 16 #2: "Sign out of other devices" from the phone, the usual remedy for a
  // session left open on a shared computer, left the waiting message's text in localStorage.
  it('a message waiting for a connection, and the draft beside it, are gone from the browser once the session is ended from another device: the next person there finds nothing', async () => {
    const page = await e2e.newPage();
    const alice = await signUp(page);
    await sendAndWait(page, 'Before the network goes', 0);
    await page.context().setOffline(true);
    await composer(page).fill('SECRET: my bank PIN is 4711');
    await composer(page).press('Enter');
    await page.getByTestId('queued-message').getByText('SECRET: my bank PIN is 4711').waitFor();
    await composer(page).fill('Draft: and the safe is behind the painting');
    // Mr.Prompt stays unreachable from this tab: the message keeps waiting.
    await page.route('**/api/chat', (route) => route.abort('internetdisconnected'));
    await page.context().setOffline(false);
    const kept = () => page.evaluate(() => [localStorage, sessionStorage].flatMap((store) =>
      Object.keys(store).filter((k) => /^mrprompt-(queued|draft|kept-prompt)/.test(k)).map((k) => `${k}=${store.getItem(k)}`)));
    const { client, user } = await signedInClient(e2e, alice);
    await expect.poll(async () => (await kept()).join('\n')).toContain(`mrprompt-draft:${user.id}:`);
    expect((await kept()).join('\n')).toContain(`mrprompt-queued:${user.id}:`);

    // From the phone: sign out of every device. This browser's next page is the sign-in page.
    expect((await client.auth.signOut({ scope: 'global' })).error).toBeNull();
    page.on('dialog', (dialog) => void dialog.accept()); // leaving while a message waits asks first
    await open(page, '/chat');
    await page.waitForURL('**/login**');
    await expect.poll(kept).toEqual([]);

    // The next person at this browser signs up in the same tab, and finds nothing of Alice's.
    await page.unroute('**/api/chat');
    await signUp(page);
    await sendAndWait(page, 'Hello, I am next', 0);
    const leftovers = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(leftovers).not.toContain(user.id);
    expect(leftovers).not.toMatch(/SECRET|safe is behind/);
  });

  it('Sign out with a message waiting asks in the app first and deletes nothing until confirmed; offline it does nothing (QA18 #2)', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await sendAndWait(page, 'Before the network goes', 0);
    const browserAsked: string[] = [];
    page.on('dialog', (dialog) => { browserAsked.push(dialog.type()); void dialog.accept(); });
    const waitingKept = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('mrprompt-queued:')).length);
    await page.context().setOffline(true);
    await composer(page).fill('Homework for tomorrow: read chapter 4');
    await composer(page).press('Enter');
    await page.getByTestId('queued-message').waitFor();
    // Offline, the sign-out could not reach the server: nothing is done, and the page says so.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are offline: signing out needs a connection.', { exact: false }).waitFor();
    expect(await waitingKept()).toBe(1);
    // Online but the message still cannot go: the app names it and asks; staying keeps it.
    await page.route('**/api/chat', (route) => route.abort('internetdisconnected'));
    await page.context().setOffline(false);
    await page.getByRole('button', { name: 'Sign out' }).click();
    const question = page.getByRole('dialog', { name: 'Sign out and delete a waiting message?' });
    await question.waitFor();
    await question.getByRole('button', { name: 'Stay signed in' }).click();
    await question.waitFor({ state: 'hidden' });
    expect(await waitingKept()).toBe(1);
    await expect(page.getByTestId('queued-message').count()).resolves.toBe(1);
    // Confirmed: signed out, with no second question from the browser, and nothing left behind.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await question.getByRole('button', { name: 'Sign out anyway' }).click();
    await page.waitForURL(/\/login/);
    expect(browserAsked).toEqual([]);
    expect(await waitingKept()).toBe(0);
  });

  it('a refused send in a long chat is said beside the message box, in view, until it is dismissed', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 1000, height: 640 });
    await signUp(page);
    for (let i = 0; i < 3; i++) await sendAndWait(page, `Question ${i}`, i);
    // A long message (the box grows to its tallest) that the server refuses for a moment. (Over
    // the 32,000-character limit the box says so before sending, and Send is disabled.)
    await page.route('**/api/chat', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'The server is busy.' } }) }), { times: 1 });
    await composer(page).fill('z'.repeat(25_000));
    await composer(page).press('Enter');
    const refused = page.getByRole('alert').filter({ hasText: 'The server is busy.' });
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toContain('Your text is back in the message box.');
    // Visible: nothing (the message box, the end of a scrolled list) covers its middle.
    const seen = () => refused.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return r.top >= 0 && r.bottom <= innerHeight && hit !== null && el.contains(hit);
    });
    await expect.poll(seen).toBe(true);
    await expect.poll(() => composer(page).inputValue().then((v) => v.length)).toBe(25_000);
    // It stays while the person reads and edits, and goes when they dismiss it.
    await composer(page).fill('A shorter question');
    await expect(seen()).resolves.toBe(true);
    await refused.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => refused.count()).toBe(0);
  });

  it('older history loads when scrolling up, through the cursor API', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    let sessionId: string;
    try {
      const [user] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
      const [session] = await sql<{ id: string }[]>`
        insert into public.chat_sessions (user_id, title) values (${user.id}, 'Long history') returning id`;
      sessionId = session.id;
      // 80 turns with distinct timestamps, oldest first.
      await sql`
        insert into public.messages (session_id, user_id, sender, content, created_at)
        select ${sessionId}, ${user.id}, case when i % 2 = 0 then 'user' else 'assistant' end,
               'history message ' || i, now() - make_interval(secs => 1000 - i)
        from generate_series(1, 80) as i`;
    } finally {
      await sql.end();
    }
    await open(page, `/chat/${sessionId}`);
    await page.getByText('history message 80', { exact: true }).waitFor();
    await expect(page.getByText('history message 1', { exact: true }).count()).resolves.toBe(0);
    const scroller = page.getByTestId('messages');
    await expect.poll(async () => {
      await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
      return page.getByText('history message 1', { exact: true }).count();
    }, { timeout: 30_000 }).toBe(1);
    await expect(page.locator('article').count()).resolves.toBe(80);
  });
});
