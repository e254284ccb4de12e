// What a tab carries from one signed-in person to the next, what a link can make the app say, and
// whose account an email link opens for someone already signed in.
// A session that ends elsewhere sends the tab to /login without a reload, and the next person
// who signs in there gets their own Realtime and Storage token (web audit W6). The sign-in page,
// the auth callback and Settings › Security show only the app's own sentences for the codes in
// a link, never text from it (web audit W7), and the flows that redirect with them still read.
import { createClient } from '@supabase/supabase-js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { confirmLink, waitForMail } from '../helpers/mail.ts';
import { composer, followMailLink, newEmail, open, PASSWORD, seriousViolations, signIn, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';
import { b64, drop } from './attachment-files.ts';

/** The user a JWT was issued to. */
const subOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).sub as string;

describe('sign-in links and same-tab sign-ins', { timeout: 240_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('auth-links');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  // Without the fix every join after B signed in carried A's token (sub = A), the upload was
  // refused by Storage's policies, and B's tab showed "Reconnecting…".
  it("the next person to sign in in the same tab joins Realtime and uploads with their own token, not the last one's", async () => {
    const tab = await e2e.newPage();
    const joins: string[] = [];
    tab.on('websocket', (socket) => socket.on('framesent', ({ payload }) => {
      for (const m of String(payload).matchAll(/"access_token":"([^"]+)"/g)) joins.push(subOf(m[1]!));
    }));
    const storage: { sub: string; status: number }[] = [];
    tab.on('response', async (response) => {
      const auth = (await response.request().allHeaders())['authorization'];
      if (response.url().includes('/storage/v1/') && auth?.startsWith('Bearer ')) storage.push({ sub: subOf(auth.slice(7)), status: response.status() });
    });
    const aliceEmail = await signUp(tab, newEmail('alice'));
    await composer(tab).fill('/echo alice was here');
    await composer(tab).press('Enter');
    await waitForChatPage(tab);
    const alice = (await (await tab.request.get('/api/me')).json()).id as string;
    await expect.poll(() => joins.includes(alice)).toBe(true);

    // Alice's other device signs her out everywhere else.
    const other = await e2e.newPage();
    await signIn(other, aliceEmail);
    await open(other, '/settings/security');
    await other.getByRole('button', { name: 'Sign out of other devices' }).click();
    await other.getByText('Signed out of every other device').waitFor();

    // The tab's next page asks to sign in, in the same document, and Bob signs up there.
    await tab.evaluate(() => Object.assign(window, { sameDocument: true }));
    await tab.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prompts' }).click();
    await tab.waitForURL(/\/login/);
    await tab.getByRole('link', { name: 'Sign up' }).click();
    // The switch is a client-side navigation: fill the form it leads to, not the one it leaves.
    await tab.waitForURL(/mode=signup/);
    await tab.getByRole('button', { name: 'Create account' }).waitFor();
    await tab.getByLabel('Your name').fill('Bob');
    await tab.getByLabel('Email').fill(newEmail('bob'));
    await tab.getByLabel('Password').fill(PASSWORD);
    await tab.getByRole('button', { name: 'Create account' }).click();
    await tab.waitForURL((url) => !url.pathname.startsWith('/login')).catch(async (error) => {
      throw new Error(`sign up did not leave /login; showing: ${(await tab.locator('main').innerText().catch(() => '')).slice(0, 300)}`, { cause: error });
    });
    expect(await tab.evaluate(() => 'sameDocument' in window)).toBe(true);
    const bob = (await (await tab.request.get('/api/me')).json()).id as string;

    joins.length = 0;
    await tab.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await tab.waitForURL(/\/chat/);
    await expect.poll(() => joins.length).toBeGreaterThan(0);
    // Bob drops a file on the composer: it uploads to his folder, with his token.
    await drop(tab, [['bob.txt', 'text/plain', b64('hello from bob')]]);
    const tray = tab.getByTestId('attachment-tray');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(1);
    await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    await expect(tray.innerText()).resolves.not.toMatch(/row-level security|failed/i);
    expect(storage.length).toBeGreaterThan(0);
    expect(new Set(storage.map((call) => call.sub))).toEqual(new Set([bob]));
    expect(storage.every((call) => call.status < 400)).toBe(true);
    expect(new Set(joins)).toEqual(new Set([bob]));
    expect(await tab.getByTestId('reconnecting').count()).toBe(0);
  });

  // Without the fix each text below showed as the app's own alert or notice.
  it('a link shows only the app\'s own messages: codes name them, and any other text is not shown', async () => {
    const page = await e2e.newPage();
    const spoof = 'Your account is locked. Call Mr.Prompt support at +1 555 0100.';
    const alert = page.getByRole('alert');

    await open(page, `/login?error=${encodeURIComponent(spoof)}`);
    await alert.waitFor();
    expect(await page.getByText('+1 555 0100').count()).toBe(0);
    await alert.getByText('Something went wrong. Try again.').waitFor();
    await open(page, '/login?error=link_used');
    await alert.getByText('The sign-in link is invalid, was already used or has expired; ask for a new one').waitFor();
    await open(page, `/login?notice=${encodeURIComponent(spoof)}`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByText('+1 555 0100').count()).toBe(0);

    // The auth callback, which any page can link to, passes on codes only.
    await page.goto(`/auth/callback?message=${encodeURIComponent(spoof)}`);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByText('+1 555 0100').count()).toBe(0);
    await page.goto(`/auth/callback?error=access_denied&error_description=${encodeURIComponent(spoof)}`);
    // A refusal without Auth's own code is the identity provider's (QA6 #8), in the app's words.
    await page.waitForURL('**/login?error=sso_denied');
    await alert.getByText('The sign-in was cancelled or refused at your identity provider').waitFor();
    expect(await page.getByText('+1 555 0100').count()).toBe(0);

    // Signed in, Settings › Security takes codes only too.
    const email = await signUp(page, newEmail('spoofed'));
    await open(page, `/settings/security?notice=${encodeURIComponent(spoof)}`);
    await page.getByRole('heading', { name: 'Security' }).waitFor();
    expect(await page.getByText('+1 555 0100').count()).toBe(0);

    // A real flow that comes back with Auth's message: the first of an email change's two
    // confirmations says so in the app's words.
    // Another device of this person, signed in before the change (QA6 #10).
    const other = await e2e.newPage({ sameUserAs: page });
    await open(other, '/prompts');
    await other.getByRole('banner').getByText(email).waitFor();
    const moved = newEmail('moved');
    const change = page.getByRole('form', { name: 'Change email' });
    await change.getByLabel('New email').fill(moved);
    await change.getByRole('button', { name: 'Change email' }).click();
    await page.getByText('Waiting for confirmation of').waitFor();
    const toCurrent = await waitForMail(e2e.stack.inboxUrl!, email);
    await followMailLink(page, toCurrent);
    await page.waitForURL((url) => `${url.pathname}${url.search}` === '/settings/security?notice=email_half_confirmed');
    await page.getByRole('status').filter({ hasText: 'One address confirmed. Open the link sent to the other address to finish changing your sign-in email.' }).waitFor();
    // The second link completes the change and says so; the other device's header shows the new
    // address at its next page, though its access token still names the old one.
    await followMailLink(page, await waitForMail(e2e.stack.inboxUrl!, moved));
    await page.waitForURL((url) => `${url.pathname}${url.search}` === '/settings/security?notice=email_changed');
    await page.getByRole('status').filter({ hasText: 'Your sign-in email was changed.' }).waitFor();
    await open(other, '/prompts');
    await other.getByRole('banner').getByText(moved).waitFor();
    expect(await other.getByRole('banner').getByText(email, { exact: true }).count()).toBe(0);
  });

  // QA6 #9: "Email not confirmed" and nothing else; the only way to a new mail was to sign up again.
  it('signing in before confirming says where the link went and sends it again; the new link signs in', async () => {
    const first = await e2e.newPage();
    const email = await signUp(first, newEmail('unconfirmed'));
    // As an account made with confirmations on (hosted Supabase's default) that never followed its link.
    await e2e.db.sql`update auth.users set email_confirmed_at = null where email = ${email}`;
    const page = await e2e.newPage();
    await open(page, '/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: `Confirm your email first: we sent a link to ${email}.` }).waitFor();
    await page.getByRole('form', { name: 'Send the confirmation again' }).getByRole('button', { name: 'Send it again' }).click();
    await page.getByRole('status').filter({ hasText: `We sent the confirmation link to ${email} again.` }).waitFor();
    await followMailLink(page, await waitForMail(e2e.stack.inboxUrl!, email));
    await page.waitForURL('**/chat');
  });

  // QA 3 #3. Without the fix Alice pressed the button once and was in Mallory's account, on
  // Mallory's chosen page, without a word: the page named nobody and asked nothing.
  it("a signed-in person is asked, naming both accounts, before an email link for another account replaces their session", async () => {
    const auth = () => createClient(e2e.stack.apiUrl, e2e.stack.keys.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never },
    });
    const account = async (label: string) => {
      const email = newEmail(label);
      const { error } = await auth().auth.signUp({ email, password: PASSWORD });
      expect(error).toBeNull();
      return email;
    };
    /** The mail's /auth/confirm link on the web app, with `next` changed as a sender may. */
    const linkIn = async (email: string, next?: string) => {
      const link = new URL(confirmLink(await waitForMail(e2e.stack.inboxUrl!, email)));
      if (next) link.searchParams.set('next', next);
      return new URL(`${link.pathname}${link.search}`, e2e.webUrl).toString();
    };
    const whoAmI = async (page: Page) => (await (await page.request.get('/api/me')).json()).email as string;

    const mallory = await account('mallory');
    const bob = await account('bob');
    const page = await e2e.newPage();
    const alice = await signUp(page, newEmail('alice'));

    // Mallory's magic link, sent to Alice with `next` pointing at the API keys.
    expect((await auth().auth.signInWithOtp({ email: mallory, options: { shouldCreateUser: false } })).error).toBeNull();
    await open(page, await linkIn(mallory, '/settings'));
    const notice = page.getByTestId('signed-in-as');
    await expect(notice.innerText()).resolves.toContain(`You are signed in as ${alice}. This link may be for a different account`);
    await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Switch accounts?' }).waitFor();
    // The question's page holds no token: its address is bare, and the verified session is in no field.
    expect(new URL(page.url()).search).toBe('');
    expect(await page.content()).not.toMatch(/token_hash|refresh_token|access_token/);
    const main = page.getByRole('main');
    await expect(main.innerText()).resolves.toContain(`This link is for ${mallory}. You are signed in as ${alice}.`);
    expect(await whoAmI(page)).toBe(alice);
    expect(await seriousViolations(page)).toEqual([]);
    await main.getByRole('button', { name: `Stay signed in as ${alice}` }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    expect(await whoAmI(page)).toBe(alice);
    // The answer is used once: the bare page no longer asks.
    await open(page, '/auth/confirm');
    expect(await page.getByRole('heading', { name: 'Switch accounts?' }).count()).toBe(0);

    // Alice's own reset link, signed in: no question, straight to her new password.
    expect((await auth().auth.resetPasswordForEmail(alice)).error).toBeNull();
    await open(page, await linkIn(alice));
    await page.getByRole('main').getByRole('button', { name: 'Choose a new password' }).click();
    await page.waitForURL((url) => url.pathname === '/reset-password');
    expect(await whoAmI(page)).toBe(alice);

    // A reset link for her other account (Bob's): asked too, and continuing signs in there.
    expect((await auth().auth.resetPasswordForEmail(bob)).error).toBeNull();
    await open(page, await linkIn(bob));
    await page.getByRole('main').getByRole('button', { name: 'Choose a new password' }).click();
    await page.getByRole('heading', { name: 'Switch accounts?' }).waitFor();
    await page.getByRole('main').getByRole('button', { name: `Continue as ${bob} and choose its password` }).click();
    await page.waitForURL((url) => url.pathname === '/reset-password');
    expect(await whoAmI(page)).toBe(bob);
  });
});
