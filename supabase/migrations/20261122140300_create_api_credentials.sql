-- api_credentials: a user's provider API keys, stored encrypted by the API.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: users bring their own provider keys. The API encrypts each key (AES-256-GCM,
-- `v<key_version>.<nonce>.<ciphertext+tag>`) before it reaches this table, and the API roles
-- may write the ciphertext but never read it back; only private.read_credential_ciphertext
-- (in the private schema migration) does, for the verified user.
create table public.api_credentials (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  provider text not null check (provider ~ '^[a-z][a-z0-9_-]{1,31}$'),
  encrypted_key text not null check (char_length(encrypted_key) between 1 and 8192),
  key_hint text not null default '' check (char_length(key_hint) <= 16),
  base_url text check (char_length(base_url) <= 2048 and base_url ~ '^https?://'),
  last_used_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, provider)
);

comment on column public.api_credentials.encrypted_key is 'Ciphertext only; not selectable by anon/authenticated.';
comment on column public.api_credentials.key_hint is 'The last characters of the key, for display.';
comment on column public.api_credentials.base_url is 'Only for providers without a fixed endpoint (custom, ollama).';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- unique (user_id, provider) covers the foreign key and the policies' user_id.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.api_credentials enable row level security;

create policy "api_credentials: users can read their own credentials"
  on public.api_credentials for select to authenticated
  using (user_id = (select auth.uid()));

create policy "api_credentials: users can add their own credentials"
  on public.api_credentials for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "api_credentials: users can update their own credentials"
  on public.api_credentials for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "api_credentials: users can delete their own credentials"
  on public.api_credentials for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger api_credentials_set_updated_at
  before update on public.api_credentials
  for each row execute function private.set_updated_at();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.

-- Column privileges: the API (running as the user) writes encrypted_key but can never read
-- it back, so a query bug cannot leak ciphertext. Anonymous visitors get nothing.
revoke all on public.api_credentials from anon, authenticated, service_role;
grant select (id, user_id, provider, key_hint, base_url, last_used_at, created_at, updated_at)
  on public.api_credentials to authenticated;
grant insert, update, delete on public.api_credentials to authenticated;
grant select, insert, update, delete on public.api_credentials to service_role;
