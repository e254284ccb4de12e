-- api_keys: once a user has enrolled a second factor, their keys for other apps are listed and
-- revoked only from a session that used it (JWT `aal` = 'aal2'), as their provider keys are
-- (20261130232829_require_aal2_for_api_credentials.sql). A key is a standing credential that
-- outlives the session which made it: a password alone (an aal1 session) must not be able to
-- mint one and keep using the account after the password is changed. Creating goes through
-- private.create_api_key on the owner connection, so the API asks public.meets_mfa_requirement()
-- as the caller first (routes/api-keys.ts); this policy holds the rest for the Data API too.
-- Pattern from https://supabase.com/docs/guides/auth/auth-mfa#enforce-rules-for-mfa-logins

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Restrictive: combined with AND with the owner policies (list, revoke).
create policy "api_keys: keys need aal2 once a second factor is enrolled"
  on public.api_keys as restrictive for all to authenticated
  using ((select public.meets_mfa_requirement()))
  with check ((select public.meets_mfa_requirement()));
