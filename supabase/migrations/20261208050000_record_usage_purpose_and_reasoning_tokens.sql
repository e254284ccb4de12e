-- What each usage row was for, and the reasoning tokens a call reported (QA 6 #6, #13):
-- - prompt_usage_logs.purpose: a chat answer, a chat's title (the call that names a new chat,
--   billed at the chat model's price, was a row like any other that nobody could tell apart), a
--   call of the OpenAI-compatible API (POST /v1/chat/completions: other apps and the playground),
--   or a project file's embeddings. Rows logged before this migration keep null: what they were
--   for was not recorded, and guessing from their links (a chat's title has a chat and no
--   message, as has an answer whose message was deleted) would label some wrongly.
-- - prompt_usage_logs.reasoning_tokens: the part of completion_tokens a reasoning model spent
--   thinking (`completion_tokens_details.reasoning_tokens`, OpenAI's usage; null when the
--   provider reports none). Priced as output, as providers bill it; shown so a user can see why
--   an answer of a few words cost like a page.
-- Users still only read their own rows (no insert, update or delete privilege since
-- 20261130234937): the new columns follow the table's grants, so nobody labels or recounts a
-- call through the Data API (tests/db/prompt-usage-logs.test.ts).
-- Bytes per chat turn: 'chat' (5 bytes) and a reasoning count only when the provider sent one,
-- in a row that already has a null bitmap; no index: Usage groups by purpose within a user's
-- range, which the (user_id, executed_at) index already narrows.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Added without a default, so the rows already there read null ("not recorded"); the default
-- then applies to new rows: the writers that do not name a purpose (the settle of an
-- abandoned turn, private.settle_abandoned_answers) log chat answers.
alter table public.prompt_usage_logs
  add column purpose text check (purpose in ('chat', 'title', 'gateway', 'embedding')),
  add column reasoning_tokens int check (reasoning_tokens >= 0);

alter table public.prompt_usage_logs alter column purpose set default 'chat';

comment on column public.prompt_usage_logs.purpose is
  'What the call was for: chat (an answer), title (naming a chat), gateway (POST /v1/chat/completions), embedding (project files). Null: logged before it was recorded. Set by the function.';
comment on column public.prompt_usage_logs.reasoning_tokens is
  'The part of completion_tokens the model spent reasoning, as the provider reported it (completion_tokens_details.reasoning_tokens); null when it reported none.';

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261207120000_record_usage_sources_and_deleted_projects.sql, and the log says it is a
-- chat answer and records the reasoning tokens the provider reported (p_reasoning_tokens, a
-- default, so a function deployed before this migration still calls it).
drop function private.finish_turn(uuid, uuid, uuid, text, text, int[], text, text, text, int, int, int, int, int, int, text, uuid, uuid, uuid, int, text, text, numeric, boolean, boolean, uuid);
create function private.finish_turn(
  p_message_id uuid,
  p_user_id uuid,
  p_session_id uuid,
  p_content text,
  p_reasoning text,
  p_units int[],
  p_status text,
  p_error_code text,
  p_error text,
  p_reasoning_ms int,
  p_prompt_tokens int,
  p_completion_tokens int,
  p_cached_tokens int,
  p_ttft_ms int,
  p_latency_ms int,
  p_provider_message_id text,
  p_log_id uuid,
  p_payer_id uuid,
  p_prompt_id uuid,
  p_prompt_version int,
  p_provider text,
  p_model text,
  p_cost_usd numeric,
  p_touch_credential boolean,
  p_tokens_estimated boolean default false,
  p_api_key_id uuid default null,
  p_reasoning_tokens int default null
)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_kept boolean;
begin
  -- A premature settle (the lease lapsed while the database was away) is overwritten: the
  -- caller has the whole answer, the checkpoints only part of it.
  update public.messages
     set content = p_content, reasoning = p_reasoning, stream_units = p_units,
         status = p_status, error_code = p_error_code, error = p_error,
         reasoning_ms = p_reasoning_ms,
         token_count = p_completion_tokens, prompt_tokens = p_prompt_tokens, completion_tokens = p_completion_tokens,
         ttft_ms = p_ttft_ms, latency_ms = p_latency_ms,
         provider_message_id = p_provider_message_id
   where id = p_message_id and user_id = p_user_id
     and (status = 'streaming' or error_code = 'interrupted');
  v_kept := found;

  delete from private.message_chunks where message_id = p_message_id;
  delete from private.chat_turns where message_id = p_message_id and user_id = p_user_id;
  delete from public.prompt_usage_logs where message_id = p_message_id;

  -- Logged (and its cost counted) for whoever's key paid; the session and message are the
  -- owner's rows, linked for the payer too (they can read them as a member).
  insert into public.prompt_usage_logs
    (id, user_id, prompt_id, prompt_version, session_id, message_id, provider, model, status,
     ttft_ms, latency_ms, prompt_tokens, completion_tokens, token_count, error_code, cached_tokens, cost_usd,
     tokens_estimated, api_key_id, purpose, reasoning_tokens)
  select p_log_id, p_payer_id, p.id, case when p_prompt_id is null then null else p_prompt_version end, s.id,
         m.id, p_provider, p_model, case when p_status = 'complete' then 'success' else p_status end,
         p_ttft_ms, p_latency_ms, p_prompt_tokens, p_completion_tokens,
         p_prompt_tokens + p_completion_tokens, p_error_code, p_cached_tokens, p_cost_usd,
         coalesce(p_tokens_estimated, false), p_api_key_id, 'chat', p_reasoning_tokens
    from (select 1) one
    left join public.prompts p on p.id = p_prompt_id and (p.is_public or p.user_id = p_payer_id)
    left join public.chat_sessions s on s.id = p_session_id and s.user_id = p_user_id
    left join public.messages m on m.id = p_message_id and m.user_id = p_user_id;

  if p_touch_credential then
    update public.api_credentials set last_used_at = now() where user_id = p_payer_id and provider = p_provider;
  end if;
  return v_kept;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.finish_turn(uuid, uuid, uuid, text, text, int[], text, text, text, int, int, int, int, int, int, text, uuid, uuid, uuid, int, text, text, numeric, boolean, boolean, uuid, int)
  from public, anon, authenticated, service_role;
