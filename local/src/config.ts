/**
 * supabase/config.toml, read with Deno's standard TOML parser and validated with zod. The
 * local stack takes its auth settings and per-function options from here, as the CLI does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'deno-std/toml/parse.js';
import { z } from 'zod';
import { SUPABASE_DIR } from './paths.ts';

/** Go duration strings as the CLI writes them ("1s", "1m30s"), in seconds. */
const goDuration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== value) {
    ctx.addIssue({ code: 'custom', message: `not a duration: ${value}` });
    return z.NEVER;
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
});

/** The CLI's [auth.email.template.<name>] blocks; content_path is relative to the project root. */
export const EMAIL_TEMPLATES = ['invite', 'confirmation', 'recovery', 'magic_link', 'email_change', 'reauthentication'] as const;
export type EmailTemplateName = (typeof EMAIL_TEMPLATES)[number];
const emailTemplate = z.object({ subject: z.string().optional(), content_path: z.string().optional() });
/**
 * The CLI's [auth.email.notification.<name>] blocks (`enabled`, `subject`, `content_path`): GoTrue's
 * account-change notices (GOTRUE_MAILER_NOTIFICATIONS_<NAME>_ENABLED, off by default;
 * internal/conf/configuration.go NotificationsConfiguration). Local Auth sends the ones for
 * changes it makes: a new password and a second factor added or removed. GoTrue also has
 * email_changed, phone_changed, identity_linked and identity_unlinked; they are refused here
 * rather than accepted and never sent.
 */
export const EMAIL_NOTIFICATIONS = ['password_changed', 'mfa_factor_enrolled', 'mfa_factor_unenrolled'] as const;
export type EmailNotificationName = (typeof EMAIL_NOTIFICATIONS)[number];
const emailNotification = emailTemplate.extend({ enabled: z.boolean().default(false) });

