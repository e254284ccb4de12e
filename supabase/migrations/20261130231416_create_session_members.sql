-- session_members: group chats. The owner of a session invites other users as `viewer`
-- (reads, live) or `member` (reads and posts); whose provider key answers is the owner's
-- choice (chat_sessions.share_owner_key).

-- ============================================================================
-- TABLE
-- ============================================================================

-- A composite key lets a membership row name the session's owner, so policies can check
-- "caller owns this session" from the row itself (no policy on chat_sessions reads
-- session_members and back, which Postgres would reject as infinite recursion).
alter table public.chat_sessions add constraint chat_sessions_id_user_id_key unique (id, user_id);

-- Why: who else may read (and post in) a conversation. owner_id is the session's owner,
-- kept true by the foreign key; a member is never the owner.
create table public.session_members (
  session_id uuid not null,
  owner_id uuid not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('viewer', 'member')),
  created_at timestamptz not null default now(),
  primary key (session_id, user_id),
  foreign key (session_id, owner_id) references public.chat_sessions (id, user_id) on delete cascade,
  check (user_id <> owner_id)
);

-- Whose key answers in a group chat: with share_owner_key the owner's key answers every
-- member's message (and the owner pays); without it each member's own key answers theirs.
alter table public.chat_sessions add column share_owner_key boolean not null default false;

-- Members' devices see membership changes (their sidebar gains or loses the chat).
alter table public.session_members replica identity full;
alter publication supabase_realtime add table public.session_members;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- The primary key covers (session_id, …); these cover the other foreign keys and the
-- policies' lookups by member and by owner.
create index session_members_user_id_session_id_idx on public.session_members (user_id, session_id);
create index session_members_session_id_owner_id_idx on public.session_members (session_id, owner_id);
create index session_members_owner_id_idx on public.session_members (owner_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.session_members enable row level security;

create policy "session_members: owners and the member can read a membership"
  on public.session_members for select to authenticated
  using (owner_id = (select auth.uid()) or user_id = (select auth.uid()));

-- The owner removes anyone; a member may leave.
create policy "session_members: owners remove members, members leave"
  on public.session_members for delete to authenticated
  using (owner_id = (select auth.uid()) or user_id = (select auth.uid()));

-- Members read the session and its messages, live too (Realtime checks these policies for
-- every change, so a removed member stops receiving at once).
create policy "chat_sessions: members can read their group chats"
  on public.chat_sessions for select to authenticated
  using (exists (
    select 1 from public.session_members m
     where m.session_id = chat_sessions.id and m.user_id = (select auth.uid())
  ));

create policy "messages: members can read their group's messages"
  on public.messages for select to authenticated
  using (exists (
    select 1 from public.session_members m
     where m.session_id = messages.session_id and m.user_id = (select auth.uid())
  ));

-- Members with the `member` role post their own questions; viewers cannot.
create policy "messages: members can post in their group"
  on public.messages for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and sender = 'user'
    and exists (
      select 1 from public.session_members m
       where m.session_id = messages.session_id and m.user_id = (select auth.uid()) and m.role = 'member'
    )
  );

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: invite by email. The API roles cannot read auth.users, so this looks the address up
-- for the session's owner only; adding someone again changes their role.
create or replace function public.add_session_member(p_session_id uuid, p_email text, p_role text)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_owner uuid := (select auth.uid());
  v_member uuid;
begin
  if v_owner is null then
    raise exception 'add_session_member: sign in first' using errcode = '42501';
  end if;
  if not exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = v_owner) then
    raise exception 'add_session_member: no such session' using errcode = 'P0002';
  end if;
  select u.id into v_member from auth.users u where lower(u.email) = lower(btrim(p_email)) and u.deleted_at is null;
  if v_member is null then
    raise exception 'add_session_member: no user with that email' using errcode = 'P0002';
  end if;
  if v_member = v_owner then
    raise exception 'add_session_member: you own this chat already' using errcode = '22023';
  end if;
  insert into public.session_members (session_id, owner_id, user_id, role)
  values (p_session_id, v_owner, v_member, p_role)
  on conflict (session_id, user_id) do update set role = excluded.role;
  return v_member;
end;
$$;

-- Why: everyone in a group chat sees who else is in it (names on messages, the people
-- list). Owners and members only; returns nothing to anyone else.
create or replace function public.session_participants(p_session_id uuid)
returns table (user_id uuid, display_name text, email text, role text)
language sql
stable
security definer
set search_path = ''
as $$
  with caller as (select (select auth.uid()) as id),
  allowed as (
    select s.id, s.user_id as owner_id from public.chat_sessions s, caller
     where s.id = p_session_id
       and (s.user_id = caller.id
            or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = caller.id))
  )
  select a.owner_id, p.display_name, u.email::text, 'owner'
    from allowed a join public.profiles p on p.id = a.owner_id join auth.users u on u.id = a.owner_id
  union all
  select m.user_id, p.display_name, u.email::text, m.role
    from allowed a join public.session_members m on m.session_id = a.id
    join public.profiles p on p.id = m.user_id join auth.users u on u.id = m.user_id;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on public.session_members from anon, authenticated, service_role;
grant select, delete on public.session_members to authenticated;
grant select, insert, update, delete on public.session_members to service_role;

revoke all on function public.add_session_member(uuid, text, text) from public, anon;
grant execute on function public.add_session_member(uuid, text, text) to authenticated;
revoke all on function public.session_participants(uuid) from public, anon;
grant execute on function public.session_participants(uuid) to authenticated;
