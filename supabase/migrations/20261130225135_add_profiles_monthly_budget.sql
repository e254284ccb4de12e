-- profiles: a monthly spending budget the user sets for themselves.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: calls are paid with the user's own provider keys; a budget is their own brake. The
-- month is the calendar month in UTC; the spend is the sum of prompt_usage_logs.cost_usd
-- since it began. Past 80 % the web app warns; at 100 % the API refuses new chat and
-- gateway calls (402 budget_exceeded) before any provider is called. null = no budget.
alter table public.profiles
  add column monthly_budget_usd numeric(12, 2) check (monthly_budget_usd >= 0 and monthly_budget_usd <= 1000000);

comment on column public.profiles.monthly_budget_usd is 'USD per calendar month (UTC) the user allows themselves; null = no limit.';

-- ============================================================================
-- GRANTS
-- ============================================================================

-- The user's own setting (the update policy already limits rows to their own profile).
grant update (monthly_budget_usd) on public.profiles to authenticated;
