-- Group chats: people join by accepting an invitation, never at the inviter's word alone.
--
-- add_session_member made anyone with an account a member of any chat the moment its owner
-- typed their address, and its answer ("no user with that email" or a member) told the owner
-- whether an address had an account. Now the owner records an invitation for an address —
-- the same answer whether or not an account uses it — and the person behind that address
-- sees it, and accepts (becoming a member with the invited role) or declines. The owner sees
-- and cancels pending invitations. Only accept_session_invitation writes a membership for the
-- API roles (no insert grant on session_members for anyone but the table's owner), and it
-- checks that the caller's own account address is the invited one.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: a pending invitation to a group chat, by address (lower-cased), whether or not an
-- account uses it yet; someone who signs up with it later sees it too. owner_id is the chat's
-- owner, kept true by the foreign key (as on session_members).
create table public.session_invitations (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null,
  owner_id uuid not null,
  email text not null check (char_length(email) between 3 and 320 and email = lower(btrim(email))),
  role text not null check (role in ('viewer', 'member')),
  created_at timestamptz not null default now(),
  unique (session_id, email),
  foreign key (session_id, owner_id) references public.chat_sessions (id, user_id) on delete cascade
);

-- ============================================================================
-- INDEXES
-- ============================================================================

-- (session_id, email) is covered by the unique constraint; these cover the owner foreign key,
-- the owner's policy, and "my invitations" by address.
create index session_invitations_session_id_owner_id_idx on public.session_invitations (session_id, owner_id);
create index session_invitations_owner_id_idx on public.session_invitations (owner_id);
create index session_invitations_email_idx on public.session_invitations (email);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.session_invitations enable row level security;

-- The owner sees and cancels their chats' invitations. The invitee reaches theirs only through
-- the functions below (matching their address needs auth.users, which the API roles cannot read).
create policy "session_invitations: owners can read their chats' invitations"
  on public.session_invitations for select to authenticated
  using (owner_id = (select auth.uid()));

create policy "session_invitations: owners can cancel their chats' invitations"
  on public.session_invitations for delete to authenticated
  using (owner_id = (select auth.uid()));

-- As every table in public (20261203152000_refuse_signed_out_sessions.sql).
create policy "session_invitations: only a session that is still signed in"
  on public.session_invitations as restrictive for all to authenticated
  using ((select public.session_is_live())) with check ((select public.session_is_live()));

-- The owner changes a member's role (member ⇄ viewer) on the row itself; only that column.
create policy "session_members: owners can change a member's role"
  on public.session_members for update to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

-- Each user's own private channel `user:<id>`: their devices hear there that an invitation
-- came or went (and, 20261203180100, that they joined or left a chat). Only they may receive
-- on it; nobody sends on it but the database (realtime.send in the triggers below), as hosted
-- Realtime authorises private channels (https://supabase.com/docs/guides/realtime/authorization).
create policy "realtime.messages: users can receive on their own channel"
  on realtime.messages for select to authenticated
  using (
    extension = 'broadcast'
    and (select realtime.topic()) = 'user:' || (select auth.uid())::text
  );

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger session_invitations_refuse_signed_out_session
  before insert or update or delete on public.session_invitations
  for each statement execute function private.refuse_signed_out_session();

-- Why: an invitee's open app shows a new invitation (or drops a cancelled one) at once. The
-- signal goes from the database with the commit ("Broadcast from the database",
-- https://supabase.com/docs/guides/realtime/broadcast#trigger-broadcast-messages-from-your-database),
-- to the private channel of the account using the address, if one does; it carries nothing
-- (the app reads GET /invitations), and only that account may receive it.
create or replace function private.signal_session_invitation()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user uuid;
begin
  select u.id into v_user from auth.users u
   where lower(u.email) = coalesce(new.email, old.email) and u.email_confirmed_at is not null and u.deleted_at is null
   limit 1;
  if v_user is not null then
    perform realtime.send('{}'::jsonb, 'invitations_changed', 'user:' || v_user::text, true);
  end if;
  return null;
end;
$$;

revoke all on function private.signal_session_invitation() from public, anon, authenticated, service_role;

create trigger session_invitations_signal_invitee
  after insert or update or delete on public.session_invitations
  for each row execute function private.signal_session_invitation();

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- The old way in: a membership at the owner's word, and an answer that told whether an
-- address had an account. Gone; invite_session_member replaces it.
drop function public.add_session_member(uuid, text, text);

-- Why: invite by address. Records (or re-roles) a pending invitation and returns its id — the
-- same for an address no account uses, so the answer tells nothing about accounts. The only
-- refusals are about what the owner already knows: their own chat, their own address, and
-- the people already in it (whose addresses they see in session_participants).
create or replace function public.invite_session_member(p_session_id uuid, p_email text, p_role text)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_owner uuid := (select auth.uid());
  v_email text := lower(btrim(p_email));
  v_id uuid;
begin
  if v_owner is null then
    raise exception 'invite_session_member: sign in first' using errcode = '42501';
  end if;
  if not exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = v_owner) then
    raise exception 'invite_session_member: no such session' using errcode = 'P0002';
  end if;
  if exists (select 1 from auth.users u where u.id = v_owner and lower(u.email) = v_email) then
    raise exception 'invite_session_member: you own this chat already' using errcode = '22023';
  end if;
  if exists (
    select 1 from public.session_members m join auth.users u on u.id = m.user_id
     where m.session_id = p_session_id and lower(u.email) = v_email
  ) then
    raise exception 'invite_session_member: already in this chat' using errcode = '23505';
  end if;
  if (select count(*) from public.session_invitations i where i.session_id = p_session_id and i.email <> v_email) >= 100 then
    raise exception 'invite_session_member: too many pending invitations' using errcode = '54000';
  end if;
  insert into public.session_invitations (session_id, owner_id, email, role)
  values (p_session_id, v_owner, v_email, p_role)
  on conflict (session_id, email) do update set role = excluded.role
  returning id into v_id;
  return v_id;
end;
$$;

-- Why: the invitations waiting for the caller (to their account's address), with what they
-- need to decide: the chat's title, who invites them (name, never an address), the role.
create or replace function public.my_session_invitations()
returns table (id uuid, session_id uuid, session_title text, inviter_name text, role text, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select i.id, i.session_id, s.title, p.display_name, i.role, i.created_at
    from auth.users u
    join public.session_invitations i on i.email = lower(u.email)
    join public.chat_sessions s on s.id = i.session_id
    join public.profiles p on p.id = i.owner_id
   where u.id = (select auth.uid())
     and u.email_confirmed_at is not null and u.deleted_at is null
     and i.owner_id <> u.id
     and (select public.session_is_live())
   order by i.created_at desc;
$$;

-- Why: the one way into a chat. Only the person whose account address was invited — confirmed,
-- so an account that merely claims the address (sign-up without confirming it) does not — can accept;
-- the invitation is used up and they become a participant with the invited role. Returns the
-- chat's id, or raises 'no such invitation' (also for anyone else's).
create or replace function public.accept_session_invitation(p_invitation_id uuid)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user uuid := (select auth.uid());
  v_invitation public.session_invitations;
begin
  if v_user is null then
    raise exception 'accept_session_invitation: sign in first' using errcode = '42501';
  end if;
  delete from public.session_invitations i
   using auth.users u
   where i.id = p_invitation_id and u.id = v_user and i.email = lower(u.email)
     and u.email_confirmed_at is not null and u.deleted_at is null and i.owner_id <> v_user
  returning i.* into v_invitation;
  if v_invitation.id is null then
    raise exception 'accept_session_invitation: no such invitation' using errcode = 'P0002';
  end if;
  insert into public.session_members (session_id, owner_id, user_id, role)
  values (v_invitation.session_id, v_invitation.owner_id, v_user, v_invitation.role)
  on conflict (session_id, user_id) do update set role = excluded.role;
  return v_invitation.session_id;
end;
$$;

-- Why: the invitee says no; the invitation goes (the owner may invite again). Returns whether
-- there was one to decline.
create or replace function public.decline_session_invitation(p_invitation_id uuid)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with gone as (
    delete from public.session_invitations i
     using auth.users u
     where i.id = p_invitation_id and u.id = (select auth.uid()) and i.email = lower(u.email)
     and u.email_confirmed_at is not null and u.deleted_at is null
    returning i.id
  )
  select exists (select 1 from gone);
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on public.session_invitations from anon, authenticated, service_role;
grant select, delete on public.session_invitations to authenticated;
grant select, insert, update, delete on public.session_invitations to service_role;

-- Memberships: no one but the table's owner (and accept_session_invitation, run as it) adds
-- one; the owner changes only the role.
revoke insert, update on public.session_members from service_role;
grant update (role) on public.session_members to authenticated;

revoke all on function public.invite_session_member(uuid, text, text) from public, anon;
grant execute on function public.invite_session_member(uuid, text, text) to authenticated;
revoke all on function public.my_session_invitations() from public, anon;
grant execute on function public.my_session_invitations() to authenticated;
revoke all on function public.accept_session_invitation(uuid) from public, anon;
grant execute on function public.accept_session_invitation(uuid) to authenticated;
revoke all on function public.decline_session_invitation(uuid) from public, anon;
grant execute on function public.decline_session_invitation(uuid) to authenticated;
