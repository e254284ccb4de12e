-- api_keys: keys a user gives other apps to use Mr.Prompt's API in their name.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: scripts and services fetch prompts (`prompts:read`) or chat through the gateway
-- (`chat`) without a user's session. A key is `mrp_` + 32 random bytes (base64url), shown
-- once; only its SHA-256 is stored. A fast hash is enough because the key has 256 bits of
-- entropy (nothing to brute-force, unlike a password) and it lets a request find its key
-- by an indexed equality lookup, with no per-request cost a slow hash would add. `prefix`
-- (the first 12 characters) lets the owner recognise a key in a list.
-- Keys are created only through private.create_api_key (the API calls it as the owner with
-- the verified user id), so nobody can plant a key of their choosing through the Data API;
-- revoking deletes the row, and the next request with that key is refused.
create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 100),
  prefix text not null check (prefix ~ '^mrp_[A-Za-z0-9_-]{8}$'),
  key_hash bytea not null unique check (octet_length(key_hash) = 32),
  scopes text[] not null check (cardinality(scopes) between 1 and 2 and scopes <@ array['prompts:read', 'chat']),
  expires_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz not null default now()
);

comment on column public.api_keys.key_hash is 'SHA-256 of the whole key; the key itself is never stored.';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- unique (key_hash) serves the lookup on every request; this covers the owner's list and
-- the user foreign key.
create index api_keys_user_id_created_at_idx on public.api_keys (user_id, created_at desc);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.api_keys enable row level security;

create policy "api_keys: users can list their own keys"
  on public.api_keys for select to authenticated
  using (user_id = (select auth.uid()));

-- A request authenticated with an API key carries an `api_key_id` claim; such a request may
-- not revoke keys (only a signed-in session manages them).
create policy "api_keys: users can revoke their own keys from a session"
  on public.api_keys for delete to authenticated
  using (user_id = (select auth.uid()) and ((select auth.jwt()) ->> 'api_key_id') is null);

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Stores a new key for a user. Called by the API as the owner with the user id it verified
-- from a session JWT; never granted to the API roles.
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
begin
  if p_user_id is null then
    raise exception 'create_api_key: user id is required' using errcode = '22004';
  end if;
  return query
    insert into public.api_keys as k (user_id, name, prefix, key_hash, scopes, expires_at)
    values (p_user_id, btrim(p_name), p_prefix, p_key_hash, p_scopes, p_expires_at)
    returning k.id, k.name, k.prefix, k.scopes, k.expires_at, k.last_used_at, k.created_at;
end;
$$;

-- Finds the live key with this hash (not expired, its user neither deleted nor banned) and
-- marks it used (at most once a minute, so busy keys do not write on every request).
-- Called by the API as the owner before it knows who is calling.
create or replace function private.authenticate_api_key(p_key_hash bytea)
returns table (key_id uuid, user_id uuid, email text, scopes text[])
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_key public.api_keys%rowtype;
  v_email text;
begin
  select k.* into v_key
    from public.api_keys k
    join auth.users u on u.id = k.user_id
   where k.key_hash = p_key_hash
     and (k.expires_at is null or k.expires_at > now())
     and u.deleted_at is null
     and (u.banned_until is null or u.banned_until <= now());
  if not found then
    return;
  end if;
  select u.email into v_email from auth.users u where u.id = v_key.user_id;
  if v_key.last_used_at is null or v_key.last_used_at < now() - interval '1 minute' then
    update public.api_keys set last_used_at = now() where id = v_key.id;
  end if;
  return query select v_key.id, v_key.user_id, v_email::text, v_key.scopes;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.

-- Users list (never the hash) and revoke their keys; creating goes through the function.
revoke all on public.api_keys from anon, authenticated, service_role;
grant select (id, user_id, name, prefix, scopes, expires_at, last_used_at, created_at) on public.api_keys to authenticated;
grant delete on public.api_keys to authenticated;
grant select, insert, update, delete on public.api_keys to service_role;

revoke all on function private.create_api_key(uuid, text, text, bytea, text[], timestamptz) from public, anon, authenticated, service_role;
revoke all on function private.authenticate_api_key(bytea) from public, anon, authenticated, service_role;
