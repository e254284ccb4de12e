-- Four gaps a database audit found, each reproduced with the Data API's own roles and the
-- official clients against the local stack (tests named below).
--
-- 1. An attached file could still be overwritten. 20261203195000_keep_attached_objects.sql
--    stopped its uploader from swapping, moving or removing a file once a message or a
--    project names it, through RLS: the policies Storage checks with the user's token. A signed
--    upload URL escapes those policies. Storage checks RLS when it signs the URL and then
--    writes the upload as its own superuser connection, and the URL stays valid for two hours
--    (https://supabase.com/docs/reference/javascript/storage-from-createsigneduploadurl). So a
--    URL signed with `upsert: true` before sending replaced the bytes of the file after it was
--    sent. The chat's owner and members then read another file under that message, and a
--    regenerate sent it to the model. A BEFORE UPDATE trigger on storage.objects now refuses any
--    new version, name or bucket for an object a message_attachments or file_metadata row
--    names, whoever writes it. Storage writes an upsert as `insert … on conflict (name,
--    bucket_id) do update`, and the conflicting row goes through the table's BEFORE UPDATE
--    triggers (https://www.postgresql.org/docs/17/sql-insert.html#SQL-ON-CONFLICT). Hosted
--    projects may create triggers on storage.objects, which supabase_storage_admin owns:
--    https://supabase.com/changelog/34270-restricting-access-on-auth-storage-and-realtime-schemas-on-april-21-2025
--    ("Create RLS policies and database triggers on … storage.objects"). The trigger raises
--    42501, which Storage answers as a refused write (AccessDenied, the trigger's message:
--    supabase/storage src/storage/database/errors.ts), before it reads the upload, because it
--    tests every write first, as superuser too (Uploader.canUpload). Metadata-only writes are
--    let through. tests/db/storage-objects.test.ts, tests/contract/storage-signed.test.ts.
--
-- 2. chat_sessions.channel_epoch was writable on INSERT. The API roles hold table-wide INSERT
--    on chat_sessions, and the epoch's guard (20261201030617) ran on UPDATE only. An owner who
--    created a chat with channel_epoch = 2147483647 made every later removal fail with
--    `integer out of range`, because each removal moves the epoch on by one
--    (private.bump_session_channel_epoch, after every session_members delete). The
--    member could not leave, the owner could not remove them, and their account could not be
--    deleted (the cascade from auth.users runs the same bump). An epoch of 999999999 instead
--    made the next topic `session:<id>:1000000000`, which the realtime policies' topic pattern
--    (`[1-9][0-9]{0,8}`, nine digits) never authorises. Now the API roles' value is replaced by
--    0 on INSERT as on UPDATE. A check keeps every epoch within the nine digits the topic
--    allows. The bump wraps from 999999999 to 1, so a removal cannot fail because of the
--    epoch. Removals alone would need a billion to get there, so only a privileged write can
--    reach it. Chats already planted above 999999999 are reset to 0: removals cannot have taken
--    them there, so the epoch was written on INSERT, the chat's channel was never at 0, and no
--    removed member holds that topic. tests/db/channel-epoch.test.ts.
--
-- 3. A snapshot share link fell back to a branch that was never shared. A snapshot shows the
--    branch that was active when it was made (session_shares.leaf_id, 20261201022708). Deleting
--    that leaf cleared leaf_id (the foreign key's `on delete set null`), and
--    private.shared_leaf then took the newest message written before the link. That message
--    could be on any branch, for example an answer regenerated after the one the owner chose
--    to share. The link and every fork through it showed it. A snapshot now shows its own leaf or
--    nothing. get_shared_messages, get_shared_message_authors and fork_session all ask
--    private.shared_leaf, so they agree: a link whose leaf is gone shows no message, names no
--    author, and a fork through it copies no message (as from an empty chat). A live link is
--    unchanged: it follows the chat's active leaf, or its newest message.
--    tests/db/session-shares.test.ts.
--
-- 4. public.my_group_chat_ids() answered signed-out tokens and aal1 tokens of two-factor
--    accounts (ids only: the tables that call it hold their rows back anyway). It now answers
--    nothing unless public.session_checks_pass() (session_is_live() and meets_mfa_requirement()
--    in one call), as the other definer functions that read for the caller do ("Enforce rules
--    for MFA logins",
--    https://supabase.com/docs/guides/auth/auth-mfa#enforce-rules-for-mfa-logins). The rows
--    for a valid token are the same. tests/db/chat-read-policies.test.ts.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Chats planted with an epoch the realtime topic cannot carry (see 2 above).
update public.chat_sessions set channel_epoch = 0 where channel_epoch > 999999999;

alter table public.chat_sessions drop constraint chat_sessions_channel_epoch_check;
alter table public.chat_sessions
  add constraint chat_sessions_channel_epoch_check check (channel_epoch between 0 and 999999999);

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: the leaf of the branch a link shows. A live link follows the chat's active leaf, or
-- its newest message. A snapshot shows the leaf it was made with, and nothing once that
-- message is deleted. Unchanged signature, so its callers keep calling it.
create or replace function private.shared_leaf(p_session_id uuid, p_live boolean, p_shared_at timestamptz, p_leaf_id uuid)
returns uuid
language sql
stable
set search_path = ''
as $$
  select case
    when p_live then coalesce(
      (select s.active_leaf_id from public.chat_sessions s where s.id = p_session_id),
      (select m.id from public.messages m where m.session_id = p_session_id order by m.created_at desc, m.id desc limit 1))
    else p_leaf_id
  end;
$$;

-- Why: the group chats the caller is a member or viewer of, for the members' read policies
-- of chat_sessions and messages. Nothing for a signed-out session or, on an account with a
-- verified factor, below aal2. session_checks_pass() is the one call for both checks
-- (20261204123441). The id is read once per call, as in 20261205162000.
create or replace function public.my_group_chat_ids()
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
rows 10
as $$
begin
  if not (select public.session_checks_pass()) then
    return;
  end if;
  return query select m.session_id from public.session_members m where m.user_id = (select auth.uid());
end;
$$;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why: only the database moves a chat's channel. For the API roles, the epoch stays on UPDATE
-- (as before) and is 0 on INSERT.
create or replace function private.keep_session_channel_epoch()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user in ('authenticated', 'anon') then
    new.channel_epoch := case when tg_op = 'INSERT' then 0 else old.channel_epoch end;
  end if;
  return new;
end;
$$;

revoke all on function private.keep_session_channel_epoch() from public, anon, authenticated, service_role;

drop trigger chat_sessions_keep_channel_epoch on public.chat_sessions;
create trigger chat_sessions_keep_channel_epoch
  before insert or update of channel_epoch on public.chat_sessions
  for each row execute function private.keep_session_channel_epoch();

-- Why security definer: a member who leaves may not update the owner's chat, yet their leaving
-- must move the channel like a removal does. The epoch wraps from 999999999 to 1, which keeps
-- it within the nine digits of the realtime topic, so a removal never fails because of it. The
-- chat's row is locked first, so concurrent removals each move it once. A chat being deleted
-- (the cascade) has no row to move and tells no one here: its own delete event says so.
-- Otherwise as in 20261204013441_send_member_removed_from_database.sql.
create or replace function private.bump_session_channel_epoch()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_old_epoch int;
begin
  select s.channel_epoch into v_old_epoch from public.chat_sessions s where s.id = old.session_id for update;
  if not found then
    return null;
  end if;
  update public.chat_sessions s
     set channel_epoch = case when v_old_epoch >= 999999999 then 1 else v_old_epoch + 1 end
   where s.id = old.session_id;
  perform realtime.send(
    jsonb_build_object('user_id', old.user_id),
    'member_removed',
    'session:' || old.session_id::text || case when v_old_epoch > 0 then ':' || v_old_epoch::text else '' end,
    true);
  return null;
end;
$$;

revoke all on function private.bump_session_channel_epoch() from public, anon, authenticated, service_role;

-- Why security definer: Storage writes as supabase_storage_admin, which has no grants on the
-- public tables this reads. The trigger's condition limits it to writes that change an
-- attachment's bytes (its version), name or bucket. The lookups use
-- message_attachments_storage_path_idx and file_metadata's unique storage_path.
create or replace function private.keep_attached_object()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.message_attachments a where a.storage_path = old.name)
     or exists (select 1 from public.file_metadata f where f.storage_path = old.name) then
    raise exception 'The object % is attached to a message or a project file: it cannot be replaced or moved', old.name
      using errcode = '42501';
  end if;
  return new;
end;
$$;

revoke all on function private.keep_attached_object() from public, anon, authenticated, service_role;

create trigger objects_keep_attached
  before update on storage.objects
  for each row
  when (old.bucket_id = 'attachments'
        and (new.bucket_id, new.name, new.version) is distinct from (old.bucket_id, old.name, old.version))
  execute function private.keep_attached_object();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Unchanged: create or replace keeps the grants of shared_leaf (none), my_group_chat_ids
-- (authenticated, service_role) and the trigger functions (none).
