-- A chat longer than its model's context window is sent without its oldest messages, and the
-- turn's `meta` event says how many (`dropped_turns`). Only the tab that asked ever saw that
-- count: after a reload, and on every other device, an answer written without the start of the
-- conversation looked like one written with it. The count is now kept with the answer, written
-- by the statement that writes the turn's rows (no extra round trip on the way to the first
-- token), and read with the message (GET /sessions/{id}/messages, Realtime, the export).

-- ============================================================================
-- COLUMN
-- ============================================================================

-- Null: nothing was left out (every question, and every answer before this column).
-- People cannot write messages (only the API's functions do), so it says what the API sent.
alter table public.messages
  add column dropped_turns int check (dropped_turns > 0);

comment on column public.messages.dropped_turns is
  'An answer: how many of the chat''s oldest messages its context left out to fit the model''s window (null: none).';

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261208010000_record_sent_question_ids.sql, plus p_dropped_turns: the answer's count of
-- left-out messages, written with its row.
drop function private.write_turn_rows(uuid, uuid, uuid, boolean, uuid, text, jsonb, uuid, boolean, text, int, uuid, uuid, text, text, double precision, uuid, uuid, int, int, bigint, bigint, boolean, uuid, uuid);
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
  p_touch_credential boolean default false,
  p_api_key_id uuid default null,
  p_client_id uuid default null,
  p_dropped_turns int default null
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
    if p_client_id is not null then
      insert into private.sent_questions (author_id, client_id, message_id, session_id)
      values (p_author_id, p_client_id, p_question_id, p_session_id);
    end if;
  end if;

  insert into public.messages (id, session_id, user_id, author_id, sender, content, status, provider, model, parent_id, dropped_turns)
  values (p_answer_id, p_session_id, p_owner_id, p_author_id, 'assistant', '', 'streaming', p_provider, p_model, p_question_id, nullif(p_dropped_turns, 0));

  insert into private.chat_turns
    (message_id, session_id, user_id, lease_expires_at,
     payer_id, prompt_id, prompt_version, prompt_tokens, input_pico_per_token, output_pico_per_token, touch_credential, api_key_id)
  values (p_answer_id, p_session_id, p_owner_id, clock_timestamp() + make_interval(secs => p_lease_seconds),
          p_payer_id, p_prompt_id, p_prompt_version, p_prompt_tokens, p_input_pico_per_token, p_output_pico_per_token, p_touch_credential, p_api_key_id);
  return null;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.write_turn_rows(uuid, uuid, uuid, boolean, uuid, text, jsonb, uuid, boolean, text, int, uuid, uuid, text, text, double precision, uuid, uuid, int, int, bigint, bigint, boolean, uuid, uuid, int)
  from public, anon, authenticated, service_role;
