-- Signed-out sessions: Supabase Auth's access tokens stay valid until they expire, even once
-- the session they were issued for is signed out ("Access Tokens of revoked sessions remain
-- valid until their expiry time", https://supabase.com/docs/guides/auth/signout). Signing out
-- of other devices, a password reset or a ban would then leave a copied token working for up
-- to an hour (jwt_expiry). Every token Auth issues names its session (`session_id`), and a
-- signed-out session's row is gone from auth.sessions, so the database can refuse such a
-- token itself: a restrictive policy on every table the API roles reach — public, Storage's
-- objects, Realtime's channel messages — for the Data API, Storage and Realtime alike, and
-- public.require_live_session() for the API function, which answers 401 instead of an empty
-- list. The RPCs that write as their definer, past RLS (share_session, add_session_member,
-- fork_session), are held by a statement trigger on the tables they write. A token without a session id (none is issued by Auth; the API function's own claims
-- for API keys, whose revocation is checked when the key is) is not affected.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why security definer: the API roles have no grants on auth.sessions. It answers only for
-- the caller's own session, so exposing it as an RPC reveals nothing about anyone else.
create or replace function public.session_is_live()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select (select auth.jwt()) ->> 'session_id' is null
      or exists (
        select 1 from auth.sessions s
         where s.id = ((select auth.jwt()) ->> 'session_id')::uuid
           and s.user_id = (select auth.uid())
           and (s.not_after is null or s.not_after > now())
      );
$$;

comment on function public.session_is_live() is
  'False when the caller''s access token belongs to a session that has been signed out (or has ended).';

-- The API function's check, sent with the claims at the start of each of its transactions:
-- it raises SQLSTATE MR401, which the function answers as 401 session_ended. Takes the
-- session id as an argument, so it holds whatever order the statement's settings run in.
create or replace function public.require_live_session(p_session_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_session_id is not null and not exists (
    select 1 from auth.sessions s
     where s.id = p_session_id and (s.not_after is null or s.not_after > now())
  ) then
    raise exception 'This session has been signed out' using errcode = 'MR401';
  end if;
end;
$$;

comment on function public.require_live_session(uuid) is
  'Raises MR401 unless the given session exists and has not ended.';

-- Why a trigger: RPCs run as their definer write past RLS, so the policies below do not hold
-- them; a statement trigger fires whoever writes. The request's claims are the caller's
-- inside those functions too; the function's own writes on its owner connection carry none.
create or replace function private.refuse_signed_out_session()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not public.session_is_live() then
    raise exception 'This session has been signed out' using errcode = 'MR401';
  end if;
  return null;
end;
$$;

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger chat_sessions_refuse_signed_out_session
  before insert or update or delete on public.chat_sessions
  for each statement execute function private.refuse_signed_out_session();
create trigger session_shares_refuse_signed_out_session
  before insert or update or delete on public.session_shares
  for each statement execute function private.refuse_signed_out_session();
create trigger session_members_refuse_signed_out_session
  before insert or update or delete on public.session_members
  for each statement execute function private.refuse_signed_out_session();

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Restrictive: combined with AND with every other policy, for every command. A table added
-- later needs the same policy (tests/db/signed-out-sessions.test.ts checks every one has it).
do $$
declare
  t record;
begin
  for t in
    select n.nspname as schema_name, c.relname as table_name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and c.relrowsecurity
       and (n.nspname = 'public' or (n.nspname, c.relname) in (('storage', 'objects'), ('realtime', 'messages')))
       and not c.relispartition
  loop
    execute format(
      'create policy %I on %I.%I as restrictive for all to authenticated using ((select public.session_is_live())) with check ((select public.session_is_live()))',
      t.table_name || ': only a session that is still signed in', t.schema_name, t.table_name
    );
  end loop;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.session_is_live() from public, anon;
grant execute on function public.session_is_live() to authenticated, service_role;
revoke all on function public.require_live_session(uuid) from public, anon, authenticated;
revoke all on function private.refuse_signed_out_session() from public, anon, authenticated, service_role;
grant execute on function public.require_live_session(uuid) to service_role;
