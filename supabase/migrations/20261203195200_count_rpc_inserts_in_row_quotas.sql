-- Row quotas also count what a signed-in user creates through a security-definer function.
--
-- private.enforce_row_quota let through every insert not made as `authenticated` or `anon`,
-- to spare the function's owner connection, seeds and maintenance. But a security-definer
-- RPC runs its inserts as its owner too, so public.fork_session — callable by any signed-in
-- user through the Data API (`POST /rest/v1/rpc/fork_session`) with no rate limit — made
-- chat sessions past the 50,000 quota (20261203195100_add_session_and_test_case_quotas.sql),
-- each with a copy of a whole branch. A caller's JWT is what tells them apart: PostgREST and
-- the API's withUserTransaction set `request.jwt.claims`, which the definer function keeps;
-- the function's privileged connection (chat turns, imports, finish_turn) sets none.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- tg_argv: the owner column (user_id or prompt_id) and the limit.
create or replace function private.enforce_row_quota()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_owner uuid := (to_jsonb(new) ->> tg_argv[0])::uuid;
  v_limit int := tg_argv[1]::int;
  v_count int;
begin
  -- Limited: what the API roles insert (the trigger runs as the inserting role), and what a
  -- definer function inserts for a signed-in caller. Not: seeds, migrations, maintenance and
  -- the function's own connection, which run as the owner with no caller.
  if current_user not in ('authenticated', 'anon') and (select auth.uid()) is null then
    return new;
  end if;
  perform pg_advisory_xact_lock(hashtextextended(tg_table_name || ':' || v_owner::text, 0));
  execute format('select count(*) from %I.%I where %I = $1', tg_table_schema, tg_table_name, tg_argv[0])
    into v_count using v_owner;
  if v_count >= v_limit then
    raise exception '% limit reached: at most % rows per %', tg_table_name, v_limit, tg_argv[0]
      using errcode = '54000', hint = 'Delete some before adding more.';
  end if;
  return new;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.enforce_row_quota() from public, anon, authenticated, service_role;
