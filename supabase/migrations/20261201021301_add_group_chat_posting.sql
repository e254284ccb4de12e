-- Group chats, posting: members with the `member` role send chat turns in the owner's chat,
-- every message records its author, and who is in a chat (and typing) is shared over Realtime
-- Presence on the session's private channel.
--
-- Message rows stay the function's privileged writes (lib/chat/turn-rows.ts): the direct
-- insert paths users had with their own token are closed here, so a question can only enter
-- a chat through a chat turn. The database still holds the line for those privileged writes:
-- a trigger refuses a message whose author may not post in its chat (a viewer, a removed
-- member, a stranger), whoever writes it.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: in a group chat the session's owner owns every row (user_id: their policies, their
-- export, their cascade), while the author is whoever wrote the question — or, on an answer,
-- whoever asked for it. Set by the function; a deleted account leaves its messages, unsigned.
alter table public.messages add column author_id uuid references auth.users (id) on delete set null;

-- Every existing message was written by its session's owner. Backfilled without touching
-- updated_at (the rows did not change for their readers).
alter table public.messages disable trigger messages_set_updated_at;
update public.messages set author_id = user_id where author_id is null;
alter table public.messages enable trigger messages_set_updated_at;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Covers the author foreign key (account deletion sets it null) and "did this user write in
-- this chat" lookups for author names.
create index messages_author_id_session_id_idx on public.messages (author_id, session_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Messages enter a chat only through a chat turn (the function's privileged path, which the
-- trigger below still checks). Users keep reading (own chats, group chats) and the owner
-- deleting; nobody inserts or updates with their own token.
drop policy "messages: users can add questions to their own sessions" on public.messages;
drop policy "messages: members can post in their group" on public.messages;

-- Presence on a session's private channel `session:<id>`: who is in the chat and who is
-- typing. Hosted Realtime authorises presence with RLS on realtime.messages, `extension =
-- 'presence'`: SELECT to receive others' presence, INSERT to track one's own
-- (https://supabase.com/docs/guides/realtime/authorization). The owner and every member —
-- viewers too — may do both; nobody else. Client broadcasts stay refused (no broadcast
-- insert policy): only the function sends on these channels.
create policy "realtime.messages: participants can see who is in their sessions"
  on realtime.messages for select to authenticated
  using (
    extension = 'presence'
    and exists (
      select 1 from public.chat_sessions s
       where s.id = case
           when (select realtime.topic()) ~ '^session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
             then substr((select realtime.topic()), 9)::uuid
         end
         and (
           s.user_id = (select auth.uid())
           or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = (select auth.uid()))
         )
    )
  );

create policy "realtime.messages: participants can share their presence in their sessions"
  on realtime.messages for insert to authenticated
  with check (
    extension = 'presence'
    and exists (
      select 1 from public.chat_sessions s
       where s.id = case
           when (select realtime.topic()) ~ '^session:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
             then substr((select realtime.topic()), 9)::uuid
         end
         and (
           s.user_id = (select auth.uid())
           or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = (select auth.uid()))
         )
    )
  );

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why: the rule "only the owner and members with the `member` role post" must hold for the
-- function's privileged writes too (they bypass RLS). A message belongs to its session's
-- owner (user_id); its author defaults to that owner and must otherwise be a `member` of the
-- chat at the moment of writing. The membership row is share-locked, so a removal either
-- waits for the turn being written or is seen by it. Runs on every writer, service role too.
create or replace function private.guard_message_author()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_owner uuid;
begin
  select s.user_id into v_owner from public.chat_sessions s where s.id = new.session_id;
  if v_owner is not null and v_owner <> new.user_id then
    raise exception 'messages: a message belongs to the owner of its chat' using errcode = '42501';
  end if;
  if tg_op = 'INSERT' then
    new.author_id := coalesce(new.author_id, new.user_id);
  end if;
  if new.author_id is not null and new.author_id <> new.user_id
     and (tg_op = 'INSERT' or new.author_id is distinct from old.author_id)
     and not exists (
       select 1 from public.session_members m
        where m.session_id = new.session_id and m.user_id = new.author_id and m.role = 'member'
          for key share
     ) then
    raise exception 'messages: only the owner and members with the member role can post in this chat' using errcode = '42501';
  end if;
  return new;
end;
$$;

revoke all on function private.guard_message_author() from public, anon, authenticated, service_role;

create trigger messages_guard_author
  before insert or update of session_id, user_id, author_id on public.messages
  for each row execute function private.guard_message_author();

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: the label shown on each message of a group chat. Returns the display name (never an
-- email) of each of `p_user_ids` who is a participant of the chat or wrote in it — to the
-- owner and members of that chat only; nothing to anyone else.
create or replace function public.message_author_names(p_session_id uuid, p_user_ids uuid[])
returns table (user_id uuid, display_name text)
language sql
stable
security definer
set search_path = ''
as $$
  select p.id, p.display_name
    from public.profiles p
   where p.id = any(p_user_ids)
     and exists (
       select 1 from public.chat_sessions s
        where s.id = p_session_id
          and (s.user_id = (select auth.uid())
               or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = (select auth.uid())))
     )
     and (
       exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = p.id)
       or exists (select 1 from public.session_members m where m.session_id = p_session_id and m.user_id = p.id)
       or exists (select 1 from public.messages msg where msg.author_id = p.id and msg.session_id = p_session_id)
     );
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke insert on public.messages from authenticated;
revoke all on function public.message_author_names(uuid, uuid[]) from public, anon;
grant execute on function public.message_author_names(uuid, uuid[]) to authenticated;
