/**
 * Auth email templates as the Supabase CLI configures them: [auth.email.template.<name>] and
 * [auth.email.notification.<name>] `subject` and `content_path` (relative to the project root)
 * in config.toml, written in Go
 * template syntax. The local renderer supports what GoTrue's templates use most: `{{ .Name }}`
 * fields (ConfirmationURL, Token, TokenHash, SiteURL, Email, NewEmail, RedirectTo, SendingTo,
 * FactorType)
 * and `{{ .Data.key }}`, HTML-escaped as Go's html/template escapes them. Conditionals and
 * pipelines are not supported locally; the hosted mailer runs the real Go templates.
 * Defaults are GoTrue's own (internal/mailer/templatemailer).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EmailNotificationName, EmailTemplateName } from '../config.ts';
import { ROOT } from '../paths.ts';

/** A template's name: the CLI's [auth.email.template.*] and [auth.email.notification.*] keys (they do not overlap). */
export type MailName = EmailTemplateName | EmailNotificationName;

const DEFAULT_SUBJECTS: Record<MailName, string> = {
  invite: "You've been invited",
  confirmation: 'Confirm your email address',
  recovery: 'Reset your password',
  magic_link: 'Your sign-in link',
  email_change: 'Confirm your new email address',
  reauthentication: '{{ .Token }} is your verification code',
  password_changed: 'Your password was changed',
  mfa_factor_enrolled: 'A new verification method was added to your account',
  mfa_factor_unenrolled: 'A verification method was removed from your account',
};

const DEFAULT_BODIES: Record<MailName, string> = {
  invite: `<h2>You've been invited</h2>\n<p>You've been invited to create an account. Follow the link below to accept.</p>\n<p><a href="{{ .ConfirmationURL }}">Accept invitation</a></p>`,
  confirmation: `<h2>Confirm your email address</h2>\n<p>Follow the link below to confirm this email address and finish signing up.</p>\n<p><a href="{{ .ConfirmationURL }}">Confirm email address</a></p>`,
  recovery: `<h2>Reset your password</h2>\n<p>We received a request to reset your password. Follow the link below to choose a new one.</p>\n<p><a href="{{ .ConfirmationURL }}">Reset password</a></p>\n<p>If you didn't request this, you can safely ignore this email.</p>`,
  magic_link: `<h2>Your sign-in link</h2>\n<p>Follow the link below to sign in. This link expires shortly and can only be used once.</p>\n<p><a href="{{ .ConfirmationURL }}">Sign in</a></p>`,
  email_change: `<h2>Confirm your new email address</h2>\n<p>Follow the link below to confirm {{ .NewEmail }} as your new email address.</p>\n<p><a href="{{ .ConfirmationURL }}">Confirm new email address</a></p>\n<p>If you didn't request this change, you can safely ignore this email.</p>`,
  reauthentication: `<h2>Your verification code</h2>\n<p>Use the code below to verify your identity. It expires shortly.</p>\n<p>{{ .Token }}</p>`,
  password_changed: `<h2>Your password was changed</h2>\n<p>The password for your account was recently changed.</p>\n<p>If you didn't make this change, reset your password and contact support immediately.</p>`,
  mfa_factor_enrolled: `<h2>A new verification method was added</h2>\n<p>Sign-in verification method {{ .FactorType }} was added to your account.</p>\n<p>If you didn't make this change, contact support immediately.</p>`,
  mfa_factor_unenrolled: `<h2>A verification method was removed</h2>\n<p>Sign-in verification method {{ .FactorType }} was removed from your account.</p>\n<p>If you didn't make this change, contact support immediately.</p>`,
};

export interface TemplateConfig {
  subject?: string;
  content_path?: string;
}

export type TemplateData = Record<string, string | Record<string, unknown> | undefined>;

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** Substitutes `{{ .Field }}` and `{{ .Data.key }}`; unknown fields render empty, as Go's do. */
export function renderTemplate(template: string, data: TemplateData, escape = true): string {
  return template.replace(/\{\{-?\s*\.([A-Za-z]+)(?:\.([A-Za-z0-9_]+))?\s*-?\}\}/g, (_, field: string, key?: string) => {
    const value = data[field];
    const picked = key && value && typeof value === 'object' ? value[key] : value;
    const text = picked === undefined || picked === null ? '' : typeof picked === 'string' ? picked : JSON.stringify(picked);
    return escape ? escapeHtml(text) : text;
  });
}

export class EmailTemplates {
  private readonly cache = new Map<string, string>();

  constructor(private readonly config: Partial<Record<MailName, TemplateConfig>>, private readonly root = ROOT) {}

  render(name: MailName, data: TemplateData): { subject: string; html: string } {
    const config = this.config[name] ?? {};
    const subject = renderTemplate(config.subject || DEFAULT_SUBJECTS[name], data, false);
    return { subject, html: renderTemplate(this.body(name, config), data) };
  }

  /** The content_path file, read once and cached (restart to pick up edits). */
  private body(name: MailName, config: TemplateConfig): string {
    if (!config.content_path) return DEFAULT_BODIES[name];
    const file = path.resolve(this.root, config.content_path);
    let body = this.cache.get(file);
    if (body === undefined) {
      body = fs.readFileSync(file, 'utf8');
      this.cache.set(file, body);
    }
    return body;
  }
}
