-- Writes checked the caller's Auth session twice. A write with the user's token to
-- chat_sessions, session_members, session_shares or session_invitations — through the Data API
-- or the API function, which writes as `authenticated` — met both the restrictive policies every
-- table has (20261203152000_refuse_signed_out_sessions.sql: the session is still signed in;
-- 20261203214659_require_aal2_for_all_user_data.sql: aal2 for a two-factor account) and the
-- statement triggers added with them, which ask the same two questions again. The triggers are
-- there for the RPCs that write as their definer, past RLS (share_session, add_session_member,
-- invite/accept/decline, fork_session), which no policy holds. Renaming a chat called
-- public.session_is_live() three times and public.meets_mfa_requirement() three times (the
-- policies' USING and WITH CHECK, then the trigger).
--
-- The database keeps the check that security needs for each writer: under RLS the policies
-- (they hold for every command, https://supabase.com/docs/guides/database/postgres/row-level-security),
-- past RLS the trigger. The trigger functions now run as the writer (security invoker) and ask
-- row_security_active() whether the table's policies apply to this statement
-- (https://www.postgresql.org/docs/current/functions-info.html); if they do, the restrictive
-- policies have answered already. Inside a definer RPC the writer is the function's owner, to
-- whom RLS does not apply, so the trigger checks as before; so it does for the API function's
-- own writes (no claims: nothing to refuse) and service_role (bypasses RLS; no session id).
-- The API function's own check at the start of each transaction (public.require_live_session,
-- require_mfa_level: 401/403 rather than an empty answer) is unchanged.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Not security definer: row_security_active() answers for the current user, who must be the
-- writer. Both calls below are granted to every role that writes these tables.
create or replace function private.refuse_signed_out_session()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if row_security_active(tg_relid) then
    return null;
  end if;
  if not public.session_is_live() then
    raise exception 'This session has been signed out' using errcode = 'MR401';
  end if;
  return null;
end;
$$;

create or replace function private.refuse_insufficient_aal()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if row_security_active(tg_relid) then
    return null;
  end if;
  if not public.meets_mfa_requirement() then
    raise exception 'This account uses two-factor sign-in: enter the code from your authenticator app first'
      using errcode = 'MR403';
  end if;
  return null;
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Unchanged (create or replace keeps them): nobody may call the trigger functions; a trigger
-- fires whoever writes (EXECUTE is checked when the trigger is created, not when it fires).
