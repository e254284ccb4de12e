-- The chat history page still missed its targets (issue 9; README, Performance: p95 17.3 ms
-- through the API, 6.8 ms in SQL, against 10 and 2). Traced as the authenticated role on the
-- bench's data (1,000,000 messages, the newest page of the 100,090-message session, EXPLAIN
-- (ANALYZE, BUFFERS) and pg_stat_xact_user_functions): the page's statement reads messages
-- four times and chat_sessions once, and each reference ran both restrictive checks,
-- public.session_is_live() and public.meets_mfa_requirement(), as two initPlans: ten calls of
-- security-definer PL/pgSQL per page, each with its own fmgr set-up, search_path switch and SPI
-- executor run. Execution took 2.4 ms as the user against 0.45 ms as the tables' owner; with the
-- two checks as one function call per reference, 1.0 ms (planning unchanged, ≈ 0.8 ms).
--
-- "RLS performance recommendations",
-- https://supabase.com/docs/guides/database/postgres/row-level-security#rls-performance-recommendations:
-- call functions wrapped in (select …) so Postgres runs them once per statement and table as an
-- initPlan (already so), and keep what a policy runs small. On chat_sessions and messages, the
-- tables every chat read goes through, the two restrictive policies become one that asks both
-- questions in one call. The rule is the same: a row is visible or writable only while the
-- token's Auth session is signed in and, for an account with a verified factor, at aal2
-- ("Enforce rules for MFA logins", https://supabase.com/docs/guides/auth/auth-mfa#enforce-rules-for-mfa-logins).
-- Every other table keeps its two policies; tests/db/mfa-everywhere and signed-out-sessions
-- accept either form, and tests/db/chat-read-policies checks that the combined function answers
-- as the two do, for every kind of token.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why security definer: the API roles have no grants on auth.sessions or auth.mfa_factors. It
-- answers only for the caller's own token, so as an RPC it reveals nothing about anyone else.
-- The same answer as public.session_is_live() and public.meets_mfa_requirement() (which stay,
-- for the other tables, the triggers and the API): the claims are read once, and the common
-- token (no session id, or aal2) needs at most one index probe (auth.sessions' primary key,
-- auth.mfa_factors' user_id index). PL/pgSQL keeps the plans of its lookups for the connection
-- (https://www.postgresql.org/docs/current/plpgsql-implementation.html#PLPGSQL-PLAN-CACHING).
create or replace function public.session_checks_pass()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  claims jsonb := auth.jwt();
  token_session text := claims ->> 'session_id';
  caller uuid := auth.uid();
begin
  if token_session is not null and not exists (
    select 1 from auth.sessions s
     where s.id = token_session::uuid
       and s.user_id = caller
       and (s.not_after is null or s.not_after > now())
  ) then
    return false;
  end if;
  if coalesce(claims ->> 'aal', 'aal1') = 'aal2' then
    return true;
  end if;
  return not exists (
    select 1 from auth.mfa_factors f where f.user_id = caller and f.status = 'verified'
  );
end;
$$;

comment on function public.session_checks_pass() is
  'public.session_is_live() and public.meets_mfa_requirement() in one call: the caller''s session is still signed in, and at aal2 if the account has a verified factor.';

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Restrictive, for every command, as the two policies they replace (created by
-- 20261203152000_refuse_signed_out_sessions.sql and 20261203214659_require_aal2_for_all_user_data.sql).
drop policy "chat_sessions: only a session that is still signed in" on public.chat_sessions;
drop policy "chat_sessions: two-factor accounts need aal2" on public.chat_sessions;
create policy "chat_sessions: signed in, at aal2 for two-factor accounts"
  on public.chat_sessions as restrictive for all to authenticated
  using ((select public.session_checks_pass()))
  with check ((select public.session_checks_pass()));

drop policy "messages: only a session that is still signed in" on public.messages;
drop policy "messages: two-factor accounts need aal2" on public.messages;
create policy "messages: signed in, at aal2 for two-factor accounts"
  on public.messages as restrictive for all to authenticated
  using ((select public.session_checks_pass()))
  with check ((select public.session_checks_pass()));

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.session_checks_pass() from public, anon;
grant execute on function public.session_checks_pass() to authenticated, service_role;
