// Two-factor sign-in across a person's browsers: turning it on in one sends the others, signed
// in with the password alone, through sign-in and the code and back to the page they were on;
// a code just used is refused in words that say so (QA pass 2, findings 1 and 6). Turning it on
// asks for the current password first, so a taken session cannot lock the owner out with its
// own app, and the owner is mailed (QA pass 3, finding 1).
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMail, waitForMail } from '../helpers/mail.ts';
import { PASSWORD, open, screenshot, signIn, signUp, startE2E, type E2E } from './helpers.ts';

/** The app's code at `at` (ms), or a time step away from now. */
function totpCode(secret: string, at = Date.now()): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: at });
}

async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

describe('two-factor sign-in on more than one browser', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => { e2e = await startE2E('auth-mfa'); });
  afterAll(async () => { await e2e?.stop(); });

  it('turned on in one browser: the other signs in again with the code and carries on where it was; a code just used says so', async () => {
    const here = await e2e.newPage();
    const email = await signUp(here);
    const elsewhere = await e2e.newPage();
    await signIn(elsewhere, email);
    await open(elsewhere, '/prompts');

    await open(here, '/settings/security');
    await here.getByRole('form', { name: 'Set up authenticator app' }).getByLabel('Current password').fill(PASSWORD);
    await here.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await here.getByTestId('totp-secret').innerText()).trim();
    const usedAt = Date.now();
    await here.getByLabel('Code from the app').fill(totpCode(secret, usedAt));
    await here.getByRole('button', { name: 'Turn on' }).click();
    await here.getByText('Other devices signed in with the password alone were signed out').waitFor();

    // As GoTrue does, turning it on ended the other browser's password-only session: its next
    // page asks to sign in (no "Something went wrong"), then for the code, then shows that page.
    await open(elsewhere, '/usage');
    await elsewhere.waitForURL('**/login?next=%2Fusage&notice=signed_out_elsewhere');
    await elsewhere.getByRole('status').filter({ hasText: 'Sign in again.' }).waitFor();
    await elsewhere.getByLabel('Email').fill(email);
    await elsewhere.getByLabel('Password').fill(PASSWORD);
    await elsewhere.getByRole('button', { name: 'Sign in' }).click();
    await elsewhere.waitForURL('**/login/mfa?next=%2Fusage');
    // The code the app still shows was used to turn it on: refused, saying to wait for the next.
    await enterCode(elsewhere, totpCode(secret, usedAt));
    await elsewhere.getByRole('alert').filter({ hasText: 'That code was just used. Wait for your app to show the next one' }).waitFor();
    await screenshot(elsewhere, 'auth-mfa-code-used');
    await enterCode(elsewhere, totpCode(secret, Date.now() + 30_000));
    await elsewhere.waitForURL('**/usage');
    await elsewhere.getByRole('heading', { name: 'Usage', exact: true }).waitFor();
    // The browser that turned it on stays signed in.
    await open(here, '/prompts');
    await here.getByRole('heading', { name: 'Prompts', exact: true }).waitFor();
  });

  it('a taken session cannot set up an authenticator app without the password; the owner can, and is mailed', async () => {
    const owner = await e2e.newPage();
    const email = await signUp(owner);
    // The taker: another browser with a session of the same account (a copied cookie, an unlocked laptop).
    const taken = await e2e.newPage();
    await signIn(taken, email);
    await open(taken, '/settings/security');
    const setUp = taken.getByRole('form', { name: 'Set up authenticator app' });
    await setUp.getByLabel('Current password').fill('not-the-password-1');
    await setUp.getByRole('button', { name: 'Set up authenticator app' }).click();
    await taken.getByRole('alert').filter({ hasText: 'Your current password is not right.' }).waitFor();
    expect(await taken.getByTestId('totp-secret').count()).toBe(0);
    // Without the field at all (the form's `required` skipped): refused as well.
    const posted = await taken.request.post('/settings/security?/enroll', {
      headers: { origin: e2e.webUrl, accept: 'text/html' }, form: { name: 'Phone' }, maxRedirects: 0,
    });
    expect(posted.status()).toBe(400);
    expect(await posted.text()).toContain('Your current password is not right.');
    const factors = () => e2e.db.sql<{ n: number }[]>`
      select count(*)::int as n from auth.mfa_factors f join auth.users u on u.id = f.user_id where u.email = ${email}`;
    expect((await factors())[0]!.n).toBe(0);

    // The owner, with the password, turns it on and gets a mail saying so.
    await open(owner, '/settings/security');
    await owner.getByRole('form', { name: 'Set up authenticator app' }).getByLabel('Current password').fill(PASSWORD);
    await owner.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await owner.getByTestId('totp-secret').innerText()).trim();
    expect(await listMail(e2e.stack.inboxUrl!, email)).toEqual([]);
    await owner.getByLabel('Code from the app').fill(totpCode(secret));
    await owner.getByRole('button', { name: 'Turn on' }).click();
    await owner.getByText('Two-factor sign-in is on').waitFor();
    const mail = await waitForMail(e2e.stack.inboxUrl!, email);
    expect(mail.subject).toBe('Two-factor sign-in was turned on for your Mr.Prompt account');
    expect((await factors())[0]!.n).toBe(1);
  });

  it('a session that signed in before a factor it never saw goes to the code step, not an error page, and posts nothing before it', async () => {
    const owner = await e2e.newPage();
    const email = await signUp(owner);
    const stale = await e2e.newPage();
    await signIn(stale, email);
    // A verified factor this browser's session cookie has never seen: an Auth that keeps other
    // sessions when one is verified (as local Auth did) leaves exactly this behind.
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    await e2e.db.sql`
      insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
      select gen_random_uuid(), id, 'Phone', 'totp', 'verified', now(), now(), ${secret} from auth.users where email = ${email}`;

    await open(stale, '/prompts');
    await stale.waitForURL('**/login/mfa?next=%2Fprompts');
    // Form posts ask for the code too: with the password alone, "Sign out of other devices"
    // would end the owner's sessions.
    const posted = await stale.request.post('/settings/security?/signOutOthers', {
      headers: { origin: e2e.webUrl, accept: 'text/html' }, form: {}, maxRedirects: 0,
    });
    expect([posted.status(), posted.headers().location]).toEqual([303, '/login/mfa?next=%2Fsettings%2Fsecurity']);
    await enterCode(stale, totpCode(secret));
    await stale.waitForURL('**/prompts');
    await stale.getByRole('heading', { name: 'Prompts', exact: true }).waitFor();
  });
});
