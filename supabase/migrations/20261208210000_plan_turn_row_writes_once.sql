-- A chat turn's start planned some of its writes again on every turn. Timed inside Postgres
-- (backend CPU of the turn's rows as private.write_turn_rows writes them, against the same
-- database without this file, turn by turn; docs/performance.md, 2026-12-07 01:35 UTC), two
-- kinds of work that no cached plan covered:
--
-- - The functions that say what the search indexes hold for a message, a chat's title and a
--   file (public.message_search_vector, public.chat_title_search_vector,
--   public.attachment_search_vector) were SQL functions with `set search_path = ''`. A SQL
--   function with a SET clause is never inlined, and the SQL-function executor parses and plans
--   its body again for each statement that calls it: every INSERT or non-HOT UPDATE of an
--   indexed row did. A turn's start writes its question (indexed at once) and touches its
--   chat's row (whose title entry is written again), its end indexes the answer. As PL/pgSQL
--   they keep their one expression's plan for the connection (as public.session_is_live did in
--   20261204045529). What they compute is unchanged, so the indexes are not rebuilt, and the
--   searches, which repeat the call to use the index, still match it. (Inlined SQL would cost
--   even less, but a function is inlined only for a caller allowed to execute it, so an index
--   expression cached by a connection as another role could stop matching the searches'.)
-- - private.count_owned_rows (the row quotas' counter, three times a new chat's start: its
--   chat, question and answer) built its UPDATE with format() and EXECUTE, which parses and
--   plans it on every call. The three counted columns now have static statements, whose plans
--   PL/pgSQL keeps for the connection; any other name, the deferred count of an import and a
--   removal still take the dynamic ones. private.row_quota, a constant CASE the counters
--   compare against, is PL/pgSQL too.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

create or replace function public.message_search_vector(p_session_id uuid, p_user_id uuid, p_content text, p_reasoning text)
returns tsvector
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
begin
  return to_tsvector('simple'::regconfig, p_content)
      || to_tsvector('simple'::regconfig, coalesce(p_reasoning, ''))
      || array_to_tsvector(array['u ' || p_user_id::text, 's ' || p_session_id::text]);
end;
$$;

create or replace function public.chat_title_search_vector(p_user_id uuid, p_title text)
returns tsvector
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
begin
  return to_tsvector('simple'::regconfig, p_title) || array_to_tsvector(array['u ' || p_user_id::text]);
end;
$$;

create or replace function public.attachment_search_vector(p_session_id uuid, p_owner_id uuid, p_text text)
returns tsvector
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
begin
  return to_tsvector('simple'::regconfig, p_text)
      || array_to_tsvector(array['u ' || p_owner_id::text, 's ' || p_session_id::text]);
end;
$$;

create or replace function private.row_quota(p_counted text)
returns bigint
language plpgsql
immutable
set search_path = ''
as $$
begin
  return case p_counted
    when 'chat_sessions' then 50000
    when 'messages' then 1000000
    when 'messages_per_chat' then 100000
    when 'prompt_versions' then 100000
    when 'prompt_versions_per_prompt' then 10000
  end::bigint;
end;
$$;

-- As 20261207200000's, with static statements for the counted columns.
create or replace function private.count_owned_rows(p_user_id uuid, p_counted text, p_added bigint)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_count bigint;
  v_deferred bigint;
begin
  if p_added = 0 then
    return;
  end if;
  if p_added < 0 then
    -- A user being deleted may have lost the row already; nothing to count then.
    execute format('update private.user_row_counts set %1$I = greatest(%1$I + $2, 0) where user_id = $1', p_counted)
      using p_user_id, p_added;
    return;
  end if;
  -- The setting only saves other writers the lookup; the row says whether this transaction defers.
  if current_setting('mrprompt.deferred_row_counts', true) = p_user_id::text then
    execute format('update private.deferred_row_counts set %1$I = %1$I + $2 where xact = pg_current_xact_id() and user_id = $1', p_counted)
      using p_user_id, p_added;
    -- EXECUTE leaves FOUND alone (https://www.postgresql.org/docs/17/plpgsql-statements.html).
    get diagnostics v_deferred = row_count;
    if v_deferred > 0 then
      return;
    end if;
  end if;
  -- The counts are never null: none means the owner has no row yet.
  if p_counted = 'messages' then
    update private.user_row_counts set messages = messages + p_added where user_id = p_user_id returning messages into v_count;
  elsif p_counted = 'chat_sessions' then
    update private.user_row_counts set chat_sessions = chat_sessions + p_added where user_id = p_user_id returning chat_sessions into v_count;
  elsif p_counted = 'prompt_versions' then
    update private.user_row_counts set prompt_versions = prompt_versions + p_added where user_id = p_user_id returning prompt_versions into v_count;
  else
    execute format('update private.user_row_counts set %1$I = %1$I + $2 where user_id = $1 returning %1$I', p_counted)
      into v_count using p_user_id, p_added;
  end if;
  if v_count is null then
    execute format(
      'insert into private.user_row_counts as c (user_id, %1$I) values ($1, $2)
         on conflict (user_id) do update set %1$I = c.%1$I + excluded.%1$I
       returning c.%1$I', p_counted)
      into v_count using p_user_id, p_added;
  end if;
  if v_count > private.row_quota(p_counted) then
    perform private.raise_row_quota(p_counted, private.row_quota(p_counted), 'user_id');
  end if;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Unchanged: CREATE OR REPLACE keeps a function's privileges (the search vectors: authenticated
-- and service_role; the quota functions: the owner only).
