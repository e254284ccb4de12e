-- An account's default name no longer gives away its email address.
--
-- private.handle_new_user (20261122140200_create_profiles.sql) named an account after its
-- address's local part when sign-up sent no name, and the web app's sign-up sent none. Everyone
-- in a group chat sees each person's name (its People list, message authors, presence, usage),
-- so "vic.smith.1987" reached people from whom 20261203151000_hide_participant_emails_from_members.sql
-- and 20261208170000_stop_invitations_confirming_hidden_addresses.sql hide the address itself.
--
-- New accounts: the name comes from sign-up's metadata (the web app's sign-up form now asks for
-- it; an OAuth provider's full_name or name still counts), else a neutral "User 4f2a" from the
-- account's id. A provider "name" that is just the address is skipped, since some identity
-- providers fill it in that way. preferred_username and user_name are not read: some identity
-- providers set them to the address too.
--
-- Existing accounts: a name that is exactly what the old trigger made from the address (no name
-- in the metadata, and the local part of the current address or of the one the account signed
-- up with, or the whole address) becomes the neutral name. updated_at cannot tell whether the person kept it, since any
-- change to the profile (a preference, custom instructions) moves it. So a person who chose
-- their own local part as their name gets the neutral one too. They can set it again in
-- Settings, and this is better than leaving everyone else's address in view. A name in another
-- letter case, or with anything added, was typed by its owner and stays.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: one neutral name for the trigger and for the reset below. The last four hex digits of the
-- id are random whichever version of uuid Auth uses, so two people in one chat rarely share one.
create or replace function private.neutral_display_name(p_user_id uuid)
returns text
language sql
immutable
set search_path = ''
as $$
  select 'User ' || right(p_user_id::text, 4)
$$;

revoke all on function private.neutral_display_name(uuid) from public, anon, authenticated, service_role;

-- Why: the name sign-up gave (sign-up form, OAuth profile), or null. It is shared so the reset
-- knows which accounts the old trigger named after their address.
create or replace function private.sign_up_display_name(p_metadata jsonb, p_email text)
returns text
language sql
immutable
set search_path = ''
as $$
  select left(name, 100)
  from (
    select nullif(btrim(coalesce(
      nullif(btrim(p_metadata ->> 'display_name'), ''),
      nullif(btrim(p_metadata ->> 'full_name'), ''),
      nullif(btrim(p_metadata ->> 'name'), '')
    )), '') as name
  ) given
  where name is not null and lower(name) is distinct from lower(p_email)
$$;

revoke all on function private.sign_up_display_name(jsonb, text) from public, anon, authenticated, service_role;

-- Why security definer: GoTrue's role inserts into auth.users and must not need any grant on
-- public.profiles. The name is never made from the address: members of a chat see it.
create or replace function private.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, display_name)
  values (new.id, coalesce(
    private.sign_up_display_name(new.raw_user_meta_data, new.email),
    private.neutral_display_name(new.id)
  ))
  on conflict (id) do nothing;
  return new;
end;
$$;

revoke all on function private.handle_new_user() from public, anon, authenticated, service_role;

-- ============================================================================
-- DATA
-- ============================================================================

-- The old trigger's name from an address was left(btrim(split_part(email, '@', 1)), 100), or the
-- whole address where an OAuth provider gave it as the name. The account's sign-up address is in
-- its user_metadata (Auth copies the email identity's claims there), which catches names made
-- before a change of address.
update public.profiles p
set display_name = private.neutral_display_name(p.id)
from auth.users u
where u.id = p.id
  and private.sign_up_display_name(u.raw_user_meta_data, u.email) is null
  and p.display_name in (
    left(btrim(split_part(u.email, '@', 1)), 100),
    left(btrim(split_part(u.raw_user_meta_data ->> 'email', '@', 1)), 100),
    left(btrim(u.email), 100)
  );
