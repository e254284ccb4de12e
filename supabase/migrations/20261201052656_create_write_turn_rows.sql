-- The rows a chat turn starts with, written by one statement: the API used to open a
-- transaction and pipeline five statements (BEGIN, the statements, COMMIT: three round trips
-- and one pool connection held for all of them) on the path of every chat turn. The function
-- runs the same statements in the same order, in the calling statement's transaction, so the
-- triggers (default_message_parent, messages_guard_author, the active leaf) and the
-- constraints that make one running turn per session (the unique session_id of
-- private.chat_turns, the unique streaming answer per session) hold exactly as before.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Called by the API as the connection owner with the verified ids; every row is the session
-- owner's (p_owner_id), and nothing lands in a session that is not theirs. Returns null when
-- the rows are written, otherwise what was missing: 'session' (not the owner's, or gone) or
-- 'project' (a new chat's project is not the owner's). A running turn in the session raises
-- unique_violation (23505); an author who may not post raises 42501 (messages_guard_author).
create or replace function private.write_turn_rows(
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
  p_lease_seconds double precision
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
    update public.chat_sessions s set metadata = s.metadata || p_metadata
     where s.id = p_session_id and s.user_id = p_owner_id;
    if not found then
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
    insert into public.messages (id, session_id, user_id, author_id, sender, content, status, token_count, parent_id)
    values (p_question_id, p_session_id, p_owner_id, p_author_id, 'user', p_question, 'complete', p_question_tokens, p_parent_id);
  end if;

  insert into public.messages (id, session_id, user_id, author_id, sender, content, status, provider, model, parent_id)
  values (p_answer_id, p_session_id, p_owner_id, p_author_id, 'assistant', '', 'streaming', p_provider, p_model, p_question_id);

  insert into private.chat_turns (message_id, session_id, user_id, lease_expires_at)
  values (p_answer_id, p_session_id, p_owner_id, clock_timestamp() + make_interval(secs => p_lease_seconds));
  return null;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Only the connection owner runs it (the API roles cannot reach the private schema anyway).
revoke all on function private.write_turn_rows(uuid, uuid, uuid, boolean, uuid, text, jsonb, uuid, boolean, text, int, uuid, uuid, text, text, double precision)
  from public, anon, authenticated, service_role;
