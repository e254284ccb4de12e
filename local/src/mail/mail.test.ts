// The local mail catcher (issue 13, item 1): auth emails rendered from the project's own
// templates (config.toml [auth.email.template.*] content_path, Go template fields), caught in
// memory, and shown on the inbox page and the JSON API that `npm start` prints.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_NOTIFICATIONS, EMAIL_TEMPLATES, loadProjectConfig } from '../config.ts';
import { startInboxServer, type InboxServer } from './inbox-server.ts';
import { Mailbox } from './mailbox.ts';
import { EmailTemplates, renderTemplate } from './templates.ts';

/** A temporary config.toml: the minimal project plus `extra`. */
function configWith(extra: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mrprompt-config-')), 'config.toml');
  fs.writeFileSync(file, `project_id = "t"\n\n${extra}`);
  return file;
}

describe('templates', () => {
  const project = loadProjectConfig().auth.email;
  const templates = new EmailTemplates({ ...project.template, ...project.notification });
  const data = {
    Email: 'ada@example.com', Token: '123456', TokenHash: 'pkce_0a1b2c', SiteURL: 'http://127.0.0.1:3000',
    ConfirmationURL: 'http://127.0.0.1:54321/auth/v1/verify?token=pkce_0a1b2c&type=recovery',
  };

  it("renders every auth email from the project's files in supabase/templates, with its subject", () => {
    for (const name of EMAIL_TEMPLATES) {
      const { subject, html } = templates.render(name, data);
      expect(subject.length, name).toBeGreaterThan(3);
      expect(html, name).toContain('Mr.Prompt auth email');
      expect(html, name).not.toMatch(/\{\{/);
    }
    const recovery = templates.render('recovery', data);
    expect(recovery.subject).toMatch(/password/i);
    // Every link goes to the web app's /auth/confirm with the token hash (usable in any browser),
    // never to Auth's /verify, which a mail scanner's fetch would use up.
    expect(recovery.html).toContain('href="http://127.0.0.1:3000/auth/confirm?token_hash=pkce_0a1b2c&amp;type=recovery&amp;next=/reset-password"');
    const links = { confirmation: 'email', magic_link: 'email', recovery: 'recovery', invite: 'invite', email_change: 'email_change' } as const;
    for (const [name, type] of Object.entries(links)) {
      const { html } = templates.render(name as keyof typeof links, data);
      expect(html, name).toContain(`href="http://127.0.0.1:3000/auth/confirm?token_hash=pkce_0a1b2c&amp;type=${type}&amp;next=/`);
      expect(html, name).not.toContain('/auth/v1/verify');
    }
  });

  it("renders the account-change notices config.toml enables from supabase/templates, with the factor's type", () => {
    for (const name of EMAIL_NOTIFICATIONS) {
      expect(project.notification[name]?.enabled, name).toBe(true);
      const { subject, html } = templates.render(name, { ...data, FactorType: 'totp' });
      expect(subject, name).toContain('Mr.Prompt');
      expect(html, name).toContain(`Mr.Prompt auth email (${name} notification)`);
      expect(html, name).toContain('ada@example.com');
      expect(html, name).not.toMatch(/\{\{/);
    }
    expect(templates.render('mfa_factor_enrolled', { ...data, FactorType: 'totp' }).html).toContain('An authenticator app (totp) was added');
    // Without a content_path, GoTrue's own defaults (internal/mailer/templatemailer).
    const stock = new EmailTemplates({}).render('mfa_factor_enrolled', { FactorType: 'totp' });
    expect(stock).toEqual({
      subject: 'A new verification method was added to your account',
      html: expect.stringContaining('<p>Sign-in verification method totp was added to your account.</p>'),
    });
  });

  it('refuses an [auth.email.notification] it does not send, rather than ignoring it', () => {
    expect(() => loadProjectConfig(configWith('[auth.email.notification.identity_linked]\nenabled = true\n'))).toThrow(/identity_linked/);
  });

  it('escapes what it substitutes, renders unknown fields empty and reads .Data keys', () => {
    expect(renderTemplate('<p>{{ .Email }}</p>', { Email: '<script>x</script>"' })).toBe('<p>&lt;script&gt;x&lt;/script&gt;&#34;</p>');
    expect(renderTemplate('[{{ .Nope }}]', {})).toBe('[]');
    expect(renderTemplate('{{ .Data.plan }}', { Data: { plan: 'pro' } })).toBe('pro');
  });
});

describe('inbox', () => {
  const mailbox = new Mailbox();
  let inbox: InboxServer;
  beforeAll(async () => { inbox = await startInboxServer(mailbox, 0); });
  afterAll(async () => { await inbox?.stop(); });

  it('lists caught mails on a page and in JSON, filters by recipient, shows one mail sandboxed, and forgets', async () => {
    const mail = mailbox.deliver({ to: 'Ada@Example.com', subject: 'Reset <your> password', html: '<p>Code <strong>654321</strong> <a href="http://x.test/?a=1&amp;b=2">go</a></p>' });
    mailbox.deliver({ to: 'bob@example.com', subject: 'Other', html: '<p>hi</p>' });

    const page = await fetch(`${inbox.url}/?to=ada@example.com`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Reset &lt;your&gt; password');
    expect(html).not.toContain('bob@example.com');

    const list = (await (await fetch(`${inbox.url}/api/v1/messages?to=ada@example.com`)).json()) as { messages: { id: string; text: string; links: string[] }[] };
    expect(list.messages).toHaveLength(1);
    expect(list.messages[0]).toMatchObject({ id: mail.id, links: ['http://x.test/?a=1&b=2'] });
    expect(list.messages[0]!.text).toContain('654321');

    const one = await (await fetch(`${inbox.url}/messages/${mail.id}`)).text();
    expect(one).toMatch(/<iframe sandbox="[^"]*"/);
    expect(one).not.toContain('allow-scripts');

    expect((await fetch(`${inbox.url}/api/v1/messages?to=ada@example.com`, { method: 'DELETE' })).status).toBe(200);
    expect(((await (await fetch(`${inbox.url}/api/v1/messages`)).json()) as { messages: unknown[] }).messages).toHaveLength(1);
    expect((await fetch(`${inbox.url}/api/v1/messages/${mail.id}`)).status).toBe(404);
  });
});
