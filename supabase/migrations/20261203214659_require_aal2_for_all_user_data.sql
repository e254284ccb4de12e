-- Two-factor sign-in protects the whole account, not only provider keys. Until now an account
-- with a verified authenticator app needed an aal2 session only for api_credentials
-- (20261130232829_require_aal2_for_api_credentials.sql): the password alone gave an aal1 token
-- from the Auth API that read every chat, prompt, project and file through the Data API,
-- Storage and Realtime. Supabase's recommendation is a restrictive policy on every table
-- ("Enforce rules for MFA logins",
-- https://supabase.com/docs/guides/auth/auth-mfa#enforce-rules-for-mfa-logins), here with the
-- existing public.meets_mfa_requirement() (true without a verified factor, or at aal2):
-- - a restrictive policy on every RLS table in public, Storage's objects and Realtime's
--   channel messages (private channels are authorised by RLS on realtime.messages);
-- - the RPCs that write as their definer, past RLS (share, invite, accept, decline, fork), are
--   held by a statement trigger on the tables they write, as signed-out sessions are
--   (20261203152000_refuse_signed_out_sessions.sql); those that read as their definer answer
--   nothing;
-- - public.require_mfa_level(), which the API function calls with the token's aal where it
--   acts for a user on its own connection (SQLSTATE MR403: 403 insufficient_aal).
-- Users without a verified factor are not affected, nor is the function's own connection
-- (no claims, so no user). Cost: meets_mfa_requirement() is wrapped in (select …), so it runs
-- once per statement and table as an initPlan; at aal2 it answers from the claims, otherwise
-- with one probe of auth.mfa_factors' user_id index (mfa_factors_user_id_idx, Auth's own).

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- The same answer as before (true when the caller has no verified factor or their session is
-- aal2), now in PL/pgSQL: it runs in every statement on every table, and a PL/pgSQL function
-- keeps its query plan for the connection, where a SQL function that cannot be inlined (a
-- security definer one) plans its body again in each statement. Measured on Postgres 17
-- (2,000 statements `select (select public.meets_mfa_requirement())` at aal1): a third to a
-- fifth of the time. At aal2 it answers from the claims alone.
create or replace function public.meets_mfa_requirement()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return coalesce((select auth.jwt()) ->> 'aal', 'aal1') = 'aal2'
      or not exists (
        select 1 from auth.mfa_factors f
         where f.user_id = (select auth.uid()) and f.status = 'verified'
      );
end;
$$;

-- Why: the API function's check, made as the owner with the user id and aal of the token it
-- verified, in a statement it sends anyway (the first of each transaction as the user, chat's
-- gate). Arguments rather than the request's claims, so it holds whatever order the
-- statement's settings run in.
create or replace function public.require_mfa_level(p_user_id uuid, p_aal text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_aal is distinct from 'aal2' and exists (
    select 1 from auth.mfa_factors f where f.user_id = p_user_id and f.status = 'verified'
  ) then
    raise exception 'This account uses two-factor sign-in: enter the code from your authenticator app first'
      using errcode = 'MR403';
  end if;
end;
$$;

comment on function public.require_mfa_level(uuid, text) is
  'Raises MR403 when the user has a verified MFA factor and the given aal is not aal2.';

-- Why a trigger: RPCs run as their definer write past RLS, so the policies below do not hold
-- them; a statement trigger fires whoever writes. The request's claims are the caller's inside
-- those functions too; the API function's own writes carry none and pass.
create or replace function private.refuse_insufficient_aal()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not public.meets_mfa_requirement() then
    raise exception 'This account uses two-factor sign-in: enter the code from your authenticator app first'
      using errcode = 'MR403';
  end if;
  return null;
end;
$$;

-- The definer RPCs that read: as before (20261203160000_hold_participant_reads_to_live_sessions.sql,
-- 20261203180000_create_session_invitations.sql), now also answering nothing to an aal1
-- session of an account with a verified factor. The bodies are otherwise unchanged.

-- Why: everyone in a group chat sees who else is in it (names on messages, the people list);
-- emails only to the owner (and each person their own). Owners and members with a live
-- session that meets the MFA requirement only; returns nothing to anyone else.
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
  select m.user_id, p.display_name, case when a.caller_owns or m.user_id = a.caller_id then u.email::text end, m.role
    from allowed a join public.session_members m on m.session_id = a.id
    join public.profiles p on p.id = m.user_id join auth.users u on u.id = m.user_id;
$$;

-- Why: the display names of a chat's authors, for its owner and members with a live session
-- that meets the MFA requirement.
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
     and (select public.session_is_live())
     and (select public.meets_mfa_requirement())
     and (
       exists (select 1 from public.chat_sessions s where s.id = p_session_id and s.user_id = p.id)
       or exists (select 1 from public.session_members m where m.session_id = p_session_id and m.user_id = p.id)
       or exists (select 1 from public.messages msg where msg.author_id = p.id and msg.session_id = p_session_id)
     );
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
     and (select public.meets_mfa_requirement())
   order by i.created_at desc;
$$;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- The tables the definer RPCs write: share_session (session_shares), invite_session_member,
-- accept_ and decline_session_invitation (session_invitations, session_members), fork_session
-- (chat_sessions). Named so they fire after the signed-out check (triggers fire in name order):
-- a signed-out token hears 401 before 403.
create trigger chat_sessions_require_aal2
  before insert or update or delete on public.chat_sessions
  for each statement execute function private.refuse_insufficient_aal();
create trigger session_shares_require_aal2
  before insert or update or delete on public.session_shares
  for each statement execute function private.refuse_insufficient_aal();
create trigger session_members_require_aal2
  before insert or update or delete on public.session_members
  for each statement execute function private.refuse_insufficient_aal();
create trigger session_invitations_require_aal2
  before insert or update or delete on public.session_invitations
  for each statement execute function private.refuse_insufficient_aal();

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Restrictive: combined with AND with every other policy, for every command. Every RLS table
-- in public holds someone's data (profiles, chats, messages, prompts, projects, files, usage,
-- keys, shares, members, invitations, scores…); api_credentials has had its own since
-- 20261130232829. Storage's objects: the whole table, which holds only the app's buckets. A
-- table added later needs the same policy (tests/db/mfa-everywhere.test.ts checks every one).
do $$
declare
  t record;
begin
  for t in
    select n.nspname as schema_name, c.relname as table_name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and c.relrowsecurity and not c.relispartition
       and (n.nspname = 'public' or (n.nspname, c.relname) in (('storage', 'objects'), ('realtime', 'messages')))
       and not exists (
         select 1 from pg_policy p
          where p.polrelid = c.oid and not p.polpermissive
            and pg_get_expr(p.polqual, p.polrelid) like '%meets_mfa_requirement()%')
  loop
    execute format(
      'create policy %I on %I.%I as restrictive for all to authenticated using ((select public.meets_mfa_requirement())) with check ((select public.meets_mfa_requirement()))',
      t.table_name || ': two-factor accounts need aal2', t.schema_name, t.table_name
    );
  end loop;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- create or replace keeps the reading RPCs' grants (authenticated only).
revoke all on function public.require_mfa_level(uuid, text) from public, anon, authenticated;
revoke all on function private.refuse_insufficient_aal() from public, anon, authenticated, service_role;
grant execute on function public.require_mfa_level(uuid, text) to service_role;
