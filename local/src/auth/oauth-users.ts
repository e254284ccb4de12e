/**
 * Who an external sign-in is (GoTrue external.go createAccountFromExternalIdentity): the user
 * already linked to this provider identity; else the user with the same email, linked when
 * the provider vouches for that email (email_verified); else a new user, when sign-ups are on.
 * Each (provider, sub) is one row in auth.identities; app_metadata.providers lists them all.
 * An unconfirmed user signing in with a provider loses what someone else may have set up
 * under that address before (see removeUnconfirmedIdentities).
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { AuthConfig } from '../config.ts';
import { AuthError } from './http.ts';
import type { ProviderProfile } from './oauth-providers.ts';
import { findUserByEmail, findUserById, isBanned, NIL_UUID, updateAppMetadataProviders, type Db, type UserRow } from './users.ts';

async function addProvider(db: Db, userId: string, provider: string): Promise<void> {
  await db`
    update auth.users set raw_app_meta_data = jsonb_set(
      coalesce(raw_app_meta_data, '{}'::jsonb), '{providers}',
      (select coalesce(jsonb_agg(distinct p), '[]'::jsonb)
         from jsonb_array_elements_text(coalesce(raw_app_meta_data -> 'providers', '[]'::jsonb) || ${db.json([provider])}) as p)),
      updated_at = now()
    where id = ${userId}`;
}

/**
 * GoTrue's User.RemoveUnconfirmedIdentities (internal/models/user.go), which external.go runs
 * for a user who is not confirmed yet "to prevent pre-account takeover attacks": whoever signed
 * up with the address never proved it, so their password goes (NULL, as SetPassword("")), the
 * user_metadata becomes this identity's claims, every other identity is deleted, and
 * app_metadata.providers is rebuilt from what is left (UpdateAppMetaDataProviders: in order of
 * creation, `provider` the first).
 */
async function removeUnconfirmedIdentities(db: Db, userId: string, provider: string, sub: string, identityData: Record<string, unknown>): Promise<void> {
  await db`update auth.users set encrypted_password = null, raw_user_meta_data = ${db.json(identityData as postgres.JSONValue)}, updated_at = now()
    where id = ${userId}`;
  await db`delete from auth.identities where user_id = ${userId} and not (provider = ${provider} and provider_id = ${sub})`;
  await updateAppMetadataProviders(db, userId);
}

export async function userForExternalIdentity(db: Db, config: AuthConfig, provider: string, profile: ProviderProfile): Promise<UserRow> {
  if (!profile.sub) throw new AuthError(500, 'unexpected_failure', 'Error getting user profile from external provider');
  const identityData = { ...profile.claims, sub: profile.sub, email: profile.email ?? undefined, email_verified: profile.emailVerified, provider_id: profile.sub };
  const [linked] = await db<{ user_id: string }[]>`
    select user_id from auth.identities where provider = ${provider} and provider_id = ${profile.sub}`;
  let user: UserRow | null = linked ? await findUserById(db, linked.user_id) : null;
  if (user) {
    await db`update auth.identities set identity_data = ${db.json(identityData as postgres.JSONValue)}, last_sign_in_at = now(), updated_at = now()
      where provider = ${provider} and provider_id = ${profile.sub}`;
  } else {
    if (!profile.email) throw new AuthError(500, 'unexpected_failure', 'Error getting user email from external provider');
    user = await findUserByEmail(db, profile.email);
    if (user && !profile.emailVerified) {
      // Linking on an address the provider has not checked would hand the account to whoever typed it there.
      throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
    }
    if (!user) {
      if (!config.enable_signup) throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
      const id = randomUUID();
      await db`
        insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_token,
          recovery_token, email_change_token_new, email_change, email_change_token_current, raw_app_meta_data,
          raw_user_meta_data, created_at, updated_at, is_anonymous)
        values (${NIL_UUID}, ${id}, 'authenticated', 'authenticated', ${profile.email}, '',
          ${profile.emailVerified ? new Date() : null}, '', '', '', '', '',
          ${db.json({ provider, providers: [provider] })}, ${db.json(identityData as postgres.JSONValue)}, now(), now(), false)`;
      user = (await findUserById(db, id))!;
    }
    await db`
      insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
      values (${profile.sub}, ${user.id}, ${db.json(identityData as postgres.JSONValue)}, ${provider}, now(), now(), now())`;
    await addProvider(db, user.id, provider);
  }
  if (isBanned(user)) throw new AuthError(403, 'user_banned', 'User is banned');
  // As external.go: any unconfirmed user, before it may be confirmed by this sign-in.
  if (!user.email_confirmed_at) await removeUnconfirmedIdentities(db, user.id, provider, profile.sub, identityData);
  if (!user.email_confirmed_at && profile.emailVerified && user.email === profile.email) {
    await db`update auth.users set email_confirmed_at = now() where id = ${user.id}`;
  }
  const fresh = (await findUserById(db, user.id))!;
  if (!fresh.email_confirmed_at) throw new AuthError(422, 'email_not_confirmed', 'Email not confirmed');
  return fresh;
}
