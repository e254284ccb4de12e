// Answers that outlive the tab that asked for them, in a real browser: a reload mid-answer
// re-attaches and keeps streaming, closing the only tab and reopening finds the answer
// complete (and the chat named by its model), a new chat's address is its own from its first
// send (a reload before its page data arrives opens it), an answer whose final write waits says
// it is being saved (no Stop then), Stop in a second tab stops the answer the first tab asked for (and "Continue"
// then goes on; an answer stopped before any text offers Regenerate instead), a second tab shows the first tab's turn even when Realtime delivers none of its
// rows, and a reasoning model's thinking shows collapsed. The slow fake provider
// holds each answer after its first token until the test lets it go, so "mid-answer" is a
// fact, not a race.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { addCustomKey, chooseModel, composer, dropRowChanges, HeldFrames, newEmail, open, openChatAs, reload, screenshot, signIn, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';
import { b64, drop } from './attachment-files.ts';

const answers = (page: Page, status?: string) =>
  page.locator(`article[aria-label="Assistant message"]${status ? `[data-status="${status}"]` : ''}`);

describe('answers that outlive their tab', { timeout: 150_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('turns');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  /** Signs a new user up with a key for the slow provider and opens a new chat. */
  async function readyToChat(page: Page): Promise<string> {
    const email = await signUp(page, newEmail('turns'));
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    return email;
  }

  /** Sends a message whose answer the provider holds after its first token; returns the release. */
  async function sendHeld(page: Page, text: string): Promise<() => void> {
    const release = e2e.slowProvider.pauseAfterFirstToken();
    await composer(page).fill(text);
    await composer(page).press('Enter');
    await waitForChatPage(page);
    // The first token has arrived: the answer is running and stays so until released.
    await expect.poll(async () => (await answers(page, 'streaming').locator('.markdown').textContent().catch(() => '')) ?? '', { timeout: 30_000 }).toContain('Here');
    return release;
  }

  async function storedAnswer(sessionPath: string): Promise<{ status: string; content: string }> {
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ status: string; content: string }[]>`
        select status, content from public.messages where session_id = ${sessionPath.split('/').pop()!} and sender = 'assistant'`;
      return row!;
    } finally {
      await sql.end();
    }
  }

  it('a new chat has its own address as soon as it exists: a reload before its page data arrives opens it', async () => {
    const page = await e2e.newPage();
    await readyToChat(page);
    // Moving to /chat/<id> loads that page's data; on a busy server it can arrive after the
    // answer. Here it is held until the answer is complete.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    await page.route(/\/chat\/[0-9a-f-]{36}\/__data\.json/, async (route) => {
      held++;
      await released;
      await route.continue().catch(() => {}); // the reload below may have cancelled it
    });
    await composer(page).fill('Keep this chat when I reload');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    expect(held).toBeGreaterThan(0);
    // The address was already the chat's, so a reload (or a copied link) opens it, not a new chat;
    // and the first-run welcome (this user had no chat) is gone with the first send.
    expect(new URL(page.url()).pathname).toMatch(/^\/chat\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('region', { name: 'Welcome to Mr.Prompt' }).count()).resolves.toBe(0);
    release();
    await page.unroute(/\/chat\/[0-9a-f-]{36}\/__data\.json/);
    await reload(page);
    await page.getByText('Keep this chat when I reload', { exact: true }).first().waitFor();
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor();
  });

  it('a reload mid-answer re-attaches and keeps streaming to the end', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'failed-turns-reload'));
    await readyToChat(page);
    const release = await sendHeld(page, 'Tell me something long');
    try {
      await reload(page);
      const running = answers(page, 'streaming');
      await running.waitFor({ timeout: 30_000 });
      // The re-attached view replays what was streamed so far…
      await expect.poll(async () => (await running.locator('.markdown').textContent().catch(() => '')) ?? '', { timeout: 30_000 }).toContain('Here');
    } finally {
      release();
    }
    // … and keeps streaming after the reload, to the end.
    const done = answers(page, 'complete');
    await done.waitFor({ timeout: 60_000 });
    await expect(done.locator('pre code').textContent()).resolves.toContain('console.log');
    const stored = await storedAnswer(new URL(page.url()).pathname);
    expect(stored.status).toBe('complete');
    // No gap and no duplicate where the reload cut in: the prose is exactly what was stored.
    await expect(done.locator('.markdown p').first().textContent()).resolves.toBe(stored.content.split('\n\n')[0]);
  });

  it('closing the only tab mid-answer and opening the chat again shows the answer complete', async () => {
    const page = await e2e.newPage();
    await readyToChat(page);
    const release = await sendHeld(page, 'Answer me even if I leave');
    const sessionPath = new URL(page.url()).pathname;
    const request = e2e.slowProvider.requests.at(-1)!;
    const context = page.context();
    await page.close();
    release();

    const again = await context.newPage();
    onTestFailed(() => screenshot(again, 'failed-turns-reopen'));
    await open(again, sessionPath);
    const done = answers(again, 'complete');
    await done.waitFor({ timeout: 60_000 });
    await expect(done.locator('pre code').textContent()).resolves.toContain('console.log');
    expect(request.aborted).not.toBe(true); // the provider call was never cut
    expect((await storedAnswer(sessionPath)).status).toBe('complete');
    // The chat was named by its model all the same: the server names it, not the tab that asked.
    await expect.poll(() => again.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 }).toBe('Answer me even if I');
  });

  it('Stop in a second tab stops the answer the first tab asked for; Continue goes on from there', async () => {
    const first = await e2e.newPage();
    const email = await readyToChat(first);
    const release = await sendHeld(first, 'Please stop me from elsewhere');
    const sessionPath = new URL(first.url()).pathname;
    const second = await e2e.newPage();
    onTestFailed(async () => {
      await screenshot(first, 'failed-turns-stop-first');
      await screenshot(second, 'failed-turns-stop-second');
    });
    try {
      await signIn(second, email);
      await open(second, sessionPath);
      await answers(second, 'streaming').waitFor();
      await second.getByRole('button', { name: 'Stop', exact: true }).click();
      // The keyboard goes to the message box, not to the page's body as Stop gives way to Send.
      await expect.poll(() => composer(second).evaluate((box) => box === document.activeElement)).toBe(true);

      // Both tabs end the answer as stopped, with what had arrived kept.
      for (const page of [second, first]) {
        const stopped = answers(page, 'stopped');
        await stopped.waitFor({ timeout: 30_000 });
        await expect(stopped.getByText('Stopped', { exact: true }).count()).resolves.toBe(1);
        await expect(stopped.locator('.markdown').textContent()).resolves.toContain('Here');
      }
      const stored = await storedAnswer(sessionPath);
      expect(stored.status).toBe('stopped');
      expect(stored.content).not.toContain('console.log');
    } finally {
      release();
    }

    await first.getByRole('button', { name: 'Continue', exact: true }).click();
    await first.getByText('Continue exactly where your last answer stopped.').waitFor();
    await answers(first, 'complete').waitFor({ timeout: 60_000 });
    await answers(second, 'complete').waitFor({ timeout: 60_000 });
  });

  it('an answer that is whole but waits for its final write says it is being saved, in both tabs, with no Stop, then completes', async () => {
    const first = await e2e.newPage();
    const email = await readyToChat(first);
    const release = await sendHeld(first, 'Keep me safe while the database is slow');
    const sessionPath = new URL(first.url()).pathname;
    const second = await e2e.newPage();
    onTestFailed(() => Promise.all([screenshot(first, 'failed-turns-saving-first'), screenshot(second, 'failed-turns-saving-second')]).then(() => {}));
    await signIn(second, email);
    await open(second, sessionPath);
    await answers(second, 'streaming').waitFor();
    // Another transaction holds the answer's row: its final write (an UPDATE) waits, as it does
    // for a slow or absent database, while its checkpoints (inserts) do not.
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    let commit!: () => void, locked!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = sql.begin(async (tx) => {
      await tx`select 1 from public.messages where session_id = ${sessionPath.split('/').pop()!} and sender = 'assistant' for no key update`;
      locked();
      await held;
    });
    try {
      await lockTaken;
      release();
      for (const page of [first, second]) {
        await answers(page, 'streaming').getByTestId('answer-progress').getByText('Answer received; saving it…').waitFor({ timeout: 60_000 });
        await expect(page.getByRole('button', { name: 'Saving…', exact: true }).isDisabled()).resolves.toBe(true);
        await expect(page.getByRole('button', { name: 'Stop', exact: true }).count()).resolves.toBe(0);
      }
    } finally {
      commit();
      await holder;
      await sql.end();
    }
    for (const page of [first, second]) await answers(page, 'complete').waitFor({ timeout: 60_000 });
    expect((await storedAnswer(sessionPath)).status).toBe('complete');
  });

  it('an answer stopped before any text (only its thinking arrived) offers Regenerate, not Continue', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'failed-turns-stop-empty'));
    await readyToChat(page);
    const release = await sendHeld(page, 'Think before you answer');
    const sessionPath = new URL(page.url()).pathname;
    try {
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      await answers(page, 'stopped').waitFor({ timeout: 30_000 });
    } finally {
      release();
    }
    // As a stop while the model was still thinking leaves it: reasoning, no text.
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    try {
      await sql`update public.messages set content = '', reasoning = 'Weighing the options' where session_id = ${sessionPath.split('/').pop()!} and sender = 'assistant'`;
    } finally {
      await sql.end();
    }
    await reload(page);
    const stopped = answers(page, 'stopped');
    await stopped.getByText('Stopped', { exact: true }).waitFor();
    await expect(stopped.getByRole('button', { name: 'Continue', exact: true }).count()).resolves.toBe(0);
    await stopped.getByRole('button', { name: 'Regenerate', exact: true }).click();
    await answers(page, 'complete').waitFor({ timeout: 60_000 });
    await expect(page.getByText('Continue exactly where your last answer stopped.').count()).resolves.toBe(0);
  });

  it('a tab whose row changes Realtime does not deliver still shows the other tab\'s question and answer, once the broadcast names it, its rename, and a chat it made', async () => {
    const first = await e2e.newPage();
    const email = await readyToChat(first);
    await composer(first).fill('/echo opening line');
    await composer(first).press('Enter');
    await waitForChatPage(first);
    await answers(first, 'complete').waitFor({ timeout: 60_000 });
    const sessionPath = new URL(first.url()).pathname;

    // The second tab's Realtime socket passes everything but Postgres Changes events.
    const second = await e2e.newPage();
    const held = new HeldFrames();
    const dropped = await dropRowChanges(second, held);
    onTestFailed(async () => {
      await screenshot(first, 'failed-turns-unseen-first');
      await screenshot(second, 'failed-turns-unseen-second');
    });
    await openChatAs(second, email, sessionPath, 'opening line');

    const release = await sendHeld(first, 'Did the other tab see this?');
    try {
      // The answer's first broadcast names a message the second tab does not hold; its rows
      // do not come, so the tab re-reads the chat, and follows the answer from there.
      await second.getByText('Did the other tab see this?', { exact: true }).waitFor({ timeout: 30_000 });
      await expect.poll(async () => (await answers(second, 'streaming').locator('.markdown').textContent().catch(() => '')) ?? '', { timeout: 30_000 }).toContain('Here');
    } finally {
      release();
    }
    const done = answers(second, 'complete').nth(1);
    await done.waitFor({ timeout: 60_000 });
    await expect(done.locator('pre code').textContent()).resolves.toContain('console.log');

    // A rename in the first tab: its row change does not reach the second either; the database's
    // `renamed` on the chat's channel makes it read the title.
    await first.getByRole('button', { name: 'Rename' }).click();
    await first.getByLabel('Chat title').fill('Renamed where no rows are heard');
    await first.getByLabel('Chat title').press('Enter');
    await second.getByRole('heading', { name: 'Renamed where no rows are heard' }).waitFor({ timeout: 15_000 });
    // Both tabs' titles follow (QA 5 #4: they kept the title the page loaded with until a reload).
    for (const tab of [first, second]) await expect.poll(() => tab.title()).toBe('Renamed where no rows are heard · Mr.Prompt');
    // So does the second tab's list of chats: the database's `session_renamed` on the user's own
    // channel names the title's version, and the list reads the chat until it shows it.
    const chatId = sessionPath.split('/').at(-1)!;
    const listed = (tab: Page, path: string) => tab.getByRole('navigation', { name: 'Chats' }).locator(`a[href="${path}"]`);
    await expect.poll(() => listed(second, sessionPath).textContent(), { timeout: 15_000 }).toContain('Renamed where no rows are heard');

    // Renamed twice more, the first rename's `session_renamed` delivered after the second's: the
    // list shows the newer title, and the late signal, naming a version it holds, neither puts
    // the older title back nor reads the chat. (The second tab leaves the chat: its view's own
    // reads of the chat are not the list's.)
    await second.getByRole('link', { name: 'New chat' }).click();
    await second.waitForURL((url) => url.pathname === '/chat');
    const rename = async (title: string) => {
      await first.getByRole('button', { name: 'Rename' }).click();
      await first.getByLabel('Chat title').fill(title);
      await first.getByLabel('Chat title').press('Enter');
      await first.getByRole('heading', { name: title }).waitFor();
    };
    held.hold((frame) => frame.includes('session_renamed') && frame.includes(chatId));
    await rename('Renamed, heard late');
    await expect.poll(() => held.count, { timeout: 15_000 }).toBeGreaterThan(0);
    held.hold(null);
    await rename('Renamed last');
    await expect.poll(() => listed(second, sessionPath).textContent(), { timeout: 15_000 }).toContain('Renamed last');
    const listReads: string[] = [];
    second.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname.endsWith(`/api/sessions/${chatId}`)) listReads.push(request.url());
    });
    held.release();

    // A new chat made in the first tab: its insert does not reach the second tab's chat list
    // either; the database's `session_renamed` when the model names it, after its first answer,
    // brings it there.
    await first.getByRole('link', { name: 'New chat' }).click();
    await first.waitForURL((url) => url.pathname === '/chat');
    await composer(first).fill('/echo a chat of its own');
    await composer(first).press('Enter');
    await waitForChatPage(first);
    await answers(first, 'complete').waitFor({ timeout: 60_000 });
    const newPath = new URL(first.url()).pathname;
    expect(newPath).not.toBe(sessionPath);
    await second.getByRole('navigation', { name: 'Chats' }).locator(`a[href="${newPath}"]`).waitFor({ timeout: 15_000 });
    // The late signal came before this chat's (one channel keeps its order): it read nothing.
    expect(listReads).toEqual([]);
    await expect(listed(second, sessionPath).textContent()).resolves.toContain('Renamed last');
    expect(dropped()).toBeGreaterThan(0);
    expect(e2e.logs.some((line) => line.includes('console.warn Realtime did not bring the rows of answer'))).toBe(true);
  });

  it('a send while another device is answering attaches to that answer instead of failing, and waits in the queue with its files to go when it ends', async () => {
    const first = await e2e.newPage();
    const email = await readyToChat(first);
    await composer(first).fill('/echo opening line');
    await composer(first).press('Enter');
    await answers(first, 'complete').waitFor();
    await waitForChatPage(first);
    const sessionPath = new URL(first.url()).pathname;

    // A second device that hears nothing live (its Realtime socket goes nowhere), so it does
    // not know an answer is running when its user sends.
    const second = await e2e.newPage();
    onTestFailed(() => screenshot(second, 'failed-turns-409'));
    await second.routeWebSocket(/\/realtime\/v1\//, () => {});
    await signIn(second, email);
    await open(second, sessionPath);
    await answers(second, 'complete').waitFor();

    // With a file in the tray (dropped onto the composer): it comes back with the text.
    await drop(second, [['second.md', 'text/markdown', b64('# notes from the second device')]]);
    const tray = second.getByTestId('attachment-tray');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(1);
    await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);

    const release = await sendHeld(first, 'A long answer on the first device');
    try {
      await composer(second).fill('My question from the second device');
      await composer(second).press('Enter');
      // Refused with 409 turn_running: the question waits in the chat's queue with its file
      // (QA8 #6: it came back to the box, to be sent again by hand), and the running answer shows.
      const queued = second.getByTestId('queued-message');
      await queued.getByText('With second.md').waitFor();
      await expect(queued.getByRole('status').textContent()).resolves.toBe('Waiting for the answer being written to end — will send then');
      await expect.poll(() => composer(second).inputValue()).toBe('');
      await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(0);
      await answers(second, 'streaming').waitFor();
      await expect(second.locator('article[aria-label="Your message"]').filter({ hasText: 'My question from the second device' }).count()).resolves.toBe(0);
    } finally {
      release();
    }
    // The running answer is followed over GET /chat/{id}/stream (no Realtime here) to its end;
    // then the question goes by itself, with its file, and is answered.
    await answers(second, 'complete').nth(1).waitFor({ timeout: 60_000 });
    await second.locator('article[aria-label="Your message"]').filter({ hasText: 'My question from the second device' }).waitFor({ timeout: 60_000 });
    await answers(second, 'complete').nth(2).waitFor({ timeout: 60_000 });
    await expect(answers(second).count()).resolves.toBe(3);
    await expect.poll(() => second.getByTestId('queued-message').count()).toBe(0);
  });

  it("a reasoning model's thinking shows collapsed as 'Thought for N s', also after a reload", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await chooseModel(page, 'demo');
    await composer(page).fill('/think first weigh the options then decide');
    await composer(page).press('Enter');
    const done = answers(page, 'complete');
    await done.waitFor({ timeout: 60_000 });
    for (const step of ['live', 'reloaded']) {
      const thoughts = done.getByTestId('reasoning');
      await expect(thoughts.locator('summary').textContent(), step).resolves.toMatch(/^Thought for (less than a second|\d+\.\d s|\d+ min \d+ s)$/);
      await expect(thoughts.evaluate((el) => (el as HTMLDetailsElement).open), step).resolves.toBe(false);
      await thoughts.locator('summary').click();
      await expect(thoughts.textContent(), step).resolves.toContain('weigh the options');
      await expect(done.locator('.markdown').textContent(), step).resolves.toContain('Thought it through.');
      if (step === 'live') {
        await waitForChatPage(page);
        await reload(page);
        await done.waitFor();
      }
    }
  });
});
