-- Group chat invitations: each refusal has its own SQLSTATE.
--
-- invite_session_member and accept_session_invitation refused with shared codes (P0002 for
-- both "no such session" and "no such invitation", 23505, 22023, 54000 — codes Postgres itself
-- raises for other reasons), so the API told them apart by matching the message text, and a
-- reworded message would have turned a 404 into a 500. Each refusal now raises a code of the
-- project's own class `MR` (as MR401, a signed-out session:
-- 20261203152000_refuse_signed_out_sessions.sql), which no Postgres error uses. The API maps
-- them exactly (supabase/functions/api/lib/db-errors.ts, REFUSALS); a Data API caller of the
-- RPC gets the code in the error's `code` field, and HTTP 400, PostgREST's status for a code
-- it does not know (https://supabase.com/docs/guides/api/rest/postgrest-error-codes).
--
--   MRG01  invite_session_member: no such session (or not the caller's)   API 404 not_found
--   MRG02  invite_session_member: the address is the owner's own          API 422 already_owner
--   MRG03  invite_session_member: that person is in the chat already      API 409 already_member
--   MRG04  invite_session_member: 100 pending invitations on this chat    API 409 too_many_invitations
--   MRG05  accept_session_invitation: no such invitation (or not theirs)  API 404 not_found
--
-- Messages and everything else the functions do are unchanged.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why: invite by address (20261203180000_create_session_invitations.sql); only the codes changed.
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
  insert into public.session_invitations (session_id, owner_id, email, role)
  values (p_session_id, v_owner, v_email, p_role)
  on conflict (session_id, email) do update set role = excluded.role
  returning id into v_id;
  return v_id;
end;
$$;

-- Why: the one way into a chat (20261203180000_create_session_invitations.sql); only the code
-- of "no such invitation" changed.
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
    raise exception 'accept_session_invitation: no such invitation' using errcode = 'MRG05';
  end if;
  insert into public.session_members (session_id, owner_id, user_id, role)
  values (v_invitation.session_id, v_invitation.owner_id, v_user, v_invitation.role)
  on conflict (session_id, user_id) do update set role = excluded.role;
  return v_invitation.session_id;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Unchanged: create or replace keeps both functions' grants (authenticated only).
