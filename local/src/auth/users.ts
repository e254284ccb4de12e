/**
 * auth.users and auth.identities as GoTrue keeps them, and the User object auth-js expects
 * (https://github.com/supabase/auth#endpoints). Users are inserted into auth.users so the app's triggers (profiles) fire; passwords
 * are bcrypt through pgcrypto (`extensions.crypt`, cost 10, as GoTrue writes them).
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { AuthError } from './http.ts';

/** A connection or a transaction; both run tagged-template queries. */
export type Db = postgres.Sql | postgres.TransactionSql;

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  phone_confirmed_at: Date | null;
  confirmed_at: Date | null;
  confirmation_sent_at: Date | null;
  invited_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  banned_until: Date | null;
  deleted_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
  is_anonymous: boolean;
  email_change: string | null;
  email_change_sent_at: Date | null;
  recovery_sent_at: Date | null;
}

interface IdentityRow {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: Record<string, unknown>;
  provider: string;
  email: string | null;
  last_sign_in_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
}

const USER_COLUMNS = [
  'id', 'aud', 'role', 'email', 'phone', 'encrypted_password', 'email_confirmed_at', 'phone_confirmed_at',
  'confirmed_at', 'confirmation_sent_at', 'invited_at', 'last_sign_in_at', 'raw_app_meta_data',
  'raw_user_meta_data', 'banned_until', 'deleted_at', 'created_at', 'updated_at', 'is_anonymous',
  'email_change', 'email_change_sent_at', 'recovery_sent_at',
];

export async function findUserById(db: Db, id: string): Promise<UserRow | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const [row] = await db<UserRow[]>`select ${db(USER_COLUMNS)} from auth.users where id = ${id}`;
  return row ?? null;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  const [row] = await db<UserRow[]>`
    select ${db(USER_COLUMNS)} from auth.users
    where lower(email) = ${email.toLowerCase()} and is_sso_user = false`;
  return row ?? null;
}

/** True when the password matches; runs a dummy bcrypt for a missing hash so an unknown
 * email takes as long as a wrong password. The empty password never matches: GoTrue stores
 * none for it (SetPassword("") clears the hash), so a hash of '' set before it was refused
 * opens nothing. */
export async function passwordMatches(db: Db, user: UserRow | null, password: string): Promise<boolean> {
  const hash = user?.encrypted_password || '$2a$10$0000000000000000000000000000000000000000000000000000u';
  const [row] = await db<{ ok: boolean }[]>`select extensions.crypt(${password}, ${hash}) = ${hash} as ok`;
  return Boolean(row?.ok) && Boolean(user?.encrypted_password) && password !== '';
}

/**
 * GoTrue checks addresses with badoux/checkmail's ValidateFormat: an RFC 5322 local part and
 * a hostname of letter/digit labels (https://github.com/badoux/checkmail).
 */
const EMAIL_FORMAT = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** GoTrue's validateEmail: required, at most 255 characters, a valid format; lower-cased. */
export function validateEmail(value: string | undefined): string {
  if (!value) throw new AuthError(400, 'validation_failed', 'An email address is required');
  if (value.length > 255) throw new AuthError(400, 'validation_failed', 'An email address is too long');
  if (!EMAIL_FORMAT.test(value)) throw new AuthError(400, 'validation_failed', 'Unable to validate email address: invalid format');
  return value.toLowerCase();
}

export interface NewUser {
  id?: string;
  /** 'signup' copies the email identity's claims into user_metadata (GoTrue's
   * RemoveUnconfirmedIdentities); 'admin' keeps user_metadata as given. */
  source: 'signup' | 'admin' | 'invite';
  email: string;
  password: string | null;
  /** A bcrypt hash given by an admin instead of a password. */
  passwordHash?: string;
  emailConfirmed: boolean;
  userMetadata: Record<string, unknown>;
  appMetadata?: Record<string, unknown>;
  role?: string;
  bannedUntil?: Date | null;
}

