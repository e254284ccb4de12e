-- private.monthly_spend: what each user has spent in each UTC calendar month, kept by triggers
-- on public.prompt_usage_logs — the one definition of "spend" that the budget check of every
-- paid call (private.turn_gate, lib/budget.ts) reads in one primary-key lookup, where it summed
-- the month's logs (5.1 ms p50 on the chat start lane at 10,000 calls in the month).

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: a budget check must cost the same on the first call of the month and the ten
-- thousandth. One row per (user, month) with calls that cost something; no row = nothing
-- spent. Exact numeric, as the logs' cost_usd (a sum of numeric(20,12) never drifts).
-- fillfactor leaves room on each page so the update of a row stays a heap-only (HOT) update
-- that writes no index entry
-- (https://www.postgresql.org/docs/current/storage-hot.html).
-- It outlives no one: an account's deletion removes its rows.
create table private.monthly_spend (
  user_id uuid not null references auth.users (id) on delete cascade,
  month date not null check (extract(day from month) = 1),
  spent_usd numeric(20, 12) not null default 0,
  primary key (user_id, month)
) with (fillfactor = 70);

comment on table private.monthly_spend is 'Sum of prompt_usage_logs.cost_usd per user and UTC calendar month; kept by triggers on prompt_usage_logs.';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- The primary key (user_id, month) covers the user foreign key and every read.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- No policies and no grants: only the owner (postgres) touches the rows — the triggers below
-- (security definer) and the API's owner connection, which reads one user's row by the id it
-- verified from the JWT (lib/budget.ts), as the budget check of every paid call already read
-- the profile and logs. GET /api/budget, which read as the caller under RLS, now reads the same
-- way: a security-definer function returning the caller's own row would work too, but would
-- open the private schema (or a public RPC) to the API roles for one read the owner connection
-- already makes. None can write it, or their budget would mean nothing.
alter table private.monthly_spend enable row level security;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- The month a call counts in: the UTC calendar month of executed_at, as lib/budget.ts's
-- monthWindow ([1st 00:00 UTC, next 1st)). Immutable: `at time zone 'UTC'` does not depend on
-- the session's TimeZone.
create or replace function private.spend_month(p_executed_at timestamptz)
returns date
language sql
immutable
parallel safe
set search_path = ''
return date_trunc('month', p_executed_at at time zone 'UTC')::date;

-- Adds a statement's new logs to their months. Statement-level with a transition table, so a
-- multi-row insert makes one upsert per (user, month) rather than one per row
-- (https://www.postgresql.org/docs/current/sql-createtrigger.html). Two turns of one user
-- ending at once both upsert the same row: the second waits on the first's row lock until it
-- commits, then adds to the committed sum (ON CONFLICT DO UPDATE,
-- https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT); rows are taken in
-- key order so two multi-user statements lock them in the same order. Calls that cost nothing
-- (or had no price: null) write nothing. Security definer: whoever logs a call (the service
-- role may) need not reach the private schema.
create or replace function private.add_usage_to_monthly_spend()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.monthly_spend as s (user_id, month, spent_usd)
  select n.user_id, private.spend_month(n.executed_at), sum(n.cost_usd)
    from new_logs n
   where n.cost_usd > 0
   group by 1, 2
   order by 1, 2
  on conflict (user_id, month) do update set spent_usd = s.spent_usd + excluded.spent_usd;
  return null;
end;
$$;

-- Moves changed costs, times or owners between months: per (user, month), the new rows' sum
-- minus the old rows' sum. An update that touches none of the three (attachment_tokens, say)
-- nets to zero and writes nothing. A transition table cannot be combined with an UPDATE OF
-- column list, hence the net-zero filter rather than a narrower trigger.
create or replace function private.move_usage_in_monthly_spend()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.monthly_spend as s (user_id, month, spent_usd)
  select d.user_id, d.month, sum(d.delta)
    from (select n.user_id, private.spend_month(n.executed_at) as month, n.cost_usd as delta from new_logs n where n.cost_usd > 0
          union all
          select o.user_id, private.spend_month(o.executed_at), -o.cost_usd from old_logs o where o.cost_usd > 0) d
   group by 1, 2
  having sum(d.delta) <> 0
   order by 1, 2
  on conflict (user_id, month) do update set spent_usd = s.spent_usd + excluded.spent_usd;
  return null;
end;
$$;

-- Takes deleted logs out of their months. Only updates rows that exist, never inserts: when an
-- account is deleted, its logs and its monthly_spend rows both go by cascade from auth.users,
-- and an upsert would recreate a row for a user that no longer exists.
create or replace function private.remove_usage_from_monthly_spend()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update private.monthly_spend s
     set spent_usd = s.spent_usd - d.spent
    from (select o.user_id, private.spend_month(o.executed_at) as month, sum(o.cost_usd) as spent
            from old_logs o
           where o.cost_usd > 0
           group by 1, 2) d
   where s.user_id = d.user_id and s.month = d.month;
  return null;
end;
$$;

-- TRUNCATE fires no row or transition triggers; no API role may truncate the logs, but the
-- owner could, and the rollup must not outlive them.
create or replace function private.clear_monthly_spend()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from private.monthly_spend;
  return null;
end;
$$;

revoke all on function private.spend_month(timestamptz) from public, anon, authenticated, service_role;
revoke all on function private.add_usage_to_monthly_spend() from public, anon, authenticated, service_role;
revoke all on function private.move_usage_in_monthly_spend() from public, anon, authenticated, service_role;
revoke all on function private.remove_usage_from_monthly_spend() from public, anon, authenticated, service_role;
revoke all on function private.clear_monthly_spend() from public, anon, authenticated, service_role;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- The triggers come before the backfill: CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock on
-- the logs (https://www.postgresql.org/docs/current/explicit-locking.html), held until the
-- migration's transaction commits, so a log is either committed before it (and backfilled) or
-- written after the commit (and counted by the triggers), never neither nor both.

create trigger prompt_usage_logs_add_to_monthly_spend
  after insert on public.prompt_usage_logs
  referencing new table as new_logs
  for each statement execute function private.add_usage_to_monthly_spend();

create trigger prompt_usage_logs_move_in_monthly_spend
  after update on public.prompt_usage_logs
  referencing old table as old_logs new table as new_logs
  for each statement execute function private.move_usage_in_monthly_spend();

create trigger prompt_usage_logs_remove_from_monthly_spend
  after delete on public.prompt_usage_logs
  referencing old table as old_logs
  for each statement execute function private.remove_usage_from_monthly_spend();

create trigger prompt_usage_logs_clear_monthly_spend
  after truncate on public.prompt_usage_logs
  for each statement execute function private.clear_monthly_spend();

-- Backfill: every month already logged.
insert into private.monthly_spend (user_id, month, spent_usd)
select l.user_id, private.spend_month(l.executed_at), sum(l.cost_usd)
  from public.prompt_usage_logs l
 where l.cost_usd > 0
 group by 1, 2;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- None: the private schema's default privileges grant nothing, and no API role has USAGE on it.
revoke all on private.monthly_spend from public, anon, authenticated, service_role;
