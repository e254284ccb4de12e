-- The private schema: state and helpers the API roles (anon, authenticated, service_role)
-- must never reach. Only the connection owner (postgres) uses it, and trigger functions
-- defined here run without the caller needing any privilege on the schema.

-- ============================================================================
-- SCHEMA
-- ============================================================================

-- Why a separate schema: everything in public is exposed by PostgREST on hosted Supabase
-- and granted to the API roles by default privileges; nothing here should be.
create schema if not exists private;

revoke all on schema private from public, anon, authenticated, service_role;
alter default privileges in schema private revoke execute on functions from public;
alter default privileges in schema private revoke all on tables from public;

-- ============================================================================
-- TABLE
-- ============================================================================

-- Token buckets for per-user rate limits (chat requests, key verification, ...). One row per
-- (user, bucket); tokens refill continuously, so a row is only ever touched under its lock.
create table private.rate_limit_buckets (
  user_id uuid not null references auth.users (id) on delete cascade,
  bucket text not null check (bucket ~ '^[a-z][a-z0-9_:.-]{0,63}$'),
  tokens double precision not null check (tokens >= 0),
  refilled_at timestamptz not null default clock_timestamp(),
  primary key (user_id, bucket)
);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- No policies: with RLS on and no grants, only the owner (postgres) can touch the rows.
alter table private.rate_limit_buckets enable row level security;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Keeps updated_at honest on every table without trusting the client's value.
create or replace function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

-- Atomically takes p_cost tokens from a user's bucket, refilling it first for the time that
-- passed. Called by the API as the connection owner, outside the caller's role. The row lock
-- (insert ... on conflict, then select ... for update) serialises concurrent requests of one
-- user, so two requests can never both spend the last token.
create or replace function private.consume_rate_limit(
  p_user_id uuid,
  p_bucket text,
  p_capacity int,
  p_refill_per_second double precision,
  p_cost int default 1
)
returns table (allowed boolean, retry_after_seconds int)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_tokens double precision;
  v_refilled_at timestamptz;
begin
  if p_user_id is null or p_bucket is null then
    raise exception 'consume_rate_limit: user id and bucket are required' using errcode = '22004';
  end if;
  if p_capacity is null or p_capacity < 1
     or p_refill_per_second is null or p_refill_per_second <= 0
     or p_cost is null or p_cost < 1 or p_cost > p_capacity then
    raise exception 'consume_rate_limit: need capacity >= 1, refill > 0 and 1 <= cost <= capacity'
      using errcode = '22023';
  end if;

  insert into private.rate_limit_buckets (user_id, bucket, tokens, refilled_at)
  values (p_user_id, p_bucket, p_capacity, v_now)
  on conflict (user_id, bucket) do nothing;

  select b.tokens, b.refilled_at
    into v_tokens, v_refilled_at
    from private.rate_limit_buckets b
   where b.user_id = p_user_id and b.bucket = p_bucket
     for update;

  v_tokens := least(
    p_capacity::double precision,
    v_tokens + greatest(0, extract(epoch from (v_now - v_refilled_at))) * p_refill_per_second
  );

  if v_tokens >= p_cost then
    allowed := true;
    retry_after_seconds := 0;
    v_tokens := v_tokens - p_cost;
  else
    allowed := false;
    retry_after_seconds := greatest(1, ceil((p_cost - v_tokens) / p_refill_per_second)::int);
  end if;

  update private.rate_limit_buckets b
     set tokens = v_tokens, refilled_at = v_now
   where b.user_id = p_user_id and b.bucket = p_bucket;

  return next;
end;
$$;

-- The one privileged read the API makes: the ciphertext of the caller's key for one
-- provider, so it can decrypt and call the provider. The API roles cannot select
-- public.api_credentials.encrypted_key, so this runs as the connection owner (postgres,
-- outside `set local role`) and filters by the user id the API verified from the JWT.
-- plpgsql because the table it reads is created by a later migration.
create or replace function private.read_credential_ciphertext(p_user_id uuid, p_provider text)
returns table (encrypted_key text, base_url text)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query
    select c.encrypted_key, c.base_url
      from public.api_credentials c
     where c.user_id = p_user_id and c.provider = p_provider;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Functions are executable by PUBLIC by default; here only their owner may run them.
revoke all on all functions in schema private from public, anon, authenticated, service_role;
revoke all on all tables in schema private from public, anon, authenticated, service_role;