/** `env(NAME)` as the CLI resolves it in config.toml: the variable's value, '' when unset. */
const envString = z.string().transform((value) => {
  const match = /^env\(([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(value.trim());
  return match ? (process.env[match[1]!] ?? '') : value;
});

/** [auth.external.<provider>] as the CLI reads it; secret may be env(NAME). */
const externalProvider = z.object({
  enabled: z.boolean().default(false),
  client_id: envString.default(''),
  secret: envString.default(''),
  redirect_uri: z.string().default(''),
  url: envString.default(''),
  skip_nonce_check: z.boolean().default(false),
  email_optional: z.boolean().default(false),
});
export type ExternalProviderConfig = z.infer<typeof externalProvider>;

const authSchema = z.object({
  enabled: z.boolean().default(true),
  site_url: z.string().default('http://localhost:3000'),
  additional_redirect_urls: z.array(z.string()).default([]),
  jwt_expiry: z.number().int().min(300).max(604800).default(3600),
  enable_refresh_token_rotation: z.boolean().default(true),
  refresh_token_reuse_interval: z.number().int().min(0).default(10),
  enable_signup: z.boolean().default(true),
  enable_anonymous_sign_ins: z.boolean().default(false),
  minimum_password_length: z.number().int().min(6).default(6),
  password_requirements: z
    .enum(['', 'letters_digits', 'lower_upper_letters_digits', 'lower_upper_letters_digits_symbols'])
    .default(''),
  rate_limit: z
    .object({
      sign_in_sign_ups: z.number().int().positive().default(30),
      /** Emails per hour, counted per recipient and per client address (see auth/mail-limit.ts). */
      email_sent: z.number().int().positive().default(2),
      token_verifications: z.number().int().positive().default(30),
    })
    .prefault({}),
  email: z
    .object({
      enable_signup: z.boolean().default(true),
      enable_confirmations: z.boolean().default(false),
      double_confirm_changes: z.boolean().default(true),
      secure_password_change: z.boolean().default(false),
      max_frequency: goDuration.default(1),
      otp_length: z.number().int().min(6).max(10).default(6),
      otp_expiry: z.number().int().min(1).max(86400).default(3600),
      template: z.partialRecord(z.enum(EMAIL_TEMPLATES), emailTemplate).default({}),
      notification: z.partialRecord(z.enum(EMAIL_NOTIFICATIONS), emailNotification).default({}),
    })
    .prefault({}),
  mfa: z
    .object({
      max_enrolled_factors: z.number().int().min(1).default(10),
      totp: z.object({ enroll_enabled: z.boolean().default(false), verify_enabled: z.boolean().default(false) }).prefault({}),
    })
    .prefault({}),
  external: z.record(z.string(), externalProvider).default({}),
});

const functionSchema = z.object({
  enabled: z.boolean().default(true),
  verify_jwt: z.boolean().default(true),
  import_map: z.string().optional(),
  entrypoint: z.string().optional(),
});

/** [storage]: the CLI's keys; file_size_limit caps every upload (buckets may set less). */
const storageSchema = z.object({
  enabled: z.boolean().default(true),
  file_size_limit: z.string().default('50MiB'),
});

const configSchema = z.object({
  project_id: z.string(),
  /** The local mail catcher (the CLI's Inbucket/Mailpit web interface port). */
  local_smtp: z.object({ enabled: z.boolean().default(true), port: z.number().int().default(54324) }).prefault({}),
  api: z.object({ port: z.number().int().default(54321) }).prefault({}),
  db: z.object({ port: z.number().int().default(54322), major_version: z.number().int().default(17) }).prefault({}),
  auth: authSchema.prefault({}),
  storage: storageSchema.prefault({}),
  functions: z.record(z.string(), functionSchema).default({}),
});

/**
 * GoTrue's GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD (Security.UpdatePasswordRequireCurrentPassword,
 * internal/conf/configuration.go): PUT /user sets a new password only with the right
 * `current_password`, except from a recovery session (internal/api/user.go UserUpdate). The
 * CLI's config.toml has no key for it (its loader refuses unknown keys: UnmarshalExact in
 * pkg/config/config.go), so the local stack reads the variable of the same name; hosted, it is
 * the Auth setting `security_update_password_require_current_password`. Undefined when unset.
 */
export const REQUIRE_CURRENT_PASSWORD_ENV = 'GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD';

export function requireCurrentPasswordFromEnv(env: NodeJS.ProcessEnv = process.env): boolean | undefined {
  const value = env[REQUIRE_CURRENT_PASSWORD_ENV];
  if (value === undefined || value === '') return undefined;
  // The spellings Go's strconv.ParseBool (GoTrue's envconfig) accepts.
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new Error(`${REQUIRE_CURRENT_PASSWORD_ENV} must be true or false (got "${value}")`);
}

type ParsedConfig = z.infer<typeof configSchema>;
export type AuthConfig = ParsedConfig['auth'] & {
  /** See REQUIRE_CURRENT_PASSWORD_ENV: not a config.toml key. GoTrue's default is off; `npm start` turns it on for Mr.Prompt. */
  security_update_password_require_current_password: boolean;
};
export type ProjectConfig = Omit<ParsedConfig, 'auth'> & { auth: AuthConfig };
export type FunctionConfig = z.infer<typeof functionSchema>;

export function loadProjectConfig(file = path.join(SUPABASE_DIR, 'config.toml')): ProjectConfig {
  const text = fs.readFileSync(file, 'utf8');
  const result = configSchema.safeParse(parse(text));
  if (!result.success) {
    throw new Error(`${file} is invalid: ${z.prettifyError(result.error)}`);
  }
  const auth = { ...result.data.auth, security_update_password_require_current_password: requireCurrentPasswordFromEnv() ?? false };
  return { ...result.data, auth };
}

/** Options for one function: its [functions.<slug>] block, or the CLI defaults. */
export function functionConfig(config: ProjectConfig, slug: string): FunctionConfig {
  return config.functions[slug] ?? functionSchema.parse({});
}
