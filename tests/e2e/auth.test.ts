// Auth journeys in the browser against the whole stack: forgot password → email (read from the
// local mail catcher) → new password → signed in; enroll an authenticator app → sign in again
// with its code; passwords, sessions and signing out. Single sign-on: auth-sso.test.ts.
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmLink, mailCode, waitForMail } from '../helpers/mail.ts';
import { PASSWORD, followMailLink, newEmail, open, screenshot, sendAndWait, signIn, signUp, startE2E, type E2E } from './helpers.ts';

function totpCode(secret: string, stepOffset = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: Date.now() + stepOffset * 30_000 });
}

describe('auth journeys in the browser', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('auth', {
      auth: {
        // As `npm start` runs Mr.Prompt (local/src/cli.ts): a new password needs the current one,
        // except from a recovery session.
        security_update_password_require_current_password: true,
      },
    });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  // People in a group chat see the name; the address's first half ("vic.smith.1987") would give
  // the address away (security review 9 #1).
  it('sign-up asks for the name others see and keeps it; without one, the form is refused', async () => {
    const page = await e2e.newPage();
    const email = newEmail('vic.smith.1987');
    await open(page, '/login?mode=signup');
    const name = page.getByLabel('Your name');
    await expect(name.getAttribute('aria-describedby').then((id) => page.locator(`#${id}`).innerText()))
      .resolves.toContain('Shown to the people in your group chats');
    // Sent without the browser's checks (no JavaScript, or a script): refused, nothing made.
    const bare = await page.request.post('/login?/signup', {
      headers: { origin: e2e.webUrl, accept: 'application/json', 'x-sveltekit-action': 'true' },
      form: { email, password: PASSWORD },
    });
    expect(JSON.stringify(await bare.json())).toContain('Enter your name');
    await name.fill('  Vic Smith ');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/chat');
    await open(page, '/settings');
    await expect(page.getByLabel('Display name').inputValue()).resolves.toBe('Vic Smith');
  });

  it('a password without a digit is refused in words a person reads, and the email stays filled in', async () => {
    const page = await e2e.newPage();
    const email = newEmail('weak');
    await open(page, '/login?mode=signup');
    await page.getByLabel('Your name').fill('Wendy');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('onlyletters');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('alert').filter({ hasText: 'The password needs at least a letter and a digit.' }).waitFor();
    await expect(page.getByLabel('Email').inputValue()).resolves.toBe(email);
  });

  it('a form sent after the session ended keeps what was typed through signing in again, for that person only', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    const stranger = await e2e.newPage();
    const strangerEmail = await signUp(stranger);
    const template = 'Summarise {{text}} in {{n:number|3}} points.';
    const sendAfterSessionEnds = async (title: string) => {
      await open(page, '/prompts/new');
      await page.getByLabel('Title').fill(title);
      await page.getByLabel('Template').fill(template);
      // Signed out elsewhere: this tab's session cookies are gone when the form is sent.
      await page.context().clearCookies();
      await page.getByRole('button', { name: 'Create prompt' }).click();
      await page.waitForURL('**/login?next=%2Fprompts%2Fnew');
    };
    const signInHere = async (who: string) => {
      await page.getByLabel('Email').fill(who);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('**/prompts/new');
    };

    await sendAfterSessionEnds('Kept through sign-in');
    await signInHere(email);
    await page.getByTestId('toasts').getByText('what you were sending is back in the form').waitFor();
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe('Kept through sign-in');
    await expect(page.getByLabel('Template').inputValue()).resolves.toBe(template);
    // Nothing was sent on its own; sending it now creates the prompt as typed.
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Kept through sign-in' }).waitFor();

    // Someone else signing in on this tab is not shown what the last person typed.
    await sendAfterSessionEnds('Not for the next person');
    await signInHere(strangerEmail);
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe('');
    await expect(page.getByLabel('Template').inputValue()).resolves.not.toContain('{{text}}');
  });

  it('"Sign out of other devices" ends the other browser\'s session at once, not when its token expires', async () => {
    const here = await e2e.newPage();
    const email = await signUp(here);
    const elsewhere = await e2e.newPage();
    await signIn(elsewhere, email);
    await open(elsewhere, '/prompts');

    await open(here, '/settings/security');
    await here.getByRole('button', { name: 'Sign out of other devices' }).click();
    await here.getByRole('status').filter({ hasText: 'Signed out of every other device and browser.' }).waitFor();

    // The other browser's access token has not expired, yet its next page asks to sign in,
    // and its cookies are gone (the page after that asks too).
    // It says why (QA6 #11), once.
    await open(elsewhere, '/projects');
    await elsewhere.waitForURL('**/login?next=%2Fprojects&notice=signed_out_elsewhere');
    await elsewhere.getByRole('status').filter({ hasText: 'You were signed out because your account’s security changed on another device' }).waitFor();
    await open(elsewhere, '/chat');
    await elsewhere.waitForURL('**/login**');
    expect(new URL(elsewhere.url()).searchParams.get('notice')).toBeNull();
    // This browser carries on.
    await open(here, '/projects');
    await expect.poll(() => here.getByRole('heading', { name: 'Projects' }).isVisible()).toBe(true);
  });

  it('Sign out ends this browser\'s session only: another device stays signed in', async () => {
    const here = await e2e.newPage();
    const email = await signUp(here);
    const elsewhere = await e2e.newPage();
    await signIn(elsewhere, email);
    await open(elsewhere, '/prompts');

    await open(here, '/projects');
    await here.getByRole('button', { name: 'Sign out' }).click();
    await here.waitForURL(/\/login$/);
    await open(here, '/projects');
    await here.waitForURL('**/login?next=%2Fprojects');
    // The other browser keeps its own session ("Sign out of other devices" in Settings › Security ends it).
    await open(elsewhere, '/projects');
    await expect.poll(() => elsewhere.getByRole('heading', { name: 'Projects' }).isVisible()).toBe(true);
  });

  it('signing out in one tab takes the browser\'s other tabs to the sign-in page, and a page brought back from the back/forward cache follows', async () => {
    const here = await e2e.newPage();
    const email = await signUp(here);
    await sendAndWait(here, 'The secret word is pomegranate', 0);
    const chatPath = new URL(here.url()).pathname;
    const toLogin = `**/login?next=${encodeURIComponent(chatPath)}`;
    // A second tab of the same browser (same cookies and storage) showing the chat.
    const otherTab = await here.context().newPage();
    await open(otherTab, chatPath);
    await otherTab.getByText('The secret word is pomegranate').first().waitFor();

    await here.getByRole('button', { name: 'Sign out' }).click();
    await here.waitForURL(/\/login$/);
    // The other tab leaves too (it kept showing the chat until its next request).
    await otherTab.waitForURL(toLogin);
    await expect(otherTab.getByText('pomegranate').count()).resolves.toBe(0);

    // The back/forward cache: a page frozen there hears no other tab, and on coming back
    // (`pageshow` with `persisted`) it showed the last person's chat as it was. Headless Chromium
    // keeps no such cache (BackForwardCacheDisabledForDelegate), so the return is played here:
    // a tab showing the chat while this browser signs out without it hearing, then the event.
    await signIn(here, email);
    await open(here, chatPath);
    await here.getByText('The secret word is pomegranate').first().waitFor();
    await here.evaluate(() => localStorage.setItem('mrprompt-signed-in', '-'));
    await here.context().clearCookies();
    await here.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
    await here.waitForURL(toLogin);
    await expect(here.getByText('pomegranate').count()).resolves.toBe(0);
  });

  // The reset link used to be Auth's PKCE link: it worked only in the browser that asked (its
  // code verifier cookie), and only until that browser asked for any other address; elsewhere it
  // said "invalid, was already used or has expired" and was used up (QA pass 2, finding 2).
  it('forgot password → the link opened on another device, after a mail scanner fetched it → new password → signed in', async () => {
    const email = await signUp(await e2e.newPage(), newEmail('forgot'));
    const page = await e2e.newPage();
    const ask = async (address: string) => {
      await open(page, '/login/forgot');
      // The sign-in page has an Email field too: fill the one in the reset form, which exists
      // only once the navigation has happened (under load, a bare getByLabel('Email') could
      // fill the sign-in form just before it went away, and the reset form was sent empty).
      const reset = page.getByRole('form', { name: 'Reset password' });
      await reset.getByLabel('Email').fill(address);
      await reset.getByRole('button', { name: 'Send reset link' }).click();
      await page.getByRole('status', { name: 'Check your inbox' }).getByText('Only the newest link works').waitFor();
    };
    await open(page, '/login');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL('**/login/forgot');
    await ask(email);
    await screenshot(page, 'auth-check-inbox');
    // The same browser then asks for another address (a typo): the first link still works.
    await ask(newEmail('typo'));

    const mail = await waitForMail(e2e.stack.inboxUrl!, email);
    // A mail scanner fetches the link before the person opens it: that uses nothing.
    expect((await fetch(confirmLink(mail))).status).toBe(200);
    const phone = await e2e.newPage();
    await followMailLink(phone, mail);
    await phone.waitForURL('**/reset-password');
    await phone.getByLabel('New password', { exact: true }).and(phone.locator('input')).fill('a-brand-new-pass-9');
    await phone.getByLabel('Repeat it').fill('a-brand-new-pass-9');
    await phone.getByRole('button', { name: 'Save password' }).click();
    await phone.waitForURL('**/chat');

    // The link works once; opened again, it says why and offers a new one.
    await followMailLink(page, mail);
    await page.waitForURL('**/login/forgot?error=link_expired');
    await page.getByRole('alert').getByText('a newer one replaced it (only the newest link works); ask for a new one').waitFor();
    await page.getByRole('form', { name: 'Reset password' }).getByLabel('Email').waitFor();

    const again = await e2e.newPage();
    await open(again, '/login');
    await again.getByLabel('Email').fill(email);
    await again.getByLabel('Password').fill('a-brand-new-pass-9');
    await again.getByRole('button', { name: 'Sign in' }).click();
    await again.waitForURL('**/chat');
  });

  it('changes the password in Settings › Security, only with the current one (and not the email to itself)', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page, newEmail('change'));
    await open(page, '/settings/security');
    // The address already in use is not "changed" to itself (no mail would come).
    const change = page.getByRole('form', { name: 'Change email' });
    await change.getByLabel('New email').fill(email.toUpperCase());
    await change.getByRole('button', { name: 'Change email' }).click();
    await change.getByRole('alert').filter({ hasText: 'That is already your sign-in email.' }).waitFor();

    // /reset-password sets a password without the current one only for a session a recovery
    // link opened: this one (a password sign-in) is sent here, and its post changes nothing.
    await page.goto('/reset-password');
    await page.waitForURL('**/settings/security?notice=*');
    await page.getByText('To choose a new password, enter your current one below.').waitFor();
    const bypass = await page.request.post('/reset-password', {
      headers: { origin: e2e.webUrl, 'x-sveltekit-action': 'true', accept: 'application/json' },
      form: { password: 'taken-over-77', confirm: 'taken-over-77' },
    });
    expect(await bypass.json()).toMatchObject({ type: 'redirect', location: expect.stringMatching(/^\/settings\/security\?/) });

    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill('not-my-password-1');
    await form.getByLabel('New password', { exact: true }).fill('a-changed-pass-7');
    await form.getByLabel('Repeat the new password').fill('a-changed-pass-7');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('alert').filter({ hasText: 'Your current password is not right.' }).waitFor();
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByLabel('New password', { exact: true }).fill('a-changed-pass-7');
    await form.getByLabel('Repeat the new password').fill('a-changed-pass-7');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
    // Still signed in here, with the second factor untouched.
    await open(page, '/settings');
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();

    const again = await e2e.newPage();
    await open(again, '/login');
    await again.getByLabel('Email').fill(email);
    await again.getByLabel('Password').fill('a-changed-pass-7');
    await again.getByRole('button', { name: 'Sign in' }).click();
    await again.waitForURL('**/chat');
  });

  // Without secure_password_change (supabase/config.toml) a day-old session changed the
  // password with the current one alone; without the page's handling of
  // reauthentication_needed the change then failed with Auth's bare message.
  it('a session that signed in more than a day ago changes the password only with the code mailed to the person', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page, newEmail('reauth'));
    await e2e.db.sql`update auth.sessions set created_at = now() - interval '25 hours'
      where user_id = (select id from auth.users where email = ${email})`;
    await open(page, '/settings/security');
    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByLabel('New password', { exact: true }).fill('a-reauth-pass-8');
    await form.getByLabel('Repeat the new password').fill('a-reauth-pass-8');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').filter({ hasText: `we emailed a code to ${email}` }).waitFor();
    const code = mailCode(await waitForMail(e2e.stack.inboxUrl!, email));
    // What was typed stays; a wrong code is refused and changes nothing.
    await form.getByLabel('Code from the email').fill(code === '000000' ? '111111' : '000000');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('alert').filter({ hasText: 'That code is not right or has expired.' }).waitFor();
    await form.getByLabel('Code from the email').fill(code);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();

    const again = await e2e.newPage();
    await open(again, '/login');
    await again.getByLabel('Email').fill(email);
    await again.getByLabel('Password').fill('a-reauth-pass-8');
    await again.getByRole('button', { name: 'Sign in' }).click();
    await again.waitForURL('**/chat');
  });

  it('enroll an authenticator app → sign in again with its code', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page, newEmail('totp'));
    // Through the app's own links, so the tab keeps the Realtime token the chat fetched.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Security settings' }).click();
    await page.waitForURL('**/settings/security');
    await page.getByRole('form', { name: 'Set up authenticator app' }).getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    await expect.poll(() => page.getByRole('img', { name: 'QR code for your authenticator app' }).getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    // A wrong code is refused, and the keyboard is back on the code (it was left on the page).
    const wrong = totpCode(secret) === '000000' ? '111111' : '000000';
    await page.getByLabel('Code from the app').fill(wrong);
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('That code is not valid').waitFor();
    await expect.poll(() => page.getByLabel('Code from the app').evaluate((field) => field === document.activeElement)).toBe(true);
    await page.getByLabel('Code from the app').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Two-factor sign-in is on').waitFor();
    await screenshot(page, 'auth-mfa-enabled');
    // Back in the chat, live updates still join: with the aal1 token the tab had, the account's
    // channels would now be refused (it has a factor) and "Reconnecting…" would show.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await page.waitForURL('**/chat**');
    await page.waitForTimeout(3_000);
    expect(await page.getByTestId('reconnecting').count()).toBe(0);

    const later = await e2e.newPage();
    await open(later, '/login');
    await later.getByLabel('Email').fill(email);
    await later.getByLabel('Password').fill(PASSWORD);
    await later.getByRole('button', { name: 'Sign in' }).click();
    await later.waitForURL('**/login/mfa**');
    // A page behind sign-in sends the half-signed-in session back to the code step.
    await later.goto('/settings');
    await later.waitForURL('**/login/mfa**');
    // So does every form action: "Sign out of other devices" with the password alone ended the
    // owner's signed-in (aal2) sessions. Posted by the page's script or as a plain form.
    const post = (accept: string) => later.request.post('/settings/security?/signOutOthers', {
      headers: { origin: e2e.webUrl, accept, ...(accept === 'application/json' ? { 'x-sveltekit-action': 'true' } : {}) }, form: {}, maxRedirects: 0,
    });
    expect(await (await post('application/json')).json()).toEqual({ type: 'redirect', status: 303, location: '/login/mfa?next=%2Fsettings%2Fsecurity' });
    const plain = await post('text/html');
    expect([plain.status(), plain.headers().location]).toEqual([303, '/login/mfa?next=%2Fsettings%2Fsecurity']);
    expect((await page.request.get('/api/me')).status()).toBe(200);
    await later.getByLabel('Code', { exact: true }).fill(totpCode(secret, 1));
    await later.getByRole('button', { name: 'Verify' }).click();
    await later.waitForURL('**/settings');
    await later.getByRole('heading', { name: 'Settings', exact: true }).waitFor();

    // Removing the app turns two-factor sign-in off: it asks first, and Cancel keeps it.
    await open(later, '/settings/security');
    await later.getByRole('button', { name: 'Remove…' }).click();
    await later.getByRole('button', { name: 'Cancel' }).click();
    await later.getByRole('button', { name: 'Remove…' }).click();
    await later.getByRole('button', { name: 'Remove “Phone”' }).click();
    await later.getByText('The authenticator app was removed.').waitFor();
    await later.getByRole('button', { name: 'Set up authenticator app' }).waitFor();
  });

  it('labels the API keys made before two-factor sign-in was turned on', async () => {
    const page = await e2e.newPage();
    await signUp(page, newEmail('totp-keys'));
    const makeKey = async (name: string) => {
      await open(page, '/settings/api-keys');
      await page.getByLabel('Name').fill(name);
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByTestId('new-key').waitFor();
    };
    await makeKey('made with the password');
    await open(page, '/settings/security');
    await page.getByRole('form', { name: 'Set up authenticator app' }).getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    await page.getByLabel('Code from the app').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Two-factor sign-in is on').waitFor();
    await makeKey('made with the code');

    const keys = page.getByTestId('api-key-list');
    const label = 'Made before two-factor sign-in was turned on — consider replacing it';
    await keys.locator('li', { hasText: 'made with the password' }).getByText(label).waitFor();
    expect(await keys.locator('li', { hasText: 'made with the code' }).getByText(label).count()).toBe(0);
  });
});
