-- Inviting an address no longer tells the heir of a handed-over chat whether it belongs to
-- someone the previous owner invited.
--
-- Since 20261208100000_tighten_group_chat_hand_overs.sql an owner sees the address of a member
-- only if the member joined while that owner owned the chat: the people the previous owner
-- invited gave their addresses to that owner, not to the heir. But invite_session_member still
-- refused any address of anyone in the chat ("already in this chat", MRG03, 409 already_member)
-- and accepted any other one (201). The heir sees each person's name, so they could guess
-- addresses ("vic.smith@…" for "Vic Smith") and learn from the answer which guess was right.
--
-- The refusal now applies only to a member whose address the caller may see. An address of a
-- member the caller may not see is treated like any other address: the same rate limit and cap
-- on pending invitations, the same new pending invitation, the same 201. We chose this over
-- refusing every address of a member (which would still be an oracle) and over answering the
-- same refusal for every address (which would stop the heir from inviting anyone). It leaks
-- nothing, because a wrong guess and a right one now leave the same thing behind: an invitation
-- the heir can see, withdraw or wait on. It loses nothing, because the invitation is bound to
-- the member's account like any other, so the member sees who invited them and may decline it.
-- Accepting it makes no second membership (private.join_invited_session updates the row that is
-- there): the member keeps their row, so their place in line for the next hand-over and the
-- address the heir does not see stay as they were, and takes the role they accepted, which the
-- owner could have set from the list anyway. An owner who means to change someone's role does it
-- from the list, which names everyone.
--
-- Who may see whose address is decided in one place, private.owner_sees_member_email(), which
-- session_participants now uses too.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: the owner of a chat sees the address of a member who joined while they owned it, and of
-- no one the chat's previous owner let in before handing it over (private.chat_handovers keeps
-- the chat's latest hand-over). Owners' reads and refusals must agree, or one reveals the other.
create or replace function private.owner_sees_member_email(p_session_id uuid, p_joined_at timestamptz)
returns boolean
language sql
stable
set search_path = ''
as $$
  select not exists (
    select 1 from private.chat_handovers h where h.session_id = p_session_id and h.handed_at >= p_joined_at
  );
$$;

-- As in 20261208100000_tighten_group_chat_hand_overs.sql, with the rule in the helper above.
create or replace function public.session_participants(p_session_id uuid)
returns table (user_id uuid, display_name text, email text, role text)
language sql
stable
security definer
set search_path = ''
as $$
  with caller as (select (select auth.uid()) as id),
  allowed as (
    select s.id, s.user_id as owner_id, s.user_id = caller.id as caller_owns, caller.id as caller_id
      from public.chat_sessions s, caller
     where s.id = p_session_id
       and (s.user_id = caller.id
            or exists (select 1 from public.session_members m where m.session_id = s.id and m.user_id = caller.id))
       and (select public.session_is_live())
       and (select public.meets_mfa_requirement())
  )
  select a.owner_id, p.display_name, case when a.caller_owns then u.email::text end, 'owner'
    from allowed a join public.profiles p on p.id = a.owner_id join auth.users u on u.id = a.owner_id
  union all
  select m.user_id, p.display_name,
         case when m.user_id = a.caller_id
                or (a.caller_owns and private.owner_sees_member_email(a.id, m.created_at))
              then u.email::text end,
         m.role
    from allowed a join public.session_members m on m.session_id = a.id
    join public.profiles p on p.id = m.user_id join auth.users u on u.id = m.user_id;
$$;

-- As in 20261206073000_bind_invitations_to_accounts.sql, but "already in this chat" only for a
-- member whose address the owner may see (the header says why).
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
       and private.owner_sees_member_email(p_session_id, m.created_at)
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

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.owner_sees_member_email(uuid, timestamptz) from public, anon, authenticated, service_role;
