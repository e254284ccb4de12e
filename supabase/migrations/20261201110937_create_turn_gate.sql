-- The gate of a chat turn in one PL/pgSQL call: the sender's rate limit (consumed), the payer's
-- monthly budget and spend, the sender's custom instructions and the payer's key ciphertext —
-- what POST /chat sent as one plain statement, which Postgres parsed and planned again for every
-- chat (0.36 ms of planning to 0.41 ms of execution, on the one connection every turn's start
-- waits in line for). PL/pgSQL keeps the plans of its statements for the connection's life
-- (https://www.postgresql.org/docs/current/plpgsql-implementation.html#PLPGSQL-PLAN-CACHING).
-- Every part filters by an id the API verified (the caller's, or the payer's); the caller
-- decides 429 before 402.
create or replace function private.turn_gate(
  p_user_id uuid,
  p_payer_id uuid,
  p_provider text,
  p_capacity int,
  p_refill_per_second double precision,
  p_month_start timestamptz,
  p_month_end timestamptz
)
returns table (
  allowed boolean,
  retry_after_seconds int,
  budget double precision,
  spent double precision,
  custom_instructions text,
  encrypted_key text,
  base_url text
)
language plpgsql
volatile
set search_path = ''
as $$
begin
  -- The bucket's update commits without waiting for its WAL to reach disk: a crash can only
  -- forget consumption, which errs towards the caller
  -- (https://www.postgresql.org/docs/current/wal-async-commit.html). Transaction-local, so it
  -- holds at this statement's commit (a SET clause on the function would end with the call).
  perform set_config('synchronous_commit', 'off', true);
  select rl.allowed, rl.retry_after_seconds into allowed, retry_after_seconds
    from private.consume_rate_limit(p_user_id, 'chat', p_capacity, p_refill_per_second, 1) rl;
  select p.monthly_budget_usd::float8 into budget from public.profiles p where p.id = p_payer_id;
  select coalesce(sum(l.cost_usd), 0)::float8 into spent
    from public.prompt_usage_logs l
   where l.user_id = p_payer_id and l.executed_at >= p_month_start and l.executed_at < p_month_end;
  select p.custom_instructions into custom_instructions from public.profiles p where p.id = p_user_id;
  select k.encrypted_key, k.base_url into encrypted_key, base_url
    from private.read_credential_ciphertext(p_payer_id, p_provider) k;
  return next;
end;
$$;
revoke all on function private.turn_gate(uuid, uuid, text, int, double precision, timestamptz, timestamptz)
  from public, anon, authenticated, service_role;
