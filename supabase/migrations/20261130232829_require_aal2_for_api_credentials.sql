-- api_credentials: once a user has enrolled a second factor (a verified factor in
-- auth.mfa_factors), their provider keys are reachable only from a session that used it
-- (JWT `aal` = 'aal2'). Users without a factor are not affected. The rule holds in the
-- database, so it covers the API function (which runs reads and deletes as the user) and the
-- Data API alike; the function checks the same helper before it stores a key as the owner.
-- Pattern from https://supabase.com/docs/guides/auth/auth-mfa#enforce-rules-for-mfa-logins

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why security definer: the API roles have no grants on auth.mfa_factors. It answers only
-- for the caller (auth.uid()), so exposing it as an RPC reveals nothing about anyone else.
create or replace function public.meets_mfa_requirement()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((select auth.jwt()) ->> 'aal', 'aal1') = 'aal2'
      or not exists (
        select 1 from auth.mfa_factors f
         where f.user_id = (select auth.uid()) and f.status = 'verified'
      );
$$;

comment on function public.meets_mfa_requirement() is
  'True when the caller has no verified MFA factor or their session is aal2.';

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Restrictive: combined with AND with the owner policies, for every command.
create policy "api_credentials: keys need aal2 once a second factor is enrolled"
  on public.api_credentials as restrictive for all to authenticated
  using ((select public.meets_mfa_requirement()))
  with check ((select public.meets_mfa_requirement()));

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.meets_mfa_requirement() from public, anon;
grant execute on function public.meets_mfa_requirement() to authenticated, service_role;