/** Inserts the user and its email identity; returns the stored row. */
export async function insertUser(db: Db, user: NewUser): Promise<UserRow> {
  const id = user.id ?? randomUUID();
  const email = user.email.toLowerCase();
  const appMetadata = { provider: 'email', providers: ['email'], ...user.appMetadata };
  const claims = { sub: id, email, email_verified: false, phone_verified: false };
  // On /signup the caller's data joins the identity (never over its claims) and becomes the
  // user_metadata; Confirm() then sets email_verified there (GoTrue signup.go, user.go).
  const identityData = user.source === 'signup' ? { ...user.userMetadata, ...claims } : claims;
  const userMetadata: Record<string, unknown> = user.source === 'signup' ? { ...identityData } : { ...user.userMetadata };
  if (user.emailConfirmed) userMetadata.email_verified = true;
  await db`
    insert into auth.users (
      instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_sent_at,
      confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
      raw_app_meta_data, raw_user_meta_data, banned_until, created_at, updated_at, is_anonymous
    ) values (
      ${NIL_UUID}, ${id}, 'authenticated', ${user.role ?? 'authenticated'}, ${email},
      case
        when ${user.passwordHash ?? null}::text is not null then ${user.passwordHash ?? null}::text
        when ${user.password}::text is not null then extensions.crypt(${user.password}::text, extensions.gen_salt('bf', 10))
        else '' end,
      case when ${user.emailConfirmed} then now() end,
      case when ${user.emailConfirmed} then null else now() end,
      '', '', '', '', '',
      ${db.json(appMetadata as postgres.JSONValue)}, ${db.json(userMetadata as postgres.JSONValue)},
      ${user.bannedUntil ?? null}, now(), now(), false
    )`;
  await db`
    insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (${id}, ${id}, ${db.json(identityData as postgres.JSONValue)}, 'email', now(), now(), now())`;
  return (await findUserById(db, id))!;
}

/**
 * GoTrue's User.UpdateAppMetaDataProviders (internal/models/user.go, FindProvidersByUser in
 * internal/models/identity.go): app_metadata.providers rebuilt from the user's identities in
 * order of creation, `provider` the first of them.
 */
export async function updateAppMetadataProviders(db: Db, userId: string): Promise<void> {
  const identities = await db<{ provider: string }[]>`
    select provider from auth.identities where user_id = ${userId} order by created_at, id`;
  const providers = [...new Set(identities.map((row) => row.provider))];
  await db`
    update auth.users set raw_app_meta_data = coalesce(raw_app_meta_data, '{}'::jsonb)
      || ${db.json({ providers, ...(providers.length ? { provider: providers[0] } : {}) })}
    where id = ${userId}`;
}

/**
 * GoTrue's ensureEmailIdentityForPassword (internal/api/identity.go), which PUT /user
 * (internal/api/user.go UserUpdate) and PUT /admin/users/{id} (internal/api/admin.go
 * adminUserUpdate) call when a password is set on an account that had none (`addingFirstPassword`,
 * judged before the password is stored): an account made by an external sign-in gets the
 * `email` identity a password sign-up has — provider_id the user's id, identity_data
 * {sub, email, email_verified: true, phone_verified: false} (structs.Map of provider.Claims),
 * the address taken from users.email and only when it is confirmed (an unverified address is
 * never attached), none for SSO or anonymous users nor when one exists (a user has one email
 * identity) — and app_metadata.providers is rebuilt. GoTrue runs it behind
 * GOTRUE_EXPERIMENTAL_CREATE_EMAIL_IDENTITY_ON_PASSWORD_SET_ENABLED; here it is always on, so
 * the account reads as one with a password (the web app's hasPassword) wherever it signs in.
 */
export async function ensureEmailIdentityForPassword(db: Db, userId: string): Promise<void> {
  const [user] = await db<{ email: string | null; email_confirmed_at: Date | null; is_sso_user: boolean; is_anonymous: boolean }[]>`
    select email, email_confirmed_at, is_sso_user, is_anonymous from auth.users where id = ${userId}`;
  if (!user || user.is_sso_user || user.is_anonymous || !user.email || !user.email_confirmed_at) return;
  const [existing] = await db`select 1 from auth.identities where user_id = ${userId} and provider = 'email'`;
  if (existing) return;
  // Lower-cased as GoTrue's Identity.BeforeCreate does.
  const identityData = { sub: userId, email: user.email.toLowerCase(), email_verified: true, phone_verified: false };
  await db`
    insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (${userId}, ${userId}, ${db.json(identityData)}, 'email', now(), now(), now())`;
  await updateAppMetadataProviders(db, userId);
}

