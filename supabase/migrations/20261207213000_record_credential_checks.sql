-- api_credentials: what the provider last said of the stored key (QA4 #1). A key the provider
-- refuses used to be saved as "Saved." and shown as "Ready" on the chat's welcome; the API now
-- checks a key as it is saved (the web's save action calls the verify route, which takes one
-- of the user's provider-key checks, lib/key-checks.ts) and records the outcome here, so
-- Settings and the welcome say "Key refused" until the key is replaced or verified again.

-- ============================================================================
-- TABLE
-- ============================================================================

alter table public.api_credentials
  add column check_status text check (check_status in ('ok', 'invalid', 'unverified', 'unreachable')),
  add column checked_at timestamptz;

comment on column public.api_credentials.check_status is
  'The last check of this key against its provider (verify, a models list): ok, invalid (refused), unverified (no list to check with), unreachable; null: not checked since it was saved.';
comment on column public.api_credentials.checked_at is 'When check_status was recorded.';

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261130225125_restrict_api_credentials_writes.sql, plus: a key saved again has not
-- been checked yet, so its predecessor's check is forgotten.
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
      set encrypted_key = excluded.encrypted_key, key_hint = excluded.key_hint, base_url = excluded.base_url,
          check_status = null, checked_at = null
    returning c.provider, c.key_hint, c.base_url, c.last_used_at, c.created_at, c.updated_at;
end;
$$;

-- Records a check of the key whose ciphertext was checked: a key replaced meanwhile keeps its
-- own (unchecked) state. Called by the API as the owner; the API roles cannot write keys.
create or replace function private.record_credential_check(
  p_user_id uuid,
  p_provider text,
  p_encrypted_key text,
  p_status text
)
returns void
language sql
volatile
set search_path = ''
as $$
  update public.api_credentials
     set check_status = p_status, checked_at = now()
   where user_id = p_user_id and provider = p_provider and encrypted_key = p_encrypted_key
     and check_status is distinct from p_status;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

grant select (check_status, checked_at) on public.api_credentials to authenticated;
revoke all on function private.store_credential(uuid, text, text, text, text) from public, anon, authenticated, service_role;
revoke all on function private.record_credential_check(uuid, text, text, text) from public, anon, authenticated, service_role;
