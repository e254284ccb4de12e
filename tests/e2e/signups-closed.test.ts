// An instance closed to sign-ups (`[auth] enable_signup = false`, a company's own Mr.Prompt whose
// accounts the administrator makes or invites). QA10 #5: the login page still offered *Sign up*,
// and its form answered with Auth's raw "Signups not allowed for this instance". Now the page
// offers only the way in and says how accounts are made; a sign-up sent anyway gets the app's
// words; an account the administrator made signs in as usual.
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEmail, open, PASSWORD, screenshot, startE2E, type E2E } from './helpers.ts';

describe('sign-ups closed', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('signups-closed', { auth: { enable_signup: false } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('offers no sign-up, says accounts come by invitation, and lets an account the administrator made in', async () => {
    const page = await e2e.newPage();
    await open(page, '/login?mode=signup');
    await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link').allInnerTexts()).resolves.toEqual(['Sign in']);
    await expect(page.getByTestId('signups-closed').innerText()).resolves.toContain('ask the administrator');
    await expect(page.getByLabel('Your name').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'signups-closed');

    // A sign-up sent anyway (an old tab, a script): the app's sentence, not Auth's.
    const bare = await page.request.post('/login?/signup', {
      headers: { origin: e2e.webUrl, accept: 'application/json', 'x-sveltekit-action': 'true' },
      form: { display_name: 'Eve', email: newEmail('eve'), password: PASSWORD },
    });
    const answer = JSON.stringify(await bare.json());
    expect(answer).toContain('New accounts cannot be made here. Ask the administrator for an invitation');
    expect(answer).not.toContain('Signups not allowed');

    const admin = createClient(e2e.stack.apiUrl, e2e.stack.keys.secretKey, {
      auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never },
    });
    const email = newEmail('staff');
    const made = await admin.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true, user_metadata: { display_name: 'Staff' } });
    expect(made.error).toBeNull();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/chat');
  });
});
