/**
 * Mail flows with the official auth-js client: recovery, magic links and email OTPs,
 * confirmation with resend, email change (double confirmed), reauthentication, in the implicit
 * and the PKCE flow. Links and codes come from the local mail catcher's JSON API.
 */
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailCode, listMail, verifyLink, waitForMail } from '../helpers/mail.ts';
import { NO_FUNCTIONS, startTestStack, TEST_PASSWORD, testEmail, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let confirming: TestStack;

beforeAll(async () => {
  [stack, confirming] = await Promise.all([
    startTestStack({ functionsDir: NO_FUNCTIONS }),
    startTestStack({ functionsDir: NO_FUNCTIONS, auth: { email: { enable_confirmations: true } } }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), confirming?.stop()]);
});

async function confirmedUser(on = stack) {
  const email = testEmail();
  const { data, error } = await on.admin().auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
  expect(error).toBeNull();
  return { email, id: data.user!.id };
}

/** A PKCE client keeping its code verifier in memory, as @supabase/ssr keeps it in a cookie. */
function pkceClient(on = stack) {
  const store = new Map<string, string>();
  return createClient(on.apiUrl, on.keys.publishableKey, {
    realtime: { transport: WebSocket as never },
    auth: {
      flowType: 'pkce', persistSession: true, autoRefreshToken: false, detectSessionInUrl: false,
      storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
    },
  });
}

async function follow(link: string): Promise<URL> {
  const response = await fetch(link, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return new URL(response.headers.get('location')!);
}

describe('password recovery', () => {
  it('implicit: the link signs the user in (type=recovery), the new password works, the link works once', async () => {
    const { email } = await confirmedUser();
    const { error } = await stack.client().auth.resetPasswordForEmail(email, { redirectTo: 'http://127.0.0.1:3000/reset' });
    expect(error).toBeNull();
    const mail = await waitForMail(stack.inboxUrl!, email);
    expect(mail.subject).toBe('Reset your Mr.Prompt password');
    const landed = await follow(verifyLink(mail));
    expect(landed.origin + landed.pathname).toBe('http://127.0.0.1:3000/reset');
    const fragment = new URLSearchParams(landed.hash.slice(1));
    expect(fragment.get('type')).toBe('recovery');
    const client = stack.client();
    await client.auth.setSession({ access_token: fragment.get('access_token')!, refresh_token: fragment.get('refresh_token')! });
    expect((await client.auth.updateUser({ password: 'brand-new-pass-7' })).error).toBeNull();
    expect((await stack.client().auth.signInWithPassword({ email, password: 'brand-new-pass-7' })).error).toBeNull();

    const again = new URLSearchParams((await follow(verifyLink(mail))).hash.slice(1));
    expect(again.get('error_code')).toBe('otp_expired');
    expect(again.get('error_description')).toBe('Email link is invalid or has expired');
  });

  it('PKCE: the link redirects with ?code= and exchangeCodeForSession gives a recovery session', async () => {
    const { email, id } = await confirmedUser();
    const client = pkceClient();
    expect((await client.auth.resetPasswordForEmail(email, { redirectTo: 'http://127.0.0.1:3000/auth/callback' })).error).toBeNull();
    const link = verifyLink(await waitForMail(stack.inboxUrl!, email));
    expect(new URL(link).searchParams.get('token')).toMatch(/^pkce_/);
    const code = (await follow(link)).searchParams.get('code');
    expect(code).toBeTruthy();
    const { data, error } = await client.auth.exchangeCodeForSession(code!);
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
    expect((data as { redirectType?: string }).redirectType).toBe('recovery');
    const claims = JSON.parse(Buffer.from(data.session!.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.amr.map((a: { method: string }) => a.method)).toEqual(['recovery']);
    // The code works once.
    const replay = await pkceClient().auth.exchangeCodeForSession(code!);
    expect(replay.error).not.toBeNull();
  });

  it('PKCE: the token hash of the mail verifies in another client, with no code verifier, once; a newer mail replaces it', async () => {
    // What the app's /auth/confirm does with {{ .TokenHash }} (GoTrue verify.go verifyTokenHash:
    // the stored hash, pkce_ prefix included; mail.go keeps one recovery token per person).
    const { email, id } = await confirmedUser();
    const tokenHashOf = (mail: { text: string }) => /Token hash: (\S+)/.exec(mail.text)![1]!;
    const asking = pkceClient();
    expect((await asking.auth.resetPasswordForEmail(email, { redirectTo: 'http://127.0.0.1:3000/auth/callback' })).error).toBeNull();
    const first = tokenHashOf(await waitForMail(stack.inboxUrl!, email));
    expect(first).toMatch(/^pkce_[0-9a-f]{56}$/);
    // Asked again once max_frequency (a mail a second per person) lets it through.
    for (let tries = 0; ; tries++) {
      const { error } = await asking.auth.resetPasswordForEmail(email, { redirectTo: 'http://127.0.0.1:3000/auth/callback' });
      if (!error) break;
      expect([error.code, tries < 20]).toEqual(['over_email_send_rate_limit', true]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const newest = tokenHashOf(await waitForMail(stack.inboxUrl!, email, 2));
    expect(newest).not.toBe(first);

    const replaced = await pkceClient().auth.verifyOtp({ token_hash: first, type: 'recovery' });
    expect([replaced.error?.status, replaced.error?.code, replaced.error?.message]).toEqual([403, 'otp_expired', 'Email link is invalid or has expired']);
    const elsewhere = pkceClient();
    const { data, error } = await elsewhere.auth.verifyOtp({ token_hash: newest, type: 'recovery' });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
    const claims = JSON.parse(Buffer.from(data.session!.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.amr.map((a: { method: string }) => a.method)).toEqual(['otp']);
    expect((await pkceClient().auth.verifyOtp({ token_hash: newest, type: 'recovery' })).error?.code).toBe('otp_expired');
  });

  it('verifyOtp with the mailed code; a code works once and a wrong one is refused', async () => {
    const { email } = await confirmedUser();
    await stack.client().auth.resetPasswordForEmail(email);
    const code = mailCode(await waitForMail(stack.inboxUrl!, email));
    const wrong = await stack.client().auth.verifyOtp({ email, token: code === '000000' ? '111111' : '000000', type: 'recovery' });
    expect(wrong.error?.code).toBe('otp_expired');
    expect(wrong.error?.message).toBe('Token has expired or is invalid');
    const { data, error } = await stack.client().auth.verifyOtp({ email, token: code, type: 'recovery' });
    expect(error).toBeNull();
    expect(data.session?.access_token).toBeTruthy();
    expect((await stack.client().auth.verifyOtp({ email, token: code, type: 'recovery' })).error?.code).toBe('otp_expired');
  });

  it('an expired code is refused (otp_expiry)', async () => {
    const { email, id } = await confirmedUser();
    await stack.client().auth.resetPasswordForEmail(email);
    const code = mailCode(await waitForMail(stack.inboxUrl!, email));
    await stack.db.sql`update auth.users set recovery_sent_at = now() - interval '3601 seconds' where id = ${id}`;
    expect((await stack.client().auth.verifyOtp({ email, token: code, type: 'recovery' })).error?.code).toBe('otp_expired');
  });

  it('answers an unknown address exactly like a known one, and sends nothing', async () => {
    const known = (await confirmedUser()).email;
    const unknown = testEmail('nobody');
    const call = (email: string) => fetch(`${stack.apiUrl}/auth/v1/recover`, {
      method: 'POST', headers: { apikey: stack.keys.publishableKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ email }),
    });
    const [a, b] = [await call(known), await call(unknown)];
    expect([a.status, await a.text()]).toEqual([b.status, await b.text()]);
    await waitForMail(stack.inboxUrl!, known);
    expect(await listMail(stack.inboxUrl!, unknown)).toHaveLength(0);
  });
});

describe('magic links and email OTP', () => {
  it('signInWithOtp mails a magic link; verifyOtp with its token_hash signs in', async () => {
    const { email, id } = await confirmedUser();
    expect((await stack.client().auth.signInWithOtp({ email, options: { shouldCreateUser: false } })).error).toBeNull();
    const mail = await waitForMail(stack.inboxUrl!, email);
    expect(mail.subject).toBe('Your Mr.Prompt sign-in link');
    const tokenHash = new URL(verifyLink(mail)).searchParams.get('token')!;
    const { data, error } = await stack.client().auth.verifyOtp({ token_hash: tokenHash, type: 'magiclink' });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
  });

  it('type "email" accepts the code of a magic link mail', async () => {
    const { email } = await confirmedUser();
    await stack.client().auth.signInWithOtp({ email });
    const code = mailCode(await waitForMail(stack.inboxUrl!, email));
    const { data, error } = await stack.client().auth.verifyOtp({ email, token: code, type: 'email' });
    expect(error).toBeNull();
    expect(data.session).toBeTruthy();
  });

  it('creates the account of a new address; with shouldCreateUser false an unknown address gets no mail and no error', async () => {
    const fresh = testEmail('otp-new');
    expect((await stack.client().auth.signInWithOtp({ email: fresh })).error).toBeNull();
    const code = mailCode(await waitForMail(stack.inboxUrl!, fresh));
    expect((await stack.client().auth.verifyOtp({ email: fresh, token: code, type: 'email' })).data.user?.email).toBe(fresh);

    const unknown = testEmail('otp-unknown');
    expect((await stack.client().auth.signInWithOtp({ email: unknown, options: { shouldCreateUser: false } })).error).toBeNull();
    expect(await listMail(stack.inboxUrl!, unknown)).toHaveLength(0);
  });
});

describe('[auth.email] enable_confirmations = true', () => {
  it('signUp mails a confirmation, sign-in waits for it, resend replaces the code, verifyOtp confirms', async () => {
    const email = testEmail('confirm');
    const signUp = await confirming.client().auth.signUp({ email, password: TEST_PASSWORD });
    expect(signUp.error).toBeNull();
    expect(signUp.data.session).toBeNull();
    const first = await waitForMail(confirming.inboxUrl!, email);
    expect(first.subject).toBe('Confirm your Mr.Prompt account');
    const early = await confirming.client().auth.signInWithPassword({ email, password: TEST_PASSWORD });
    expect(early.error?.code).toBe('email_not_confirmed');

    await new Promise((resolve) => setTimeout(resolve, 1100)); // max_frequency = 1s
    expect((await confirming.client().auth.resend({ type: 'signup', email })).error).toBeNull();
    const second = await waitForMail(confirming.inboxUrl!, email, 2);
    expect((await confirming.client().auth.verifyOtp({ email, token: mailCode(first), type: 'signup' })).error?.code).toBe('otp_expired');
    const { data, error } = await confirming.client().auth.verifyOtp({ email, token: mailCode(second), type: 'signup' });
    expect(error).toBeNull();
    expect(data.user?.email_confirmed_at).toBeTruthy();
    expect(data.user?.user_metadata.email_verified).toBe(true);
    expect((await confirming.client().auth.signInWithPassword({ email, password: TEST_PASSWORD })).error).toBeNull();
  });

  it('a second signUp for a taken address looks like the first and reveals nothing', async () => {
    const { email } = await confirmedUser(confirming);
    const { data, error } = await confirming.client().auth.signUp({ email, password: TEST_PASSWORD });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user?.identities).toEqual([]);
  });
});

describe('email change (double_confirm_changes) and reauthentication', () => {
  it('needs both the current and the new address to confirm', async () => {
    const { email } = await confirmedUser();
    const client = stack.client();
    await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    const next = testEmail('next');
    const { data, error } = await client.auth.updateUser({ email: next });
    expect(error).toBeNull();
    expect(data.user?.new_email).toBe(next);
    expect(data.user?.email).toBe(email);
    const toNew = await waitForMail(stack.inboxUrl!, next);
    const toCurrent = await waitForMail(stack.inboxUrl!, email);
    expect(toNew.subject).toBe('Confirm your new Mr.Prompt email');

    const half = new URL((await follow(verifyLink(toCurrent))).toString());
    expect(new URLSearchParams(half.hash.slice(1)).get('message')).toMatch(/Confirmation link accepted/);
    expect((await stack.admin().auth.admin.listUsers()).data.users.find((u) => u.email === email)).toBeTruthy();
    const { data: done, error: doneError } = await stack.client().auth.verifyOtp({ email: next, token: mailCode(toNew), type: 'email_change' });
    expect(doneError).toBeNull();
    expect(done.user?.email).toBe(next);
    expect((await stack.client().auth.signInWithPassword({ email: next, password: TEST_PASSWORD })).error).toBeNull();
  });

  // GoTrue emailChangeVerify (internal/api/verify.go) and User.ConfirmEmailChange
  // (internal/models/user.go): the confirmed change moves the `email` identity too, verified.
  it('the email identity takes the new address, verified, once both halves are confirmed', async () => {
    const { email, id } = await confirmedUser();
    const client = stack.client();
    await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    const next = testEmail('identity-next');
    expect((await client.auth.updateUser({ email: next })).error).toBeNull();
    const identityOf = async () => (await client.auth.getUser()).data.user?.identities;
    expect((await identityOf())?.[0]?.identity_data).toEqual({ sub: id, email, email_verified: false, phone_verified: false });

    await follow(verifyLink(await waitForMail(stack.inboxUrl!, email)));
    expect((await identityOf())?.[0]?.identity_data).toMatchObject({ email });
    await follow(verifyLink(await waitForMail(stack.inboxUrl!, next)));

    const identities = await identityOf();
    expect(identities).toHaveLength(1);
    expect(identities?.[0]).toMatchObject({ id, user_id: id, provider: 'email', email: next, identity_data: { sub: id, email: next, email_verified: true, phone_verified: false } });
    const rows = await stack.db.sql`select provider_id, email, identity_data from auth.identities where user_id = ${id}`;
    expect(rows).toEqual([{ provider_id: id, email: next, identity_data: { sub: id, email: next, email_verified: true, phone_verified: false } }]);
    expect((await client.auth.getUser()).data.user?.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
  });

  it('a confirmed change confirms an unconfirmed account, as GoTrue Confirm() does (email_verified in user_metadata)', async () => {
    const { email, id } = await confirmedUser();
    const client = stack.client();
    await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    await stack.db.sql`update auth.users set email_confirmed_at = null, raw_user_meta_data = '{"team": "x"}' where id = ${id}`;
    const next = testEmail('unconfirmed-next');
    expect((await client.auth.updateUser({ email: next })).error).toBeNull();
    await follow(verifyLink(await waitForMail(stack.inboxUrl!, email)));
    await follow(verifyLink(await waitForMail(stack.inboxUrl!, next)));
    const { data } = await client.auth.getUser();
    expect(data.user?.email).toBe(next);
    expect(data.user?.email_confirmed_at).toBeTruthy();
    expect(data.user?.user_metadata).toEqual({ team: 'x', email_verified: true });
  });

  it('refuses an address another account uses', async () => {
    const { email } = await confirmedUser();
    const other = await confirmedUser();
    const client = stack.client();
    await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
    expect((await client.auth.updateUser({ email: other.email })).error?.code).toBe('email_exists');
  });

  it('secure_password_change: an old session needs the mailed nonce to set a password', async () => {
    const secure = await startTestStack({ functionsDir: NO_FUNCTIONS, auth: { email: { secure_password_change: true } } });
    try {
      const { email } = await confirmedUser(secure);
      const client = secure.client();
      const { data } = await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
      await secure.db.sql`update auth.sessions set created_at = now() - interval '25 hours' where user_id = ${data.user!.id}`;
      const refused = await client.auth.updateUser({ password: 'another-pass-9' });
      expect(refused.error?.code).toBe('reauthentication_needed');
      expect((await client.auth.reauthenticate()).error).toBeNull();
      const nonce = mailCode(await waitForMail(secure.inboxUrl!, email));
      expect((await client.auth.updateUser({ password: 'another-pass-9', nonce: '000000' === nonce ? '111111' : '000000' })).error?.code).toBe('reauthentication_not_valid');
      expect((await client.auth.updateUser({ password: 'another-pass-9', nonce })).error).toBeNull();
      expect((await client.auth.updateUser({ password: 'third-pass-10', nonce })).error?.code).toBe('reauthentication_not_valid');
    } finally {
      await secure.stop();
    }
  });
});

describe('mail limits ([auth.rate_limit] email_sent)', () => {
  it('limits mails per recipient, counting unknown addresses the same way', async () => {
    const limited = await startTestStack({ functionsDir: NO_FUNCTIONS, auth: { rate_limit: { email_sent: 2 }, email: { max_frequency: 0 } } });
    try {
      const { email } = await confirmedUser(limited);
      const unknown = testEmail('ghost');
      for (const address of [email, unknown]) {
        for (let i = 0; i < 2; i++) expect((await limited.client().auth.resetPasswordForEmail(address)).error).toBeNull();
        const third = await limited.client().auth.resetPasswordForEmail(address);
        expect(third.error?.status).toBe(429);
        expect(third.error?.code).toBe('over_email_send_rate_limit');
      }
      expect(await listMail(limited.inboxUrl!, email)).toHaveLength(2);
      // Per client address: 5 × email_sent, whatever the recipients.
      const results = [];
      for (let i = 0; i < 8; i++) results.push((await limited.client().auth.resetPasswordForEmail(testEmail('spray'))).error?.status ?? 200);
      expect(results).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await limited.stop();
    }
  });
});
