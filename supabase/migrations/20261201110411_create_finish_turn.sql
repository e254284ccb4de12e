-- The end of a chat turn in one statement: the answer, its usage log, the session's lock and the
-- checkpoints, where it took a transaction of five or six statements (a round trip each, on a
-- pooled connection held across all of them). PL/pgSQL keeps the inner statements' plans for
-- the connection's life, so a busy function no longer parses and plans them for every answer
-- (https://www.postgresql.org/docs/current/plpgsql-implementation.html#PLPGSQL-PLAN-CACHING).
-- Returns whether the answer row was written: the chat may have been deleted (on another
-- device) while it streamed — the call is still logged, without its message.
create or replace function private.finish_turn(
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
  p_touch_credential boolean
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

  -- Logged (and its cost counted) for whoever's key paid; the session and message are the
  -- owner's rows, linked for the payer too (they can read them as a member).
  insert into public.prompt_usage_logs
    (id, user_id, prompt_id, prompt_version, session_id, message_id, provider, model, status,
     ttft_ms, latency_ms, prompt_tokens, completion_tokens, token_count, error_code, cached_tokens, cost_usd)
  select p_log_id, p_payer_id, p.id, case when p_prompt_id is null then null else p_prompt_version end, s.id,
         case when v_kept then p_message_id end,
         p_provider, p_model, case when p_status = 'complete' then 'success' else p_status end,
         p_ttft_ms, p_latency_ms, p_prompt_tokens, p_completion_tokens,
         p_prompt_tokens + p_completion_tokens, p_error_code, p_cached_tokens, p_cost_usd
    from (select 1) one
    left join public.prompts p on p.id = p_prompt_id and (p.is_public or p.user_id = p_payer_id)
    left join public.chat_sessions s on v_kept and s.id = p_session_id and s.user_id = p_user_id;

  if p_touch_credential then
    update public.api_credentials set last_used_at = now() where user_id = p_payer_id and provider = p_provider;
  end if;
  return v_kept;
end;
$$;
revoke all on function private.finish_turn(uuid, uuid, uuid, text, text, int[], text, text, text, int, int, int, int, int, int, text, uuid, uuid, uuid, int, text, text, numeric, boolean)
  from public, anon, authenticated, service_role;
