-- api_credentials: the API roles may no longer write keys or base URLs directly. On hosted
-- Supabase the Data API (PostgREST) reaches every table in `public` with the user's own
-- token, so a direct `PATCH /rest/v1/api_credentials {"base_url":"https://evil"}` would make
-- the function send the stored key to a server of the attacker's choosing. Keys are now
-- written only through private.store_credential, which the function calls as the
-- connection owner with the verified user id, and the function binds base_url into the
-- AES-GCM associated data (`user_id|provider|base_url|key_version`), so even a row changed
-- behind its back can never receive the old key.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Ciphertexts written before base_url was bound into the associated data are marked
-- `legacy.`; the function still reads them (with the old associated data) and
-- `npm run credentials:rotate` rewrites them in the new form.
update public.api_credentials
   set encrypted_key = 'legacy.' || encrypted_key
 where encrypted_key ~ '^v[0-9]+\.';

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

drop policy if exists "api_credentials: users can add their own credentials" on public.api_credentials;

-- The update policy stays for the one column the API roles may still change (last_used_at).

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Stores (or replaces) a user's key for one provider. Called by the API as the owner with
-- the user id it verified from the JWT; never granted to the API roles.
create or replace function private.store_credential(
  p_user_id uuid,
  p_provider text,
  p_encrypted_key text,
  p_key_hint text,
  p_base_url text
)
returns table (provider text, key_hint text, base_url text, last_used_at timestamptz, created_at timestamptz, updated_at timestamptz)
language plpgsql
volatile
set search_path = ''
as $$
begin
  if p_user_id is null then
    raise exception 'store_credential: user id is required' using errcode = '22004';
  end if;
  return query
    insert into public.api_credentials as c (user_id, provider, encrypted_key, key_hint, base_url)
    values (p_user_id, p_provider, p_encrypted_key, coalesce(p_key_hint, ''), p_base_url)
    on conflict on constraint api_credentials_user_id_provider_key do update
      set encrypted_key = excluded.encrypted_key, key_hint = excluded.key_hint, base_url = excluded.base_url
    returning c.provider, c.key_hint, c.base_url, c.last_used_at, c.created_at, c.updated_at;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke insert, update on public.api_credentials from authenticated;
-- Chat marks when a key was last used; nothing else about a key may change directly.
grant update (last_used_at) on public.api_credentials to authenticated;

revoke all on function private.store_credential(uuid, text, text, text, text) from public, anon, authenticated, service_role;