/**
 * The `email` identity when a user's address changes: an admin's PUT /admin/users/{id} with
 * `email` (adminUserUpdate, internal/api/admin.go) and the confirmed end of a PUT /user email
 * change (emailChangeVerify, internal/api/verify.go), read at
 * https://github.com/supabase/auth/blob/bc32168e13fdc928c98b449fc76bc3fdb9a293c5/internal/api/admin.go
 * (and …/internal/api/verify.go, …/internal/models/identity.go at the same commit). GoTrue
 * finds the identity by provider_id = the user's id (FindIdentityByIdAndProvider,
 * internal/models/identity.go); with none (an account an external sign-in made) it creates one
 * like a password sign-up's — {sub, email, email_verified, phone_verified: false}, structs.Map
 * of provider.Claims — else it merges {email, email_verified} into identity_data
 * (UpdateIdentityData). Neither path rebuilds app_metadata.providers, so neither does this.
 * `email_verified` is the admin's `email_confirm` (false when not given, even for an address
 * already confirmed), true for a confirmed change. The admin's update is a raw query that
 * leaves updated_at; the change confirmation's ConfirmEmailChange saves identity_data again
 * with UpdateOnly, which sets it (`touch`).
 */
export async function setEmailIdentity(db: Db, userId: string, email: string, verified: boolean, touch: boolean): Promise<void> {
  const updated = await db`
    update auth.identities set identity_data = identity_data || ${db.json({ email, email_verified: verified })}
      ${touch ? db`, updated_at = now()` : db``}
    where provider_id = ${userId} and provider = 'email' returning id`;
  if (updated.length) return;
  // Lower-cased as GoTrue's Identity.BeforeCreate does (validateEmail already has).
  const identityData = { sub: userId, email: email.toLowerCase(), email_verified: verified, phone_verified: false };
  await db`
    insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (${userId}, ${userId}, ${db.json(identityData)}, 'email', now(), now(), now())`;
}

/** A user as GoTrue serialises it: always-present fields, optional timestamps only when set. */
export async function userJson(db: Db, user: UserRow): Promise<Record<string, unknown>> {
  const identities = await db<IdentityRow[]>`
    select id, provider_id, user_id, identity_data, provider, email, last_sign_in_at, created_at, updated_at
    from auth.identities where user_id = ${user.id} order by created_at`;
  const factors = await db<{ id: string; friendly_name: string | null; factor_type: string; status: string; created_at: Date; updated_at: Date; last_challenged_at: Date | null }[]>`
    select id, friendly_name, factor_type::text, status::text, created_at, updated_at, last_challenged_at
    from auth.mfa_factors where user_id = ${user.id} order by created_at`;
  const json: Record<string, unknown> = {
    id: user.id,
    aud: user.aud ?? 'authenticated',
    role: user.role ?? 'authenticated',
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: identities.map((identity) => ({
      identity_id: identity.id,
      id: identity.provider_id,
      user_id: identity.user_id,
      identity_data: identity.identity_data,
      provider: identity.provider,
      last_sign_in_at: iso(identity.last_sign_in_at),
      created_at: iso(identity.created_at),
      updated_at: iso(identity.updated_at),
      email: identity.email ?? undefined,
    })),
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    is_anonymous: user.is_anonymous,
  };
  // GoTrue lists factors only when there are some (`factors,omitempty`).
  if (factors.length) {
    json.factors = factors.map((f) => ({
      id: f.id, friendly_name: f.friendly_name ?? '', factor_type: f.factor_type, status: f.status,
      created_at: iso(f.created_at), updated_at: iso(f.updated_at), last_challenged_at: iso(f.last_challenged_at),
    }));
  }
  const optional: [string, Date | null][] = [
    ['email_confirmed_at', user.email_confirmed_at], ['phone_confirmed_at', user.phone_confirmed_at],
    ['confirmed_at', user.confirmed_at], ['confirmation_sent_at', user.confirmation_sent_at],
    ['invited_at', user.invited_at], ['last_sign_in_at', user.last_sign_in_at],
    ['banned_until', user.banned_until], ['deleted_at', user.deleted_at],
    ['recovery_sent_at', user.recovery_sent_at], ['email_change_sent_at', user.email_change_sent_at],
  ];
  if (user.email_change) json.new_email = user.email_change;
  for (const [key, value] of optional) if (value) json[key] = iso(value);
  return json;
}

export function iso(value: Date | null): string | undefined {
  return value ? value.toISOString() : undefined;
}

/** GoTrue merges metadata updates key by key; a null value removes the key. */
export function mergeMetadata(current: Record<string, unknown> | null, updates: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export function isBanned(user: UserRow): boolean {
  return user.banned_until !== null && user.banned_until.getTime() > Date.now();
}
