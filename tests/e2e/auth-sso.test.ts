// Single sign-on in the browser against the whole stack: sign in with an OpenID Connect provider
// (a real oidc-provider issuer), and the password such an account chooses later guards its
// two-factor set-up there too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort } from '../../local/src/ports.ts';
import { startOidcIssuer, type OidcIssuer } from '../fixtures/oidc-issuer.ts';
import { waitForMail } from '../helpers/mail.ts';
import { followMailLink, newEmail, open, screenshot, startE2E, type E2E } from './helpers.ts';

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
});
