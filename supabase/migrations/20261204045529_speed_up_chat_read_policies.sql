-- The chat history page missed its targets (README, Performance: p95 22.9 ms through the API,
-- 8.3 ms in SQL, against 10 and 2). Traced as the authenticated role with EXPLAIN (ANALYZE,
-- BUFFERS): the page's one statement reads messages four times (the walk's start and steps,
-- each message's siblings) and chat_sessions once, and every reference brings its policies:
-- - the two restrictive checks, each an initPlan run once per reference: 4 calls of
--   public.session_is_live() and 4 of public.meets_mfa_requirement() per page. session_is_live
--   was a SQL function, which cannot be inlined (security definer), so each call planned its
--   body again (≈ 0.3 ms of CPU per call here, against ≈ 0.05 ms as PL/pgSQL);
-- - the members' select policy, an EXISTS on session_members that brought session_members' own
--   policies into every plan (five more initPlans and a bitmap scan per reference, never run for
--   the owner's own rows): planning the page took 1.75 ms as the user against 0.5 ms as the
--   owner of the tables, and the API plans every statement (prepare: false, for Supabase's
--   transaction-mode pooler).
-- "RLS performance recommendations",
-- https://supabase.com/docs/guides/database/postgres/row-level-security#rls-performance-recommendations:
-- wrap functions in (select …) so they run once per statement (already so), and use a security
-- definer function for a lookup of another table with RLS of its own, so its policies are not
-- applied (and planned) inside the policy. The rules themselves do not change.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Same answer as before; PL/pgSQL keeps the plan of its lookup for the connection
-- (https://www.postgresql.org/docs/current/plpgsql-implementation.html#PLPGSQL-PLAN-CACHING),
-- as public.meets_mfa_requirement() does since 20261203214659.
create or replace function public.session_is_live()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  token_session text := auth.jwt() ->> 'session_id';
begin
  return token_session is null
      or exists (
        select 1 from auth.sessions s
         where s.id = token_session::uuid
           and s.user_id = auth.uid()
           and (s.not_after is null or s.not_after > now())
      );
end;
$$;

-- Why: the group chats the caller is a member or viewer of, for the members' read policies of
-- chat_sessions and messages. As the definer, session_members' own policies are not planned
-- into every statement on those tables; what they would add holds anyway: the caller's own
-- memberships only, and the restrictive checks (signed-in session, aal2) are on the tables
-- that ask. Called as an RPC it answers what the caller can read in session_members already.
create or replace function public.my_group_chat_ids()
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
rows 10
as $$
begin
  return query select m.session_id from public.session_members m where m.user_id = auth.uid();
end;
$$;

comment on function public.my_group_chat_ids() is
  'The ids of the group chats the caller is a member or viewer of (their own memberships).';

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- The same rows as before (20261130231416_create_session_members.sql's EXISTS on
-- session_members): a hashed set of the
-- caller's memberships, read once per statement and only for rows that are not their own.
alter policy "chat_sessions: members can read their group chats" on public.chat_sessions
  using (id in (select public.my_group_chat_ids()));

alter policy "messages: members can read their group's messages" on public.messages
  using (session_id in (select public.my_group_chat_ids()));

-- ============================================================================
-- GRANTS
-- ============================================================================

-- create or replace kept session_is_live's grants (authenticated, service_role).
revoke all on function public.my_group_chat_ids() from public, anon;
grant execute on function public.my_group_chat_ids() to authenticated, service_role;
