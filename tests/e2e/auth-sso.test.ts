// Single sign-on in the browser against the whole stack: sign in with an OpenID Connect provider
// (a real oidc-provider issuer); such an account is asked for no password it does not have, also
// once it changed its address, and the password it chooses later guards its two-factor set-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort } from '../../local/src/ports.ts';
import { startOidcIssuer, type OidcIssuer } from '../fixtures/oidc-issuer.ts';
import { waitForMail } from '../helpers/mail.ts';
import { followMailLink, newEmail, open, screenshot, signUp, startE2E, type E2E } from './helpers.ts';

describe('single sign-on in the browser', { timeout: 180_000 }, () => {
  let e2e: E2E;
  let issuer: OidcIssuer;
  beforeAll(async () => {
    const apiPort = await getFreePort();
    issuer = await startOidcIssuer({ redirectUris: [`http://127.0.0.1:${apiPort}/auth/v1/callback`] });
    e2e = await startE2E('auth-sso', {
      apiPort,
      auth: {
        // As `npm start` runs Mr.Prompt (local/src/cli.ts): a new password needs the current one,
        // except from a recovery session.
        security_update_password_require_current_password: true,
        external: {
          keycloak: { enabled: true, client_id: issuer.clientId, secret: issuer.clientSecret, url: issuer.issuer, redirect_uri: '', skip_nonce_check: false, email_optional: false },
        },
      },
    });
  });
  afterAll(async () => {
    await e2e?.stop();
    await issuer?.stop();
  });

  it('signs in with the OpenID Connect provider; once the account has a password, set-up asks for it there too', async () => {
    const email = newEmail('sso');
    issuer.account = { sub: `sso-${crypto.randomUUID()}`, email, email_verified: true, name: 'Single Sign-On' };
    const page = await e2e.newPage();
    await open(page, '/login');
    await page.getByRole('link', { name: 'Continue with Single sign-on' }).click();
    await page.waitForURL('**/chat');
    await screenshot(page, 'auth-sso-signed-in');
    // An account without a password has none to give before turning on two-factor sign-in.
    await open(page, '/settings/security');
    const setUp = page.getByRole('form', { name: 'Set up authenticator app' });
    expect(await setUp.getByLabel('Current password').count()).toBe(0);
    await setUp.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByTestId('totp-secret').waitFor();

    // It chooses a password through a reset link. Auth adds the account's `email` identity then
    // (GoTrue ensureEmailIdentityForPassword), so a session signed in with the provider asks for
    // the password too; before, only a session opened with the password did (QA).
    const phone = await e2e.newPage();
    await open(phone, '/login/forgot');
    const reset = phone.getByRole('form', { name: 'Reset password' });
    await reset.getByLabel('Email').fill(email);
    await reset.getByRole('button', { name: 'Send reset link' }).click();
    await phone.getByRole('status', { name: 'Check your inbox' }).waitFor();
    await followMailLink(phone, await waitForMail(e2e.stack.inboxUrl!, email));
    await phone.waitForURL('**/reset-password');
    await phone.getByLabel('New password', { exact: true }).and(phone.locator('input')).fill('an-sso-pass-6');
    await phone.getByLabel('Repeat it').fill('an-sso-pass-6');
    await phone.getByRole('button', { name: 'Save password' }).click();
    await phone.waitForURL('**/chat');

    const later = await e2e.newPage();
    await open(later, '/login');
    await later.getByRole('link', { name: 'Continue with Single sign-on' }).click();
    await later.waitForURL('**/chat');
    await open(later, '/settings/security');
    const again = later.getByRole('form', { name: 'Set up authenticator app' });
    await again.getByLabel('Device name').fill('Laptop');
    await again.getByLabel('Current password').fill('not-my-password-1');
    await again.getByRole('button', { name: 'Set up authenticator app' }).click();
    await later.getByRole('alert').filter({ hasText: 'Your current password is not right.' }).waitFor();
    await again.getByLabel('Device name').fill('Laptop');
    await again.getByLabel('Current password').fill('an-sso-pass-6');
    await again.getByRole('button', { name: 'Set up authenticator app' }).click();
    await later.getByTestId('totp-secret').waitFor();
  });

  // Auth gives an account the provider made an `email` identity when its address changes,
  // without a password (GoTrue emailChangeVerify). Settings › Security took that identity for a
  // password and asked for a "current password" the person never had, before an authenticator
  // app and before choosing a password; it now asks the database (public.has_password).
  it('an account that changed its address is asked for no password it never had, and for the one it then chooses', async () => {
    const email = newEmail('sso-moved');
    issuer.account = { sub: `sso-${crypto.randomUUID()}`, email, email_verified: true, name: 'Moved Address' };
    const page = await e2e.newPage();
    await open(page, '/login');
    await page.getByRole('link', { name: 'Continue with Single sign-on' }).click();
    await page.waitForURL('**/chat');

    // The address changes through Settings, confirmed at both addresses.
    await open(page, '/settings/security');
    const moved = newEmail('sso-moved-to');
    const change = page.getByRole('form', { name: 'Change email' });
    await change.getByLabel('New email').fill(moved);
    await change.getByRole('button', { name: 'Change email' }).click();
    await page.getByText('Waiting for confirmation of').waitFor();
    await followMailLink(page, await waitForMail(e2e.stack.inboxUrl!, email));
    await page.waitForURL('**/settings/security?notice=email_half_confirmed');
    await followMailLink(page, await waitForMail(e2e.stack.inboxUrl!, moved));
    await open(page, '/settings/security');
    await page.getByText(`You sign in as ${moved}.`).waitFor();
    expect(await identitiesOf(moved)).toEqual(['email', 'keycloak']);

    // No current password for the authenticator app, nor for choosing a password.
    const setUp = page.getByRole('form', { name: 'Set up authenticator app' });
    expect(await setUp.getByLabel('Current password').count()).toBe(0);
    await setUp.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByTestId('totp-secret').waitFor();
    // /reset-password without a recovery link says it needs no current password here (it said
    // "enter your current one", which this account never had). A provider sign-in: the session
    // the email-change link opened counts as a link's for a while (lib/server/recovery.ts).
    const fresh = await e2e.newPage();
    await open(fresh, '/login');
    await fresh.getByRole('link', { name: 'Continue with Single sign-on' }).click();
    await fresh.waitForURL('**/chat');
    await open(fresh, '/reset-password');
    await fresh.waitForURL('**/settings/security?notice=password_choose_first');
    await fresh.getByRole('status').filter({ hasText: 'You have no password yet (you sign in with single sign-on).' }).waitFor();
    await open(page, '/settings/security');
    const choose = page.getByRole('form', { name: 'Choose a password' });
    expect(await choose.getByLabel('Current password').count()).toBe(0);
    await choose.getByLabel('New password', { exact: true }).fill('a-first-pass-8');
    await choose.getByLabel('Repeat the new password').fill('a-first-pass-8');
    await choose.getByRole('button', { name: 'Save password' }).click();
    // The page reads its data again after the save: the form is "Change password" from then on.
    await page.getByRole('status').filter({ hasText: 'Password saved. You can now also sign in with your email and this password.' }).waitFor();

    // Now it has one, both ask for it, and a wrong one is refused.
    await open(page, '/settings/security');
    const changePassword = page.getByRole('form', { name: 'Change password' });
    await changePassword.getByLabel('Current password').waitFor();
    // (Another name: the unverified "Phone" set up above is still there.)
    const again = page.getByRole('form', { name: 'Set up authenticator app' });
    await again.getByLabel('Device name').fill('Laptop');
    await again.getByLabel('Current password').fill('not-my-password-1');
    await again.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your current password is not right.' }).waitFor();
    await again.getByLabel('Device name').fill('Laptop');
    await again.getByLabel('Current password').fill('a-first-pass-8');
    await again.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByTestId('totp-secret').waitFor();
  });

  // Auth refuses to link a provider's unconfirmed address to an account that has it already
  // (email_exists). The page said "The sign-in link is invalid or has expired" (QA6 #8).
  it('a provider that did not confirm an address an account already uses is told so, not "link invalid"', async () => {
    const owner = await e2e.newPage();
    const email = await signUp(owner, newEmail('sso-taken'));
    issuer.account = { sub: `sso-${crypto.randomUUID()}`, email, email_verified: false, name: 'Same Address' };
    const page = await e2e.newPage();
    await open(page, '/login');
    await page.getByRole('link', { name: 'Continue with Single sign-on' }).click();
    await page.waitForURL('**/login?error=sso_email_exists**');
    await page.getByRole('alert').filter({ hasText: 'An account already uses this email address. Sign in with your password' }).waitFor();
    expect(await page.getByText('invalid or has expired').count()).toBe(0);
  });

  /** The account's identity providers, as Auth stores them. */
  async function identitiesOf(address: string): Promise<string[]> {
    const found = await e2e.db.sql<{ provider: string }[]>`
      select i.provider from auth.identities i join auth.users u on u.id = i.user_id where u.email = ${address} order by i.provider`;
    return found.map((r) => r.provider);
  }
});
