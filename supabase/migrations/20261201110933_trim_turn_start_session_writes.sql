-- A chat turn's first statement (private.write_turn_rows) wrote its session's row three times:
-- the owner's settings (even when they had not changed), then last_message_at and the active
-- leaf once for the question and once more for the answer (the AFTER INSERT trigger on
-- messages). Every one of those is a new row version: chat_sessions has replica identity
-- full, so each UPDATE logs the whole old row as well, and last_message_at and active_leaf_id
-- are indexed, so none is a HOT update and each adds an entry to every index of the table
-- (https://www.postgresql.org/docs/17/storage-hot.html). Now the row is written once per
-- turn in a chat that goes on (twice for a new chat: its insert and the answer's touch),
-- with the same end state: the answer is the active leaf and sets last_message_at.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why a skip: write_turn_rows inserts the question and, in the same statement, the answer
-- under it, which moves the leaf and the sidebar order past the question anyway. It names
-- the question in the transaction-local setting `mrprompt.session_touched_later`; every other
-- writer (imports, forks, the Data API, scripts) leaves it unset and is touched as before.
create or replace function private.touch_session_last_message_at()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.id::text is not distinct from nullif(current_setting('mrprompt.session_touched_later', true), '') then
    return null;
  end if;
  update public.chat_sessions s
     set last_message_at = greatest(s.last_message_at, new.created_at),
         active_leaf_id = new.id
   where s.id = new.session_id;
  return null;
end;
$$;

revoke all on function private.touch_session_last_message_at() from public, anon, authenticated, service_role;

-- As in 20261201052656_create_write_turn_rows.sql, with two writes fewer: the owner's settings
-- are written only when they change, and the question does not touch the session (the answer
-- right after it does). Still one statement and one transaction; the same checks, triggers and
-- constraints (one running turn per session) hold.
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

  insert into private.chat_turns (message_id, session_id, user_id, lease_expires_at)
  values (p_answer_id, p_session_id, p_owner_id, clock_timestamp() + make_interval(secs => p_lease_seconds));
  return null;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.write_turn_rows(uuid, uuid, uuid, boolean, uuid, text, jsonb, uuid, boolean, text, int, uuid, uuid, text, text, double precision)
  from public, anon, authenticated, service_role;
