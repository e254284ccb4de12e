-- A group-chat invitation goes to the account that used its address when it was made, or to
-- whoever opens the owner's invitation link with that address — never to whoever signs up later.
--
-- Invitations matched their invitee by a confirmed address alone (email_confirmed_at). Where
-- Auth confirms addresses without a mail (`[auth.email] enable_confirmations = false`, GoTrue's
-- MAILER_AUTOCONFIRM: https://supabase.com/docs/guides/auth/general-configuration), a sign-up
-- proves nothing about the mailbox: anyone could sign up with an invited address that had no
-- account yet, see the invitation (the chat's title, the inviter), accept it and read the chat.
-- That must not hang on an Auth setting, so the database now decides:
--  - invite_session_member records the account that uses the address as the invitation's
--    `invitee_id` (null when none does; inviting the address again binds it anew). Only that
--    account lists, accepts or declines it in the app. Nobody but the database reads the column:
--    an owner must not learn from it who has an account (the API answers an invitation the same
--    way whether or not one does).
--  - For an address with no account yet the owner sends a link: invitation_link() makes a secret
--    for it (256 bits, kept as its SHA-256, a new one replacing the last) and
--    accept_session_invitation_link() lets an account in that holds the secret *and* the
--    invited address, confirmed. A leaked link alone lets nobody else in; an address alone, no
--    later account.
-- Pending invitations keep their invitee if that account existed when they were made; the rest
-- wait for a link (or for the owner to invite the address again).

-- ============================================================================
-- TABLES
-- ============================================================================

alter table public.session_invitations
  add column invitee_id uuid references auth.users (id) on delete set null,
  add column token_hash bytea;

create unique index session_invitations_token_hash_key on public.session_invitations (token_hash);
create index session_invitations_invitee_id_idx on public.session_invitations (invitee_id);

update public.session_invitations i
   set invitee_id = u.id
  from auth.users u
 where lower(u.email) = i.email and u.created_at <= i.created_at and u.deleted_at is null;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261203210206_rate_limit_forks_and_invitations.sql, binding the invitation to the
-- account that uses the address now (an unconfirmed one too: accepting still needs a confirmed
-- address, which only the mailbox's owner can give it).
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
    raise exception 'invite_session_member: no such session' using errcode = 'MRG01';
  end if;
  if exists (select 1 from auth.users u where u.id = v_owner and lower(u.email) = v_email) then
    raise exception 'invite_session_member: you own this chat already' using errcode = 'MRG02';
  end if;
  if exists (
    select 1 from public.session_members m join auth.users u on u.id = m.user_id
     where m.session_id = p_session_id and lower(u.email) = v_email
  ) then
    raise exception 'invite_session_member: already in this chat' using errcode = 'MRG03';
  end if;
  if (select count(*) from public.session_invitations i where i.session_id = p_session_id and i.email <> v_email) >= 100 then
    raise exception 'invite_session_member: too many pending invitations' using errcode = 'MRG04';
  end if;
  perform private.take_rate_limit_token(v_owner, 'invitations', 50, 1.0 / 60, 'MRG06', 'invite_session_member: too many invitations');
  insert into public.session_invitations (session_id, owner_id, email, role, invitee_id)
  values (p_session_id, v_owner, v_email, p_role,
          (select u.id from auth.users u where lower(u.email) = v_email and u.deleted_at is null order by u.created_at limit 1))
  on conflict (session_id, email) do update set role = excluded.role, invitee_id = excluded.invitee_id
  returning id into v_id;
  return v_id;
end;
$$;

-- The invitation's link secret, new each time (the last one stops working): the chat's owner only.
create or replace function public.invitation_link(p_invitation_id uuid)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_token text := rtrim(translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/', '-_'), '=');
begin
  update public.session_invitations i
     set token_hash = sha256(convert_to(v_token, 'UTF8'))
   where i.id = p_invitation_id and i.owner_id = (select auth.uid());
  if not found then
    raise exception 'invitation_link: no such invitation' using errcode = 'MRG05';
  end if;
  return v_token;
end;
$$;

-- As in 20261203214659_require_aal2_for_all_user_data.sql: the invitations bound to this account.
create or replace function public.my_session_invitations()
returns table (id uuid, session_id uuid, session_title text, inviter_name text, role text, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select i.id, i.session_id, s.title, p.display_name, i.role, i.created_at
    from auth.users u
    join public.session_invitations i on i.email = lower(u.email) and i.invitee_id = u.id
    join public.chat_sessions s on s.id = i.session_id
    join public.profiles p on p.id = i.owner_id
   where u.id = (select auth.uid())
     and u.email_confirmed_at is not null and u.deleted_at is null
     and i.owner_id <> u.id
     and (select public.session_is_live())
     and (select public.meets_mfa_requirement())
   order by i.created_at desc;
$$;

-- Joins the chat of the invitation `v_invitation` names (deleted by the caller's check).
create or replace function private.join_invited_session(p_user uuid, p_invitation public.session_invitations)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_invitation.id is null then
    raise exception 'accept_session_invitation: no such invitation' using errcode = 'MRG05';
  end if;
  insert into public.session_members (session_id, owner_id, user_id, role)
  values (p_invitation.session_id, p_invitation.owner_id, p_user, p_invitation.role)
  on conflict (session_id, user_id) do update set role = excluded.role;
  return p_invitation.session_id;
end;
$$;

-- As in 20261203205734_give_invitation_refusals_sqlstates.sql, for the bound account only.
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
   where i.id = p_invitation_id and u.id = v_user and i.invitee_id = v_user and i.email = lower(u.email)
     and u.email_confirmed_at is not null and u.deleted_at is null and i.owner_id <> v_user
  returning i.* into v_invitation;
  return private.join_invited_session(v_user, v_invitation);
end;
$$;

-- Through the owner's link: the secret and the invited address, confirmed, whoever's account it is.
create or replace function public.accept_session_invitation_link(p_token text)
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
    raise exception 'accept_session_invitation_link: sign in first' using errcode = '42501';
  end if;
  delete from public.session_invitations i
   using auth.users u
   where i.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8')) and u.id = v_user and i.email = lower(u.email)
     and u.email_confirmed_at is not null and u.deleted_at is null and i.owner_id <> v_user
  returning i.* into v_invitation;
  return private.join_invited_session(v_user, v_invitation);
end;
$$;

-- As in 20261203180000_create_session_invitations.sql, for the bound account only (a later
-- account with the address cannot make an invitation go away).
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
     where i.id = p_invitation_id and u.id = (select auth.uid()) and i.invitee_id = u.id and i.email = lower(u.email)
     and u.email_confirmed_at is not null and u.deleted_at is null
    returning i.id
  )
  select exists (select 1 from gone);
$$;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- As in 20261203180000: the invitee's devices re-read their invitations — now the account an
-- invitation is bound to (before and after a change), not any account with the address.
create or replace function private.signal_session_invitation()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user uuid;
begin
  for v_user in
    select distinct x from unnest(array[
      case when tg_op <> 'DELETE' then new.invitee_id end,
      case when tg_op <> 'INSERT' then old.invitee_id end]) x
     where x is not null
  loop
    perform realtime.send('{}'::jsonb, 'invitations_changed', 'user:' || v_user::text, true);
  end loop;
  return null;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Owners read their invitations' columns but not whom an address belongs to, nor the secret's hash.
revoke select on public.session_invitations from authenticated;
grant select (id, session_id, owner_id, email, role, created_at) on public.session_invitations to authenticated;

revoke all on function private.join_invited_session(uuid, public.session_invitations) from public, anon, authenticated, service_role;
revoke all on function public.invitation_link(uuid) from public, anon;
grant execute on function public.invitation_link(uuid) to authenticated;
revoke all on function public.accept_session_invitation_link(text) from public, anon;
grant execute on function public.accept_session_invitation_link(text) to authenticated;
