-- Every chat turn whose provider call left the function ends in exactly one usage row for
-- its payer, also when the turn never finishes in the function:
-- - a turn whose process died (a crash, an OOM, a redeploy, a wall-clock kill) is settled by
--   private.settle_abandoned_answers, in SQL, with no process to write its log. So the turn
--   now records at its start who pays, the prompt used, our estimate of the prompt's tokens
--   and the model's price in force (private.chat_turns), and the settle writes the log: that
--   estimate, the kept partial's length as the completion, flagged as estimated.
-- - a turn that lost its session's lock (409 turn_running) had already started its provider
--   call (the call starts while its rows are written, routes/chat.ts): the function aborts it
--   and logs it through private.finish_turn, which therefore links the log to the chat
--   whenever the chat exists, and replaces the log a premature settle wrote (one row a call).

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: a log whose token counts are ours, not the provider's, says so (the usage figures and
-- the budget still count it: the call was made).
alter table public.prompt_usage_logs
  add column tokens_estimated boolean not null default false;

comment on column public.prompt_usage_logs.tokens_estimated is
  'The token counts are the function''s estimate: the provider reported none (a stopped, cut, failed or never-started turn, or one settled after its process died).';

-- Why: what the settle needs to log a turn whose process died, fixed when the turn starts.
-- payer_id: whose key answers (the owner's in a group chat with key sharing); prompt_tokens:
-- our estimate of the prompt (lib/chat/context.ts roughPromptTokens); the price per token in
-- picodollars (lib/cost.ts picoPerToken; null: an unpriced model, logged with cost null).
-- All null for turns started before this migration: those are settled without a log, as before.
alter table private.chat_turns
  add column payer_id uuid references auth.users (id) on delete set null,
  add column prompt_id uuid,
  add column prompt_version int check (prompt_version >= 1),
  add column prompt_tokens int check (prompt_tokens >= 0),
  add column input_pico_per_token bigint check (input_pico_per_token >= 0),
  add column output_pico_per_token bigint check (output_pico_per_token >= 0),
  add column touch_credential boolean not null default false;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Covers the payer foreign key (deleting an account sets its turns' payer to null). Not a HOT
-- blocker: a lease renewal never changes payer_id.
create index chat_turns_payer_id_idx on private.chat_turns (payer_id);

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261201110933_trim_turn_start_session_writes.sql, and the turn's lock row records what
-- the settle needs to log the call. The new parameters have defaults, so a function deployed
-- before this migration still calls it (its turns are settled without a log, as before).
drop function private.write_turn_rows(uuid, uuid, uuid, boolean, uuid, text, jsonb, uuid, boolean, text, int, uuid, uuid, text, text, double precision);
create function private.write_turn_rows(
  p_owner_id uuid,
  p_author_id uuid,
  p_session_id uuid,
  p_new_session boolean,
  p_project_id uuid,
  p_title text,
  p_metadata jsonb,
  p_question_id uuid,
  p_new_question boolean,
  p_question text,
  p_question_tokens int,
  p_parent_id uuid,
  p_answer_id uuid,
  p_provider text,
  p_model text,
  p_lease_seconds double precision,
  p_payer_id uuid default null,
  p_prompt_id uuid default null,
  p_prompt_version int default null,
  p_prompt_tokens int default null,
  p_input_pico_per_token bigint default null,
  p_output_pico_per_token bigint default null,
  p_touch_credential boolean default false
)
returns text
language plpgsql
volatile
set search_path = ''
as $$
begin
  if p_new_session then
    if p_project_id is not null
       and not exists (select 1 from public.projects p where p.id = p_project_id and p.user_id = p_owner_id) then
      return 'project';
    end if;
    insert into public.chat_sessions (id, user_id, project_id, title, metadata)
    values (p_session_id, p_owner_id, p_project_id, p_title, p_metadata);
  elsif p_owner_id = p_author_id then
    -- The owner's turn saves their chat settings; a member's leaves them as they are.
    -- Unchanged settings (most turns of a chat) are not written again.
    update public.chat_sessions s set metadata = s.metadata || p_metadata
     where s.id = p_session_id and s.user_id = p_owner_id
       and s.metadata || p_metadata is distinct from s.metadata;
    if not found and not exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = p_owner_id) then
      return 'session';
    end if;
  elsif not exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = p_owner_id) then
    return 'session';
  end if;

  if p_new_question then
    -- A question without a parent in an existing session is an edit of its first message: a
    -- new first message, which default_message_parent would otherwise thread under the leaf.
    if not p_new_session and p_parent_id is null then
      perform set_config('mrprompt.root_message', p_question_id::text, true);
    end if;
    perform set_config('mrprompt.session_touched_later', p_question_id::text, true);
    insert into public.messages (id, session_id, user_id, author_id, sender, content, status, token_count, parent_id)
    values (p_question_id, p_session_id, p_owner_id, p_author_id, 'user', p_question, 'complete', p_question_tokens, p_parent_id);
    perform set_config('mrprompt.session_touched_later', '', true);
  end if;

  insert into public.messages (id, session_id, user_id, author_id, sender, content, status, provider, model, parent_id)
  values (p_answer_id, p_session_id, p_owner_id, p_author_id, 'assistant', '', 'streaming', p_provider, p_model, p_question_id);

  insert into private.chat_turns
    (message_id, session_id, user_id, lease_expires_at,
     payer_id, prompt_id, prompt_version, prompt_tokens, input_pico_per_token, output_pico_per_token, touch_credential)
  values (p_answer_id, p_session_id, p_owner_id, clock_timestamp() + make_interval(secs => p_lease_seconds),
          p_payer_id, p_prompt_id, p_prompt_version, p_prompt_tokens, p_input_pico_per_token, p_output_pico_per_token, p_touch_credential);
  return null;
