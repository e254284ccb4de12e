-- prompt_usage_logs: the prompt library sorted by "most used" counts the caller's calls of each
-- prompt over the last 30 days (GET /api/prompts?sort=most_used, routes/prompts/list-order.ts).

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Why: the count reads every call the caller made in 30 days that names a prompt, on every page
-- of the list. prompt_usage_logs_user_id_executed_at_idx finds those calls but not their
-- prompt, so each one was a visit to the table (and most calls name no prompt: a chat turn
-- without one, a title, an embedding). This one holds only the calls that name a prompt, with
-- the prompt, so the count is an index-only scan of just those.
create index prompt_usage_logs_user_prompt_recent_idx
  on public.prompt_usage_logs (user_id, executed_at desc)
  include (prompt_id)
  where prompt_id is not null;
