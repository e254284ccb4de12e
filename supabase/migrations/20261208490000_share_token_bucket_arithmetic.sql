-- One place for a token bucket's arithmetic.
--
-- The per-account buckets (private.consume_rate_limit) and the per-address ones
-- (private.consume_address_rate_limit) each checked their arguments, refilled the bucket for
-- the time that passed and took the cost or worked out the wait, in the same fourteen lines;
-- the API's read of a user's key checks (the function's lib/key-checks.ts) repeated the
-- refill a third time in a select list. Here it is written once: the two consume functions
-- keep only what differs between them (which table, which key, the removal of old address
-- rows) and the read calls private.refilled_tokens. Bodies are the latest ones
-- (20261122140100 and 20261208482000), changed only where they now call these.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- The tokens a bucket holds at p_now: what it held at p_refilled_at plus the refill since,
-- never above the capacity (a clock that went back adds nothing). Plain SQL so a select list
-- that calls it is inlined.
create or replace function private.refilled_tokens(
  p_tokens double precision,
  p_refilled_at timestamptz,
  p_now timestamptz,
  p_capacity int,
  p_refill_per_second double precision
)
returns double precision
language sql
immutable
set search_path = ''
as $$
  select least(
    p_capacity::double precision,
    p_tokens + greatest(0, extract(epoch from (p_now - p_refilled_at))) * p_refill_per_second
  );
$$;

-- Refuses arguments no bucket could answer for, before a row is written with them.
create or replace function private.check_token_bucket(
  p_caller text,
  p_capacity int,
  p_refill_per_second double precision,
  p_cost int
)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_capacity is null or p_capacity < 1
     or p_refill_per_second is null or p_refill_per_second <= 0
     or p_cost is null or p_cost < 1 or p_cost > p_capacity then
    raise exception '%: need capacity >= 1, refill > 0 and 1 <= cost <= capacity', p_caller
      using errcode = '22023';
  end if;
end;
$$;

-- Takes p_cost from a bucket that held p_tokens at p_refilled_at: whether it may, the whole
-- seconds to wait when not (at least 1), and what the bucket holds at p_now afterwards.
create or replace function private.spend_bucket_tokens(
  p_tokens double precision,
  p_refilled_at timestamptz,
  p_now timestamptz,
  p_capacity int,
  p_refill_per_second double precision,
  p_cost int
)
returns table (allowed boolean, retry_after_seconds int, tokens double precision)
language plpgsql
immutable
set search_path = ''
as $$
begin
  tokens := private.refilled_tokens(p_tokens, p_refilled_at, p_now, p_capacity, p_refill_per_second);
  if tokens >= p_cost then
    allowed := true;
    retry_after_seconds := 0;
    tokens := tokens - p_cost;
  else
    allowed := false;
    retry_after_seconds := greatest(1, ceil((p_cost - tokens) / p_refill_per_second)::int);
  end if;
  return next;
end;
$$;

-- Atomically takes p_cost tokens from a user's bucket (20261122140100's, on the shared
-- arithmetic). The row lock serialises concurrent requests, so two can never both spend the
-- last token.
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
  v_spent record;
begin
  if p_user_id is null or p_bucket is null then
    raise exception 'consume_rate_limit: user id and bucket are required' using errcode = '22004';
  end if;
  perform private.check_token_bucket('consume_rate_limit', p_capacity, p_refill_per_second, p_cost);

  insert into private.rate_limit_buckets (user_id, bucket, tokens, refilled_at)
  values (p_user_id, p_bucket, p_capacity, v_now)
  on conflict (user_id, bucket) do nothing;

  select b.tokens, b.refilled_at
    into v_tokens, v_refilled_at
    from private.rate_limit_buckets b
   where b.user_id = p_user_id and b.bucket = p_bucket
     for update;

  select s.* into v_spent
    from private.spend_bucket_tokens(v_tokens, v_refilled_at, v_now, p_capacity, p_refill_per_second, p_cost) s;

  update private.rate_limit_buckets b
     set tokens = v_spent.tokens, refilled_at = v_now
   where b.user_id = p_user_id and b.bucket = p_bucket;

  allowed := v_spent.allowed;
  retry_after_seconds := v_spent.retry_after_seconds;
  return next;
end;
$$;

-- Atomically takes p_cost tokens from an address's bucket (20261208482000's, on the shared
-- arithmetic), removing first a couple of the bucket's rows that are full again.
create or replace function private.consume_address_rate_limit(
  p_address inet,
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
  v_spent record;
begin
  if p_address is null or p_bucket is null then
    raise exception 'consume_address_rate_limit: address and bucket are required' using errcode = '22004';
  end if;
  perform private.check_token_bucket('consume_address_rate_limit', p_capacity, p_refill_per_second, p_cost);

  -- Rows full again (refilled for capacity / refill seconds since last used): none would
  -- answer the same. Two per call keep up with the addresses that come, without ever waiting
  -- on a row another request holds.
  delete from private.address_rate_limit_buckets b
   where (b.address, b.bucket) in (
     select o.address, o.bucket
       from private.address_rate_limit_buckets o
      where o.bucket = p_bucket
        and o.refilled_at < v_now - make_interval(secs => p_capacity / p_refill_per_second)
        and o.address <> p_address
      order by o.refilled_at
      limit 2
        for update skip locked);

  insert into private.address_rate_limit_buckets (address, bucket, tokens, refilled_at)
  values (p_address, p_bucket, p_capacity, v_now)
  on conflict (address, bucket) do nothing;

  select b.tokens, b.refilled_at
    into v_tokens, v_refilled_at
    from private.address_rate_limit_buckets b
   where b.address = p_address and b.bucket = p_bucket
     for update;

  select s.* into v_spent
    from private.spend_bucket_tokens(v_tokens, v_refilled_at, v_now, p_capacity, p_refill_per_second, p_cost) s;

  update private.address_rate_limit_buckets b
     set tokens = v_spent.tokens, refilled_at = v_now
   where b.address = p_address and b.bucket = p_bucket;

  allowed := v_spent.allowed;
  retry_after_seconds := v_spent.retry_after_seconds;
  return next;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Only the connection owner calls any of them (the schema's default privileges already keep
-- new functions from public; said again here, as for every private function).
revoke all on function private.refilled_tokens(double precision, timestamptz, timestamptz, int, double precision)
  from public, anon, authenticated, service_role;
revoke all on function private.check_token_bucket(text, int, double precision, int)
  from public, anon, authenticated, service_role;
revoke all on function private.spend_bucket_tokens(double precision, timestamptz, timestamptz, int, double precision, int)
  from public, anon, authenticated, service_role;
revoke all on function private.consume_rate_limit(uuid, text, int, double precision, int)
  from public, anon, authenticated, service_role;
revoke all on function private.consume_address_rate_limit(inet, text, int, double precision, int)
  from public, anon, authenticated, service_role;
