-- two_factor_since(): when the caller turned two-factor sign-in on — the creation time of their
-- earliest verified factor in auth.mfa_factors (null without one). Settings labels the API keys
-- made before it: such a key was minted by a session that never showed a second factor, and
-- keeps working (an integration depends on it), so its owner is told to consider replacing it
-- rather than having it revoked behind their back (GET /api/api-keys `made_before_two_factor`).
-- A factor's created_at is when it was enrolled; it is verified minutes later in the normal
-- flow (the verification time itself is not stored), and a key made in between counts as
-- made before.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why security definer: the API roles have no grants on auth.mfa_factors. It answers only for
-- the caller (auth.uid()), so exposing it as an RPC reveals nothing about anyone else; the
-- pattern of public.meets_mfa_requirement
-- (https://supabase.com/docs/guides/auth/auth-mfa#enforce-rules-for-mfa-logins).
create or replace function public.two_factor_since()
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select min(f.created_at) from auth.mfa_factors f
   where f.user_id = (select auth.uid()) and f.status = 'verified';
$$;

comment on function public.two_factor_since() is
  'When the caller''s earliest verified MFA factor was enrolled; null without one.';

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.two_factor_since() from public, anon;
grant execute on function public.two_factor_since() to authenticated, service_role;
