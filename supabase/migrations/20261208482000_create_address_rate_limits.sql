-- Token buckets per client address, for what signed-out callers may ask of the API.
--
-- The API's buckets (private.rate_limit_buckets) are kept per account, so a caller with no
-- account — a visitor reading a shared chat (GET /api/shared/{token}) or a public prompt
-- (GET /api/public/prompts/{id}) — had none: a script could make the database answer page
-- after page as fast as it could ask. These buckets are kept per client address instead (an
-- IPv4 address, or an IPv6 /64, which one subscriber usually holds whole); the API works the
-- address out from the platform's headers and asks here, and the bucket itself is kept, and
-- its arithmetic done, under the row's lock in this function, as for the per-account buckets.
-- A bucket left alone long enough to be full again is the same as none, so each call removes a
-- couple of such rows of its bucket: the table holds only addresses seen lately.

-- ============================================================================
-- TABLE
-- ============================================================================

-- One row per (address, bucket); only the connection owner reaches it, through the function.
create table private.address_rate_limit_buckets (
  address inet not null,
  bucket text not null check (bucket ~ '^[a-z][a-z0-9_:.-]{0,63}$'),
  tokens double precision not null check (tokens >= 0),
  refilled_at timestamptz not null default clock_timestamp(),
  primary key (address, bucket)
);

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Finds a bucket's rows that have been full again for a while, oldest first, for removal.
create index address_rate_limit_buckets_bucket_refilled_at_idx
  on private.address_rate_limit_buckets (bucket, refilled_at);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- No policies: with RLS on and no grants, only the owner (postgres) can touch the rows.
alter table private.address_rate_limit_buckets enable row level security;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Atomically takes p_cost tokens from an address's bucket, refilling it first for the time
-- that passed; the same arithmetic as private.consume_rate_limit, whose rows belong to an
-- account and go with it. The row lock serialises concurrent requests from one address, so
-- two can never both spend the last token.
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
begin
  if p_address is null or p_bucket is null then
    raise exception 'consume_address_rate_limit: address and bucket are required' using errcode = '22004';
  end if;
  if p_capacity is null or p_capacity < 1
     or p_refill_per_second is null or p_refill_per_second <= 0
     or p_cost is null or p_cost < 1 or p_cost > p_capacity then
    raise exception 'consume_address_rate_limit: need capacity >= 1, refill > 0 and 1 <= cost <= capacity'
      using errcode = '22023';
  end if;

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

  update private.address_rate_limit_buckets b
     set tokens = v_tokens, refilled_at = v_now
   where b.address = p_address and b.bucket = p_bucket;

  return next;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- The API calls it as the connection owner; no API role may, nor read the table.
revoke all on function private.consume_address_rate_limit(inet, text, int, double precision, int)
  from public, anon, authenticated, service_role;
revoke all on table private.address_rate_limit_buckets from public, anon, authenticated, service_role;
