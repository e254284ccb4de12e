-- Who asked each call (QA 8 #5): in a group chat whose owner pays for members' turns, the
-- usage rows are the owner's (their key paid), and nothing said which member caused which
-- call, so nobody could answer "who spent what", and a member's Usage said "No calls" after
-- calls the owner paid for.
-- - prompt_usage_logs.asked_by: the account that asked for the call. A chat answer: its
--   question's author (the answer message's author_id); the gateway, a chat's title and a
--   project file's embeddings: the caller, who is also the payer. Set by the writers (the
--   function's log, private.finish_turn, private.settle_abandoned_answers), never by a user:
--   users still only select their own rows (no insert, update or delete privilege since
--   20261130234937), so nobody pins a call on someone else through the Data API.
-- - A deleted account's calls stay on the payer's Usage, unsigned ("Former member"), as its
--   messages stay in a chat: the foreign key sets asked_by to null, like messages.author_id.
-- - public.usage_asker_names: the payer reads the names of the people whose calls they paid
--   for (profiles are otherwise private to their owner); names only, never an email.
-- - public.my_calls_paid_by_others: a member reads how many of the calls they asked someone
--   else paid for, and the tokens, per payer: an aggregate of their own questions only, never
--   the payer's other rows, and no dollars (members do not see the owner's amounts).
-- Bytes per chat turn: 16 for the uuid in the row and an index entry of about 40 bytes; the
-- index covers the foreign key (an account's deletion finds its asked calls) and serves the
-- member's aggregate (their asked calls in a range).

-- ============================================================================
-- TABLE
-- ============================================================================

alter table public.prompt_usage_logs
  add column asked_by uuid references auth.users (id) on delete set null;

comment on column public.prompt_usage_logs.asked_by is
  'The account that asked for the call (a group chat member whose turn the owner paid for, or the payer); null: a deleted account, or not recorded (logged before it was). Set by the function.';

-- Backfill what the rows themselves say. A chat answer's asker is its message's author (set by
-- the function since group posting); a chat's title, a gateway call and an embedding are
-- always the payer's own. The rest (an answer whose message is gone, rows logged before their
-- purpose was) stay null: guessing would pin a member's call on the owner.
update public.prompt_usage_logs l
   set asked_by = m.author_id
  from public.messages m
 where m.id = l.message_id and m.author_id is not null;

update public.prompt_usage_logs
   set asked_by = user_id
 where asked_by is null and purpose in ('title', 'gateway', 'embedding');

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Covers the foreign key and "my asked calls in this range" (public.my_calls_paid_by_others).
create index prompt_usage_logs_asked_by_executed_at_idx on public.prompt_usage_logs (asked_by, executed_at);

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: the payer's Usage names who asked each call they paid for. A name is returned only for
-- someone who asked a call the caller paid for (or the caller), so no caller can look up
-- anyone else's profile by id; profiles stay otherwise private to their owner.
create or replace function public.usage_asker_names(p_user_ids uuid[])
returns table (user_id uuid, display_name text)
language sql
stable
security definer
set search_path = ''
as $$
  select p.id, p.display_name
    from public.profiles p
   where p.id = any(p_user_ids)
     and (select public.session_is_live())
     and (select public.meets_mfa_requirement())
     and (p.id = (select auth.uid())
          or exists (select 1 from public.prompt_usage_logs l
                      where l.asked_by = p.id and l.user_id = (select auth.uid())));
$$;

-- Why: a member's Usage says how many of the calls they asked in a range someone else paid
-- for, and their tokens, per payer (named, never an email). Only the caller's own questions
-- are counted (asked_by is the caller, the payer someone else); no cost: members do not see
-- the owner's amounts. A payer whose account is gone is null.
create or replace function public.my_calls_paid_by_others(p_from timestamptz, p_to timestamptz)
returns table (payer_id uuid, payer_name text, calls int, prompt_tokens bigint, completion_tokens bigint, total_tokens bigint)
language sql
stable
security definer
set search_path = ''
as $$
  select l.user_id, max(p.display_name), count(*)::int,
         coalesce(sum(l.prompt_tokens), 0)::bigint, coalesce(sum(l.completion_tokens), 0)::bigint,
         coalesce(sum(coalesce(l.token_count, coalesce(l.prompt_tokens, 0) + coalesce(l.completion_tokens, 0))), 0)::bigint
    from public.prompt_usage_logs l
    left join public.profiles p on p.id = l.user_id
   where l.asked_by = (select auth.uid())
     and l.user_id <> (select auth.uid())
     and l.executed_at >= p_from and l.executed_at < p_to
     and (select public.session_is_live())
     and (select public.meets_mfa_requirement())
   group by l.user_id
   order by count(*) desc, l.user_id;
$$;

-- As in 20261207120000_record_usage_sources_and_deleted_projects.sql, and the log of an
-- abandoned answer records who asked for it (the answer message's author).
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

-- As in 20261208050000_record_usage_purpose_and_reasoning_tokens.sql, and the log records who
-- asked (p_asked_by, the caller of the turn; a default, so a function deployed before this
-- migration still calls it, and then the answer message's author stands in).
drop function private.finish_turn(uuid, uuid, uuid, text, text, int[], text, text, text, int, int, int, int, int, int, text, uuid, uuid, uuid, int, text, text, numeric, boolean, boolean, uuid, int);
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
  p_reasoning_tokens int default null,
  p_asked_by uuid default null
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
     tokens_estimated, api_key_id, purpose, reasoning_tokens, asked_by)
  select p_log_id, p_payer_id, p.id, case when p_prompt_id is null then null else p_prompt_version end, s.id,
         m.id, p_provider, p_model, case when p_status = 'complete' then 'success' else p_status end,
         p_ttft_ms, p_latency_ms, p_prompt_tokens, p_completion_tokens,
         p_prompt_tokens + p_completion_tokens, p_error_code, p_cached_tokens, p_cost_usd,
         coalesce(p_tokens_estimated, false), p_api_key_id, 'chat', p_reasoning_tokens,
         coalesce(p_asked_by, m.author_id)
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

revoke all on function private.finish_turn(uuid, uuid, uuid, text, text, int[], text, text, text, int, int, int, int, int, int, text, uuid, uuid, uuid, int, text, text, numeric, boolean, boolean, uuid, int, uuid)
  from public, anon, authenticated, service_role;
revoke all on function private.settle_abandoned_answers(uuid, uuid, uuid, text, text, text)
  from public, anon, authenticated, service_role;
revoke all on function public.usage_asker_names(uuid[]) from public, anon, service_role;
grant execute on function public.usage_asker_names(uuid[]) to authenticated;
revoke all on function public.my_calls_paid_by_others(timestamptz, timestamptz) from public, anon, service_role;
grant execute on function public.my_calls_paid_by_others(timestamptz, timestamptz) to authenticated;
