-- A rename's and a removal's signals say what changed, so an open view cannot keep the old value.
--
-- Realtime sends a transaction's database broadcasts as soon as it decodes the commit from the
-- WAL, and Postgres flushes the commit record before the committing backend leaves the proc
-- array: for a moment other sessions' snapshots do not see the change yet (hosted Realtime
-- broadcasts a decoded insert at once, supabase/realtime
-- lib/realtime/tenants/replication_connection.ex; so does the local stack). `renamed`
-- (20261206050000_signal_session_renames.sql) and `member_removed`
-- (20261204013441_send_member_removed_from_database.sql) named nothing the view could check, so
-- the one session read each started could answer from before the commit, and was kept: an old
-- title, or an old channel epoch — a view left on a topic nothing is sent to any more. The
-- branch signal had the same race (20261207170000_name_leaf_in_branch_signals.sql).
--
-- 1. chat_sessions.title_version counts the chat's renames: 0 for a new chat, one more with
--    every change of its title, kept by the database whoever writes the row. Every road a title
--    reaches a view by carries it (the Postgres Changes row, GET /sessions/{id}, `renamed`), so
--    the view shows the newest title it has heard of and reads until a read shows the version a
--    message named (web/src/lib/chat/title-versions.ts). The message names the version, not the
--    title: database broadcasts are rows of realtime.messages, kept up to 72 hours whatever
--    happens to the chat, and they carry ids and counters only.
-- 2. `member_removed` names the epoch the channel moved to, beside who was removed: the view
--    moves there without a read. Those who hear it on the old topic were participants when they
--    joined it; a removed one learns only a topic name, and joining it is authorised by
--    membership of the chat ("realtime.messages: participants can receive broadcasts of their
--    sessions", 20261201030617).

-- ============================================================================
-- TABLE
-- ============================================================================

alter table public.chat_sessions
  add column title_version integer not null default 0 check (title_version >= 0);

comment on column public.chat_sessions.title_version is
  'How many times the title changed (kept by the database): a view keeps the title of the highest version it heard of.';

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why: only the database counts renames, so that a view can trust the count. It stays at the
-- largest integer rather than fail a rename (views then accept any title of that version).
create or replace function private.count_session_title_versions()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.title_version := 0;
  elsif new.title is distinct from old.title then
    new.title_version := least(old.title_version, 2147483646) + 1;
  else
    new.title_version := old.title_version;
  end if;
  return new;
end;
$$;

revoke all on function private.count_session_title_versions() from public, anon, authenticated, service_role;

-- Only writes that name the title or its version: a turn's updates of the chat never run it.
create trigger chat_sessions_count_title_versions
  before insert or update of title, title_version on public.chat_sessions
  for each row execute function private.count_session_title_versions();

-- Why security definer: realtime.send writes realtime.messages, which the person renaming may
-- not insert into on those topics themselves; the members are read whatever the caller's RLS
-- shows. Otherwise as in 20261206053000_tell_participants_of_renames.sql, with the version.
create or replace function private.signal_session_renamed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user uuid;
begin
  perform realtime.send(
    jsonb_build_object('title_version', new.title_version),
    'renamed',
    'session:' || new.id::text || case when new.channel_epoch > 0 then ':' || new.channel_epoch::text else '' end,
    true);
  for v_user in
    select new.user_id
    union all
    select m.user_id from public.session_members m where m.session_id = new.id
  loop
    perform realtime.send(
      jsonb_build_object('session_id', new.id, 'title_version', new.title_version),
      'session_renamed',
      'user:' || v_user::text,
      true);
  end loop;
  return null;
end;
$$;

revoke all on function private.signal_session_renamed() from public, anon, authenticated, service_role;

-- Why security definer: a member who leaves may not update the owner's chat, yet their leaving
-- must move the channel like a removal does. Otherwise as in
-- 20261206080000_close_epoch_share_and_storage_gaps.sql, with the new epoch in the message.
create or replace function private.bump_session_channel_epoch()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_old_epoch int;
  v_new_epoch int;
begin
  select s.channel_epoch into v_old_epoch from public.chat_sessions s where s.id = old.session_id for update;
  if not found then
    return null;
  end if;
  v_new_epoch := case when v_old_epoch >= 999999999 then 1 else v_old_epoch + 1 end;
  update public.chat_sessions s set channel_epoch = v_new_epoch where s.id = old.session_id;
  perform realtime.send(
    jsonb_build_object('user_id', old.user_id, 'channel_epoch', v_new_epoch),
    'member_removed',
    'session:' || old.session_id::text || case when v_old_epoch > 0 then ':' || v_old_epoch::text else '' end,
    true);
  return null;
end;
$$;

revoke all on function private.bump_session_channel_epoch() from public, anon, authenticated, service_role;
