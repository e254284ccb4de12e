-- Server-set timestamps: the times that order lists, page them and rank shared content are
-- the database's, not the caller's.

-- ============================================================================
-- TABLE
-- ============================================================================

-- None. On hosted Supabase the Data API lets a signed-in user insert and update these tables
-- with any column they are granted, timestamps included. Unchecked, a user could date a
-- public prompt in 2099 (it would top everyone's public library, which is ordered by
-- updated_at), pin a group chat above every member's other chats (last_message_at, which
-- the messages trigger then never moves again), or reorder what keyset pagination walks.
-- Messages and usage logs are already safe (their time columns are not granted).

-- ============================================================================
-- INDEXES
-- ============================================================================

-- None.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why: one rule for every table that has these columns. When an API role writes (a user
-- through the Data API, or the API function, which runs as the caller), created_at,
-- updated_at and last_message_at are now() on insert, and created_at and last_message_at
-- keep their stored value on update (updated_at is set by private.set_updated_at). Writes
-- by the owner connection, the service role and security-definer helpers (the messages
-- trigger that bumps last_message_at, forking a shared chat) keep their values.
-- jsonb_populate_record ignores the keys a table does not have.
create or replace function private.stamp_row_times()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := now();
  v_old jsonb;
begin
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  if tg_op = 'INSERT' then
    new := jsonb_populate_record(new, jsonb_build_object('created_at', v_now, 'updated_at', v_now, 'last_message_at', v_now));
  else
    v_old := to_jsonb(old);
    new := jsonb_populate_record(new, jsonb_strip_nulls(jsonb_build_object(
      'created_at', v_old -> 'created_at',
      'last_message_at', v_old -> 'last_message_at')));
  end if;
  return new;
end;
$$;

revoke all on function private.stamp_row_times() from public, anon, authenticated, service_role;

create trigger prompts_stamp_row_times
  before insert or update on public.prompts
  for each row execute function private.stamp_row_times();

create trigger projects_stamp_row_times
  before insert or update on public.projects
  for each row execute function private.stamp_row_times();

create trigger chat_sessions_stamp_row_times
  before insert or update on public.chat_sessions
  for each row execute function private.stamp_row_times();

create trigger prompt_labels_stamp_row_times
  before insert or update on public.prompt_labels
  for each row execute function private.stamp_row_times();

create trigger answer_scores_stamp_row_times
  before insert or update on public.answer_scores
  for each row execute function private.stamp_row_times();

create trigger prompt_test_cases_stamp_row_times
  before insert or update on public.prompt_test_cases
  for each row execute function private.stamp_row_times();

create trigger file_metadata_stamp_row_times
  before insert or update on public.file_metadata
  for each row execute function private.stamp_row_times();

create trigger message_attachments_stamp_row_times
  before insert or update on public.message_attachments
  for each row execute function private.stamp_row_times();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Unchanged: the columns stay granted (the API and clients may name them); the trigger
-- decides their value.
