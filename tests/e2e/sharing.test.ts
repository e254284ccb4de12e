// Sharing in the browser: the owner makes a link, a signed-out visitor reads the chat (with an
// Open Graph title) and is asked to sign in to fork it; forking lands in the viewer's own chat
// list, without the owner's file, and says it left it out; a revoked link shows "not found"; the owner sees the current link whenever Share opens;
// "Fork from here" copies the chat up to an answer; a long
// shared chat pages back without losing what was shown.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseModel, composer, newEmail, open, reload, screenshot, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';

describe('sharing in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('sharing');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  async function chatWithAnswer(page: Awaited<ReturnType<E2E['newPage']>>, text: string, files: { name: string; mimeType: string; buffer: Buffer }[] = []) {
    await open(page, '/chat');
    await chooseModel(page, 'demo');
    if (files.length > 0) await page.locator('input[type=file][aria-label="Attach files"]').first().setInputFiles(files);
    await composer(page).fill(text);
    await composer(page).press('Enter');
    await waitForChatPage(page);
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
  }

  it('a link opened signed out shows the chat read-only; forking asks to sign in, then copies it (not the owner\'s file, and says so); revoking ends it', async () => {
    const owner = await e2e.newPage();
    await signUp(owner);
    await chatWithAnswer(owner, 'Plan a weekend in Porto', [{ name: 'budget.txt', mimeType: 'text/plain', buffer: Buffer.from('Budget: 400 EUR\n') }]);

    await owner.getByRole('button', { name: 'Share' }).click();
    await owner.getByRole('button', { name: 'Create link' }).click();
    const link = await owner.getByLabel('Share link').inputValue();
    expect(link).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);

    const visitor = await e2e.newPage();
    await visitor.goto(link);
    await visitor.getByRole('list', { name: 'Messages' }).getByText('Plan a weekend in Porto', { exact: true }).waitFor();
    await expect(visitor.locator('meta[property="og:title"]').getAttribute('content')).resolves.toBe(await owner.locator('h1').first().textContent());
    await expect(visitor.locator('textarea').count()).resolves.toBe(0); // read-only: no composer
    await screenshot(visitor, 'shared-chat');

    const viewerEmail = newEmail('viewer');
    await visitor.getByRole('button', { name: 'Fork into my account' }).click();
    await visitor.waitForURL(/\/login/);
    // Sign up as a new user, come back through ?next and fork.
    await signUp(visitor, viewerEmail);
    await visitor.goto(link);
    await visitor.getByRole('button', { name: 'Fork into my account' }).click();
    await waitForChatPage(visitor);
    await visitor.getByText('Plan a weekend in Porto', { exact: true }).first().waitFor();
    // The owner's file stays the owner's: the copy has no chip, and the new chat says so once.
    await visitor.getByText('Forked. 1 file someone else attached was left out of your copy.').waitFor();
    expect(await visitor.getByTestId('message-attachment').count()).toBe(0);
    await expect.poll(() => new URL(visitor.url()).search).toBe('');

    // The visitor has the link open again when it is revoked: forking then says the link is gone.
    await visitor.goto(link);
    await owner.getByRole('button', { name: 'Revoke link…' }).click();
    await owner.getByRole('button', { name: 'Revoke the link' }).click();
    await owner.getByText('Link revoked').waitFor();
    await visitor.getByRole('button', { name: 'Fork into my account' }).click();
    await visitor.getByText('This link does not exist or was revoked.').waitFor();
    const late = await e2e.newPage();
    const response = await late.goto(link);
    expect(response?.status()).toBe(404);
    await late.getByText('does not exist or was revoked').waitFor();
    // A signed-out visitor is offered sign-in, not a chat list they cannot open.
    await late.getByRole('link', { name: 'Sign in to Mr.Prompt' }).waitFor();
    await expect(late.getByRole('link', { name: 'Back to chat' }).count()).resolves.toBe(0);
    // Signed in, the way on is back to the chats.
    await visitor.goto(link);
    await visitor.getByRole('link', { name: 'Back to chat' }).waitFor();
  });

  it('an answer marked cannot render shows as its text: the chat and its share link stay up; the link pages keep their referrer policy', async () => {
    const owner = await e2e.newPage();
    await signUp(owner);
    await chatWithAnswer(owner, 'Quote me deeply');
    // 3,000 nested quotes (3 kB) overflowed the renderer's stack: the page went blank for everyone.
    const deep = '>'.repeat(3000);
    await composer(owner).fill(`/echo ${deep} x`);
    await composer(owner).press('Enter');
    await owner.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });
    await owner.getByRole('button', { name: 'Share' }).click();
    await owner.getByRole('button', { name: 'Create link' }).click();
    const link = await owner.getByLabel('Share link').inputValue();
    const errors: string[] = [];
    for (const [page, path] of [[owner, new URL(owner.url()).pathname], [await e2e.newPage(), link]] as const) {
      page.on('pageerror', (error) => errors.push(String(error)));
      await open(page, path);
      await page.getByText('Quote me deeply', { exact: true }).first().waitFor();
      await expect.poll(() => page.locator('.markdown').evaluateAll((els, text) => els.some((el) => el.textContent?.includes(text)), `${deep} x`)).toBe(true);
    }
    expect(errors).toEqual([]);

    // The share and invitation pages ask that no other site learn even their origin from them.
    for (const path of [link, '/invitations/some-token']) {
      const response = await owner.request.get(path, { maxRedirects: 0 });
      expect(response.headers()['referrer-policy']).toBe('same-origin');
    }
    expect((await owner.request.get('/settings')).headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
  });

  it("an answer's markup cannot cover a shared link's page with a fake sign-in (security review 5, #1)", async () => {
    const owner = await e2e.newPage();
    await signUp(owner);
    await chatWithAnswer(
      owner,
      '/echo Fine.\n\n<div class="fixed inset-0 z-50 bg-zinc-950 flex items-center justify-center"><div class="card"><h2>Your session expired</h2><p>Sign in again to keep this chat.</p><a href="https://evil.example/login">Sign in</a></div></div>',
    );
    await owner.getByRole('button', { name: 'Share' }).click();
    await owner.getByRole('button', { name: 'Create link' }).click();
    const link = await owner.getByLabel('Share link').inputValue();
    const visitor = await e2e.newPage();
    await visitor.goto(link);
    await visitor.locator('.markdown a[href="https://evil.example/login"]').waitFor(); // rendered, not the server's plain text
    // The answer's "dialog" is laid out in its message: the page around it is the page's own.
    const covered = await visitor.evaluate(() => {
      const fake = document.querySelector('.markdown a[href="https://evil.example/login"]')!.closest('.markdown')!;
      const points = [[5, 5], [innerWidth - 5, 5], [5, innerHeight - 5], [innerWidth / 2, 5]];
      return points.filter(([x, y]) => fake.contains(document.elementFromPoint(x!, y!)));
    });
    expect(covered).toEqual([]);
    await expect(visitor.locator('.markdown [class]').count()).resolves.toBe(0);
    await visitor.getByRole('button', { name: 'Fork into my account' }).waitFor();
  });

  it('"Older messages" on a long shared chat adds the older ones above, keeping the newer ones', async () => {
    const owner = await e2e.newPage();
    const email = await signUp(owner);
    await chatWithAnswer(owner, 'Long shared chat');
    const sessionId = new URL(owner.url()).pathname.split('/').at(-1)!;
    // 60 more messages after the first turn (a page of a shared chat is 50).
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    try {
      const [user] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
      await sql`
        insert into public.messages (session_id, user_id, sender, content, created_at)
        select ${sessionId}, ${user!.id}, case when i % 2 = 1 then 'user' else 'assistant' end, 'shared line ' || i, clock_timestamp()
        from generate_series(1, 60) as i`;
    } finally {
      await sql.end();
    }
    await owner.getByRole('button', { name: 'Share' }).click();
    await owner.getByRole('button', { name: 'Create link' }).click();
    const link = await owner.getByLabel('Share link').inputValue();

    const visitor = await e2e.newPage();
    // Hydrated first: "Older messages" is a plain link until then (a whole page of older ones).
    await open(visitor, link);
    const shown = visitor.getByRole('list', { name: 'Messages' });
    await shown.getByText('shared line 60', { exact: true }).waitFor();
    expect(await shown.getByText('Long shared chat', { exact: true }).count()).toBe(0);
    await visitor.getByRole('link', { name: 'Older messages' }).click();
    await shown.getByText('Long shared chat', { exact: true }).waitFor();
    // The newer messages are still there, in order, after the older ones; the link is the link again.
    // The list re-renders as the older page joins it: polled, not read once mid-render.
    await expect.poll(() => shown.getByText('shared line 60', { exact: true }).count()).toBe(1);
    await expect.poll(() => shown.locator(':scope > li').count()).toBe(62);
    await expect.poll(() => visitor.getByRole('link', { name: 'Older messages' }).count()).toBe(0);
    expect(new URL(visitor.url()).search).toBe('');
  });

  it('replacing or revoking a link asks first, and the keyboard follows each step', async () => {
    const owner = await e2e.newPage();
    await signUp(owner);
    await chatWithAnswer(owner, 'Plan a week in Lisbon');
    const focused = () => owner.evaluate(() => document.activeElement?.textContent?.trim());
    const opens = async (link: string) => (await owner.request.get(link)).status();

    // An unshared chat is a normal state: opening Share logs no failed request in the console.
    const failed: string[] = [];
    owner.on('response', (response) => { if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`); });
    owner.on('console', (message) => { if (message.type() === 'error') failed.push(message.text()); });
    await owner.getByRole('button', { name: 'Share' }).click();
    await owner.getByRole('button', { name: 'Create link' }).click();
    const first = await owner.getByLabel('Share link').inputValue();
    await expect.poll(focused).toBe('Copy link');
    expect(failed).toEqual([]);

    // Closed and opened again, the menu shows the same link, ready to copy again.
    await owner.getByRole('button', { name: 'Share' }).click();
    await expect(owner.getByLabel('Share link').count()).resolves.toBe(0);
    await owner.getByRole('button', { name: 'Share' }).click();
    await expect.poll(() => owner.getByLabel('Share link').inputValue()).toBe(first);
    await owner.getByRole('dialog', { name: 'Share this chat' }).getByText('Shared as a snapshot since').waitFor();

    // Replace… asks, with the keyboard on Cancel; Cancel keeps the link and goes back to Replace….
    await owner.getByRole('button', { name: 'Replace link…' }).click();
    await owner.getByText('The current link stops working').waitFor();
    await expect.poll(focused).toBe('Cancel');
    await owner.keyboard.press('Enter');
    await expect.poll(focused).toBe('Replace link…');
    expect(await opens(first)).toBe(200);

    // Confirmed, the old link ends and the new one is ready to copy.
    await owner.keyboard.press('Enter');
    await owner.getByRole('button', { name: 'Replace the link' }).click();
    await owner.getByText('the old one no longer opens this chat').waitFor();
    const second = await owner.getByLabel('Share link').inputValue();
    expect(second).not.toBe(first);
    await expect.poll(focused).toBe('Copy link');
    expect(await opens(first)).toBe(404);
    expect(await opens(second)).toBe(200);
    // After a reload too, the menu shows the link now in use, not the replaced one.
    await reload(owner);
    await owner.getByRole('button', { name: 'Share' }).click();
    await expect.poll(() => owner.getByLabel('Share link').inputValue()).toBe(second);

    // Revoke… by keyboard alone: asked, confirmed (Shift+Tab from Cancel), then Create link is next.
    await owner.getByRole('button', { name: 'Revoke link…' }).focus();
    await owner.keyboard.press('Enter');
    await owner.getByText('The link stops working for everyone who has it.').waitFor();
    await expect.poll(focused).toBe('Cancel');
    expect(await opens(second)).toBe(200);
    await owner.keyboard.press('Shift+Tab');
    await expect.poll(focused).toBe('Revoke the link');
    await owner.keyboard.press('Enter');
    await owner.getByText('Link revoked').waitFor();
    await expect.poll(focused).toBe('Create link');
    expect(await opens(second)).toBe(404);
    await screenshot(owner, 'share-revoked');
  });

  it('"Fork from here" opens a new chat holding the conversation up to that answer', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await chatWithAnswer(page, 'First question');
    const original = page.url();
    await composer(page).fill('Second question');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1).waitFor({ timeout: 60_000 });

    await page.locator('article[aria-label="Assistant message"]').first().getByRole('button', { name: 'Fork from here' }).click();
    await page.waitForURL((url) => /\/chat\/[0-9a-f-]{36}$/.test(url.pathname) && url.href !== original);
    await page.getByText('First question', { exact: true }).first().waitFor();
    await expect(page.getByText('Second question', { exact: true }).count()).resolves.toBe(0);
  });
});
