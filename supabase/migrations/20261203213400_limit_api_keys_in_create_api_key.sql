-- API keys per user: at most 50, counted in the database. The API counted a user's keys in one
-- transaction and stored the new key in another (private.create_api_key on the owner
-- connection), so requests sent at once all saw room and together went past the limit. The
-- row quotas (private.enforce_row_quota) do not see this insert: it runs as the owner with no
-- caller's claims. So create_api_key counts under a per-user advisory lock, as the row quotas
-- do, and refuses the 51st with their error (SQLSTATE 54000), which the API answers 409.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

create or replace function private.create_api_key(
  p_user_id uuid,
  p_name text,
  p_prefix text,
  p_key_hash bytea,
  p_scopes text[],
  p_expires_at timestamptz
)
returns table (id uuid, name text, prefix text, scopes text[], expires_at timestamptz, last_used_at timestamptz, created_at timestamptz)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_limit constant int := 50;
begin
  if p_user_id is null then
    raise exception 'create_api_key: user id is required' using errcode = '22004';
  end if;
  -- Held until the transaction ends: a parallel create for the same user counts after this one's insert.
  perform pg_advisory_xact_lock(hashtextextended('api_keys:' || p_user_id::text, 0));
  if (select count(*) from public.api_keys k where k.user_id = p_user_id) >= v_limit then
    raise exception 'api_keys limit reached: at most % rows per user_id', v_limit
      using errcode = '54000', hint = 'Revoke a key you no longer use first.';
  end if;
  return query
    insert into public.api_keys as k (user_id, name, prefix, key_hash, scopes, expires_at)
    values (p_user_id, btrim(p_name), p_prefix, p_key_hash, p_scopes, p_expires_at)
    returning k.id, k.name, k.prefix, k.scopes, k.expires_at, k.last_used_at, k.created_at;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.create_api_key(uuid, text, text, bytea, text[], timestamptz) from public, anon, authenticated, service_role;
