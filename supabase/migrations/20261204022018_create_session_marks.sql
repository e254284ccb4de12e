-- session_marks: pinning and archiving a chat are each person's own.
--
-- chat_sessions.pinned_at and archived_at (20261201001452) were columns of the shared session
-- row. In a group chat every member and viewer could read the owner's pins and archive through
-- the Data API (the members' select policy returns the whole row) and in every Realtime
-- postgres_changes event of the chat, and none of them could pin or archive the chat in their
-- own list (the update policy is the owner's; PATCH /sessions/{id} answered 404). The marks
-- move to a table of their own, one row per person and chat, which only that person reads and
-- writes, and only for a chat they can read; the columns go, so nobody reads anyone's marks.
-- The API keeps its `pinned_at`/`archived_at` fields, now the caller's own.
--
-- session_marks is not in the supabase_realtime publication: Realtime does not apply RLS to
-- delete events ("RLS policies are not applied to DELETE statements",
-- https://supabase.com/docs/guides/realtime/postgres-changes, "Delete events are not
-- filterable"), so every
-- listener would learn whose marks went for which chat, e.g. when a member is removed. A
-- person's own devices hear `marks_changed` on their private channel `user:<id>` instead, as
-- they hear about memberships (20261203180100).

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: how one person sorts their own list of chats. pinned_at: listed first, newest pin
-- first; archived_at: out of the default list, listed on request. A row with both null is
-- the same as no row.
-- member_id: the person again when they are not the chat's owner (set by the trigger below,
-- never by the writer), so a member's or viewer's mark hangs on their membership: leaving or
-- being removed deletes it (cascade), and a mark cannot be written for a membership that is
-- not there, or is being removed at that moment (the foreign key's check locks the
-- membership row until the mark's transaction ends). Null on the owner's marks.
create table public.session_marks (
  user_id uuid not null references auth.users (id) on delete cascade,
  session_id uuid not null references public.chat_sessions (id) on delete cascade,
  member_id uuid check (member_id = user_id),
  pinned_at timestamptz,
  archived_at timestamptz,
  primary key (user_id, session_id),
  foreign key (session_id, member_id) references public.session_members (session_id, user_id) on delete cascade
);

comment on table public.session_marks is
  'Per-user pin and archive state of a chat session; each user reads and writes only their own, for chats they can read.';

-- The owners' marks as they were; members had none.
insert into public.session_marks (user_id, session_id, pinned_at, archived_at)
select user_id, id, pinned_at, archived_at
  from public.chat_sessions
 where pinned_at is not null or archived_at is not null;

-- Dropping the columns drops chat_sessions_user_id_active_idx (its predicate read archived_at).
alter table public.chat_sessions
  drop column pinned_at,
  drop column archived_at;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- The sidebar walks the owner's chats by last activity in the list's exact order (ties by id,
-- as the cursor), skipping archived ones by a primary-key probe of session_marks; it replaces
-- the partial index that went with archived_at, and the two-column one it extends.
create index chat_sessions_user_id_recent_idx on public.chat_sessions (user_id, last_message_at desc, id desc);
drop index public.chat_sessions_user_id_last_message_at_idx;

-- The foreign keys to chat_sessions (a chat's deletion) and session_members (a member's
-- removal). The primary key covers user_id.
create index session_marks_session_id_member_id_idx on public.session_marks (session_id, member_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.session_marks enable row level security;

-- Writing: "a chat they can read" is chat_sessions' own select policies (the owner's, or a
-- member's or viewer's of a group chat), which apply inside these subqueries as they do
-- everywhere: RLS holds for every table a policy reads
-- (https://supabase.com/docs/guides/database/postgres/row-level-security).
-- Reading needs only user_id: a mark exists only while its person can read the chat (the
-- chat's deletion and the membership's end take it, foreign keys above), and the sidebar
-- probes thousands of them per list, where a second lookup per row would double its cost.
create policy "session_marks: users can read their own marks"
  on public.session_marks for select to authenticated
  using (user_id = (select auth.uid()));

create policy "session_marks: users can mark chats they can read"
  on public.session_marks for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.chat_sessions s where s.id = session_marks.session_id)
  );

create policy "session_marks: users can change their own marks"
  on public.session_marks for update to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.chat_sessions s where s.id = session_marks.session_id)
  );

create policy "session_marks: users can delete their own marks"
  on public.session_marks for delete to authenticated
  using (user_id = (select auth.uid()));

-- The two restrictive rules every table has: a signed-out session reaches nothing
-- (20261203152000_refuse_signed_out_sessions.sql), nor does an aal1 session of a two-factor
-- account (20261203214659_require_aal2_for_all_user_data.sql,
-- https://supabase.com/docs/guides/auth/auth-mfa#enforce-rules-for-mfa-logins).
create policy "session_marks: only a session that is still signed in"
  on public.session_marks as restrictive for all to authenticated
  using ((select public.session_is_live()))
  with check ((select public.session_is_live()));

create policy "session_marks: two-factor accounts need aal2"
  on public.session_marks as restrictive for all to authenticated
  using ((select public.meets_mfa_requirement()))
  with check ((select public.meets_mfa_requirement()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why: member_id is the database's to set: the person's when they do not own the chat (their
-- mark then needs, and hangs on, their membership), null when they do. As the definer: who
-- owns a chat is read past RLS, whoever writes.
create or replace function private.set_session_mark_member()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.member_id := case
    when exists (select 1 from public.chat_sessions s where s.id = new.session_id and s.user_id = new.user_id) then null
    else new.user_id
  end;
  return new;
end;
$$;

revoke all on function private.set_session_mark_member() from public, anon, authenticated, service_role;

create trigger session_marks_set_member
  before insert or update of user_id, session_id, member_id on public.session_marks
  for each row execute function private.set_session_mark_member();

-- Why: the person's other devices move the chat in their list at once. One signal per person
-- and statement (archiving every chat is one statement): naming the chat when only one
-- changed, else none (the app reads the list again). Only that person may receive on
-- `user:<id>` (20261203180000). "Broadcast from the database":
-- https://supabase.com/docs/guides/realtime/broadcast#trigger-broadcast-messages-from-your-database
create or replace function private.signal_session_marks()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  r record;
begin
  for r in
    select c.user_id, case when count(*) = 1 then min(c.session_id::text) end as session_id
      from changed c
     group by c.user_id
  loop
    perform realtime.send(
      case when r.session_id is null then '{}'::jsonb else jsonb_build_object('session_id', r.session_id) end,
      'marks_changed', 'user:' || r.user_id::text, true);
  end loop;
  return null;
end;
$$;

revoke all on function private.signal_session_marks() from public, anon, authenticated, service_role;

-- Transition tables allow one event per trigger, hence three.
create trigger session_marks_signal_insert
  after insert on public.session_marks
  referencing new table as changed
  for each statement execute function private.signal_session_marks();
create trigger session_marks_signal_update
  after update on public.session_marks
  referencing new table as changed
  for each statement execute function private.signal_session_marks();
create trigger session_marks_signal_delete
  after delete on public.session_marks
  referencing old table as changed
  for each statement execute function private.signal_session_marks();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- A mark names its person and chat once: only the times change; member_id is the trigger's.
revoke all on public.session_marks from anon, authenticated, service_role;
grant select, delete on public.session_marks to authenticated;
grant insert (user_id, session_id, pinned_at, archived_at) on public.session_marks to authenticated;
grant update (pinned_at, archived_at) on public.session_marks to authenticated;
grant select, insert, update, delete on public.session_marks to service_role;
