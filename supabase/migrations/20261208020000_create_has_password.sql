-- has_password(): whether the caller's account signs in with a password. Settings › Security
-- asks for the current password before a new one or an authenticator app, and must not ask an
-- account that has none (single sign-on). Auth has no "has a password" field, and the `email`
-- identity is no sign of one: Auth (GoTrue and local) also gives an account the provider made
-- that identity when its address changes (adminUserUpdate, internal/api/admin.go;
-- emailChangeVerify, internal/api/verify.go), without a password. The fact is the one Auth
-- itself asks (GoTrue User.HasPassword, internal/models/user.go: encrypted_password set and
-- not empty; an external sign-up stores '', RemoveUnconfirmedIdentities NULL), so the app asks
-- for the current password exactly when Auth's own current-password check would.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why security definer: the API roles cannot read auth.users. It takes no parameter and
-- answers only for the caller (auth.uid()), and only yes or no — never the hash, never anyone
-- else's — as public.two_factor_since does for auth.mfa_factors.
create or replace function public.has_password()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select u.encrypted_password is not null and u.encrypted_password <> ''
       from auth.users u where u.id = (select auth.uid())),
    false);
$$;

comment on function public.has_password() is
  'Whether the caller''s account has a password (auth.users.encrypted_password set and not empty).';

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function public.has_password() from public, anon, service_role;
grant execute on function public.has_password() to authenticated;
