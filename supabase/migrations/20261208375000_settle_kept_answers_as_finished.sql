-- An answer whose final write was given up, but whose checkpoints hold it whole, is settled as
-- it ended — `complete` with its token counts — not as interrupted (QA13 #3).
--
-- When private.finish_turn keeps failing while the database still answers (a lock it waits
-- on, a statement it cannot finish), the function writes the whole answer as its checkpoints
-- and gives up (`save_failed`, lib/chat/final-save.ts); about 30 s later the lease lapses and
-- private.settle_abandoned_answers settles the answer from them. It had no way to know the
-- answer had ended, so a complete answer became "interrupted before it finished; regenerate
-- to try again", its usage line an estimate flagged as such, and its real token counts lost.
--
-- Now the function records the answer's final outcome — what private.finish_turn would have
-- written: status, error, token counts, timings, cost — on the turn's row, in the same
-- transaction as the whole answer's checkpoints (TurnStore.keepWhole). The settle finishes
-- such a turn through private.finish_turn itself, from the checkpoints and that outcome, so
-- the answer, its usage row (exactly one) and the credential's last use are written as the
-- function's own final write would have written them.
--
-- The checkpoints are unlogged (20261208160000): a crash of Postgres empties them while the
-- turn's row, logged, keeps the outcome. So the outcome also records how many units the whole
-- answer has, and is used only when the checkpoints hold exactly that many; otherwise the
-- answer is settled from what they hold, as before. Should private.finish_turn refuse the
-- outcome (the reason the function's own write failed may be a refusal that holds here too),
-- that attempt is rolled back and the answer is settled as before: a settle never fails a
-- read of the chat for it.
--
-- The columns live on private.chat_turns, which only the function's owner connection reaches
-- (RLS with no policies, no grants, a schema the Data API does not expose), and go with the
-- row when the turn is finished or settled. They are null while the answer streams, so a
-- lease renewal stays a heap-only update (none of them is indexed).

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: the final outcome of a turn whose final write was given up, for the settle (above).
-- final_units: how many units the whole answer has (its checkpoints hold it whole when they
-- hold that many); final_log_id: the usage row's id the function chose (uuidv7, in time order).
alter table private.chat_turns
  add column final_units int check (final_units >= 0),
  add column final_status text check (final_status in ('complete', 'stopped', 'error')),
  add column final_error_code text check (final_error_code ~ '^[a-z][a-z0-9_]{0,63}$'),
  add column final_error text check (char_length(final_error) <= 2000),
  add column final_reasoning_ms int check (final_reasoning_ms >= 0),
  add column final_prompt_tokens int check (final_prompt_tokens >= 0),
  add column final_completion_tokens int check (final_completion_tokens >= 0),
  add column final_cached_tokens int check (final_cached_tokens >= 0),
  add column final_reasoning_tokens int check (final_reasoning_tokens >= 0),
  add column final_ttft_ms int check (final_ttft_ms >= 0),
  add column final_latency_ms int check (final_latency_ms >= 0),
  add column final_provider_message_id text check (char_length(final_provider_message_id) <= 200),
  add column final_cost_usd numeric check (final_cost_usd >= 0),
  add column final_tokens_estimated boolean,
  add column final_log_id uuid,
  add constraint chat_turns_final_outcome_whole check (
    final_status is null
    or (final_units is not null and final_prompt_tokens is not null and final_completion_tokens is not null
        and final_latency_ms is not null and final_tokens_estimated is not null and final_log_id is not null)
  );

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261208130000_record_who_asked_each_call.sql, and a turn whose final outcome was
-- recorded with checkpoints that hold the whole answer is finished through
-- private.finish_turn (as it ended, with its usage) instead of settled as interrupted.
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
declare
  v_turn record;
  v_kept record;
begin
  if p_user_id is null then
    raise exception 'settle_abandoned_answers: user id is required' using errcode = '22004';
  end if;

  -- Answers that had ended: their outcome is theirs whatever this settle was asked to record
  -- (a stop that finds no live process comes too late to stop an answer that was over).
  for v_turn in
    select m.provider, m.model, t.*
      from public.messages m
      join private.chat_turns t on t.message_id = m.id
     where m.user_id = p_user_id and m.status = 'streaming'
       and (p_session_id is null or m.session_id = p_session_id)
       and (p_message_id is null or m.id = p_message_id)
       and t.lease_expires_at < clock_timestamp()
       and t.final_status is not null
       for update of m skip locked
  loop
    select coalesce(string_agg(c.content, '' order by c.first_seq), '') as content,
           coalesce(string_agg(c.reasoning, '' order by c.first_seq), '') as reasoning,
           coalesce(sum(cardinality(c.units)), 0) as held,
           (select array_agg(u order by c2.first_seq, o)
              from private.message_chunks c2, unnest(c2.units) with ordinality as x(u, o)
             where c2.message_id = v_turn.message_id) as units
      into v_kept
      from private.message_chunks c
     where c.message_id = v_turn.message_id;
    continue when v_kept.held <> v_turn.final_units;
    begin
      perform private.finish_turn(
        v_turn.message_id, p_user_id, v_turn.session_id, v_kept.content, v_kept.reasoning, coalesce(v_kept.units, '{}'),
        v_turn.final_status, v_turn.final_error_code, v_turn.final_error, v_turn.final_reasoning_ms,
        v_turn.final_prompt_tokens, v_turn.final_completion_tokens, v_turn.final_cached_tokens,
        v_turn.final_ttft_ms, v_turn.final_latency_ms, v_turn.final_provider_message_id,
        v_turn.final_log_id, v_turn.payer_id, v_turn.prompt_id, v_turn.prompt_version,
        v_turn.provider, v_turn.model, v_turn.final_cost_usd, v_turn.touch_credential,
        v_turn.final_tokens_estimated, v_turn.api_key_id, v_turn.final_reasoning_tokens, null);
      return next v_turn.message_id;
    exception when others then
      -- Refused (the function's own write may have failed for the same reason): rolled back to
      -- here, and the answer is settled below from what its checkpoints hold, as before.
      null;
    end;
  end loop;

  return query
  with abandoned as (
    select m.id, m.session_id, m.provider, m.model, t.payer_id, t.prompt_id, t.prompt_version, t.prompt_tokens,
           t.input_pico_per_token, t.output_pico_per_token, t.touch_credential, t.api_key_id, m.author_id
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
       prompt_tokens, completion_tokens, token_count, error_code, cost_usd, tokens_estimated, api_key_id, asked_by)
    select k.payer_id, p.id, case when k.prompt_id is null then null else k.prompt_version end, k.session_id, k.id,
           k.provider, k.model, case when p_status = 'stopped' then 'stopped' else 'error' end,
           k.prompt_n, k.completion_n, k.prompt_n + k.completion_n, p_code,
           case when k.input_pico_per_token is not null and k.output_pico_per_token is not null
                then (k.prompt_n * k.input_pico_per_token + k.completion_n * k.output_pico_per_token)::numeric / 1000000000000 end,
           true, k.api_key_id, k.author_id
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

-- ============================================================================
-- GRANTS
-- ============================================================================

-- private.chat_turns: unchanged (no grants since 20261130234937; the new columns follow).
revoke all on function private.settle_abandoned_answers(uuid, uuid, uuid, text, text, text)
  from public, anon, authenticated, service_role;