end;
$$;

-- As in 20261130234937_create_chat_turns.sql, and a settled answer whose turn recorded its
-- payer is logged for them: the prompt estimate recorded at the start, the kept answer and
-- reasoning as the completion at ~4 UTF-8 bytes a token (lib/tokens.ts roughTokenCount, the
-- same rule; there is no tokenizer in the database), all prompt tokens at the uncached input
-- price recorded at the start (never understated), status `error` (or `stopped`) with the
-- settle's code, tokens_estimated. Times are unknown (the process that measured them died).
create or replace function private.settle_abandoned_answers(
  p_user_id uuid,
  p_session_id uuid default null,
  p_message_id uuid default null,
  p_status text default 'error',
  p_code text default 'interrupted',
  p_error text default 'The answer was interrupted before it finished; regenerate to try again'
)
returns setof uuid
language plpgsql
volatile
set search_path = ''
as $$
begin
  if p_user_id is null then
    raise exception 'settle_abandoned_answers: user id is required' using errcode = '22004';
  end if;
  return query
  with abandoned as (
    select m.id, m.session_id, m.provider, m.model, t.payer_id, t.prompt_id, t.prompt_version, t.prompt_tokens,
           t.input_pico_per_token, t.output_pico_per_token, t.touch_credential
      from public.messages m
      left join private.chat_turns t on t.message_id = m.id
     where m.user_id = p_user_id and m.status = 'streaming'
       and (p_session_id is null or m.session_id = p_session_id)
       and (p_message_id is null or m.id = p_message_id)
       and (t.message_id is null or t.lease_expires_at < clock_timestamp())
       for update of m skip locked
  ), saved as (
    select a.id,
           coalesce(string_agg(c.content, '' order by c.first_seq), '') as content,
           coalesce(string_agg(c.reasoning, '' order by c.first_seq), '') as reasoning,
           (select array_agg(u order by c2.first_seq, o)
              from private.message_chunks c2, unnest(c2.units) with ordinality as x(u, o)
             where c2.message_id = a.id) as units
      from abandoned a
      left join private.message_chunks c on c.message_id = a.id
     group by a.id
  ), settled as (
    update public.messages m
       set status = p_status, error_code = p_code,
           error = case when p_status = 'error' then p_error else null end,
           content = s.content, reasoning = s.reasoning, stream_units = s.units
      from saved s
     where m.id = s.id
    returning m.id
  ), counted as (
    select a.*, coalesce(a.prompt_tokens, 0) as prompt_n,
           (ceil(octet_length(s.content) / 4.0) + ceil(octet_length(s.reasoning) / 4.0))::int as completion_n
      from settled d
      join abandoned a on a.id = d.id
      join saved s on s.id = d.id
     where a.payer_id is not null
  ), logged as (
    insert into public.prompt_usage_logs
      (user_id, prompt_id, prompt_version, session_id, message_id, provider, model, status,
       prompt_tokens, completion_tokens, token_count, error_code, cost_usd, tokens_estimated)
    select k.payer_id, p.id, case when k.prompt_id is null then null else k.prompt_version end, k.session_id, k.id,
           k.provider, k.model, case when p_status = 'stopped' then 'stopped' else 'error' end,
           k.prompt_n, k.completion_n, k.prompt_n + k.completion_n, p_code,
           case when k.input_pico_per_token is not null and k.output_pico_per_token is not null
                then (k.prompt_n * k.input_pico_per_token + k.completion_n * k.output_pico_per_token)::numeric / 1000000000000 end,
           true
      from counted k
      left join public.prompts p on p.id = k.prompt_id and (p.is_public or p.user_id = k.payer_id)
  ), touched as (
    update public.api_credentials c set last_used_at = now()
      from counted k
     where k.touch_credential and c.user_id = k.payer_id and c.provider = k.provider
  ), dropped_turns as (
    delete from private.chat_turns t using settled s where t.message_id = s.id
  ), dropped_chunks as (
    delete from private.message_chunks c using settled s where c.message_id = s.id
  )
  select id from settled;
