-- prompt_usage_logs: what each call cost in dollars, fixed when the call is logged.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: prices change, so a call's cost is computed from the price table in force when it
-- ran (lib/prices.ts + MODEL_PRICES) and stored, never recomputed from today's prices.
-- null = the model had no price (a custom endpoint nobody priced), which the dashboard
-- shows as "unpriced" rather than as free. numeric(20,12) holds the exact picodollar sum
-- the API computes. cached_tokens is the part of prompt_tokens the provider served from
-- its prompt cache (billed at the cached-input price).
alter table public.prompt_usage_logs
  add column cost_usd numeric(20, 12) check (cost_usd >= 0),
  add column cached_tokens int check (cached_tokens >= 0);

comment on column public.prompt_usage_logs.cost_usd is 'USD at the prices in force when the call ran; null when the model had no price.';
comment on column public.prompt_usage_logs.cached_tokens is 'Input tokens served from the provider prompt cache (part of prompt_tokens).';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- The monthly budget check sums cost_usd over the user's calls since the month began;
-- prompt_usage_logs_user_id_executed_at_idx already serves that range scan.