end;
$$;

-- As in 20261201110411_create_finish_turn.sql, with three changes:
-- - p_tokens_estimated flags a log whose counts are ours (a default, so a function deployed
--   before this migration still calls it);
-- - the log replaces any log of the same answer: one a premature settle wrote (the lease
--   lapsed while the database was away; this process has the real counts), or this call's own
--   when a retry follows a commit whose answer was lost;
-- - the log links the chat and the answer whenever they exist, not only when this call wrote
--   the answer: a turn that never got its rows (it lost its session's lock) is logged in its
--   chat, and one settled as stopped meanwhile keeps its link.
drop function private.finish_turn(uuid, uuid, uuid, text, text, int[], text, text, text, int, int, int, int, int, int, text, uuid, uuid, uuid, int, text, text, numeric, boolean);
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
  p_tokens_estimated boolean default false
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
     tokens_estimated)
  select p_log_id, p_payer_id, p.id, case when p_prompt_id is null then null else p_prompt_version end, s.id,
         m.id, p_provider, p_model, case when p_status = 'complete' then 'success' else p_status end,
         p_ttft_ms, p_latency_ms, p_prompt_tokens, p_completion_tokens,
         p_prompt_tokens + p_completion_tokens, p_error_code, p_cached_tokens, p_cost_usd,
         coalesce(p_tokens_estimated, false)
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

revoke all on function private.write_turn_rows(uuid, uuid, uuid, boolean, uuid, text, jsonb, uuid, boolean, text, int, uuid, uuid, text, text, double precision, uuid, uuid, int, int, bigint, bigint, boolean)
  from public, anon, authenticated, service_role;
revoke all on function private.settle_abandoned_answers(uuid, uuid, uuid, text, text, text)
  from public, anon, authenticated, service_role;
revoke all on function private.finish_turn(uuid, uuid, uuid, text, text, int[], text, text, text, int, int, int, int, int, int, text, uuid, uuid, uuid, int, text, text, numeric, boolean, boolean)
  from public, anon, authenticated, service_role;
