-- profiles: one row per auth user, created by a trigger on auth.users.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: auth.users belongs to GoTrue and is unreachable by the API roles; app-level account
-- data (name, custom instructions injected into every chat, UI preferences, the admin flag)
-- lives here, keyed by the same id so deleting the auth user deletes the profile.
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(btrim(display_name)) between 1 and 100),
  avatar_url text check (char_length(avatar_url) <= 2048 and avatar_url ~ '^https?://'),
  role text not null default 'user' check (role in ('user', 'admin')),
  custom_instructions text not null default '' check (char_length(custom_instructions) <= 8000),
  preferences jsonb not null default '{}'::jsonb
    check (jsonb_typeof(preferences) = 'object' and octet_length(preferences::text) <= 16384),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on column public.profiles.role is 'user or admin; not editable by the user (column grant).';
comment on column public.profiles.preferences is 'Default provider/model, theme and other UI settings.';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- The primary key covers the foreign key and the policies' id = auth.uid().

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.profiles enable row level security;

-- No insert or delete policy: the trigger below creates the row and deleting the auth user
-- removes it.
create policy "profiles: users can read their own profile"
  on public.profiles for select to authenticated
  using (id = (select auth.uid()));

create policy "profiles: users can update their own profile"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function private.set_updated_at();

-- Why security definer: GoTrue's role inserts into auth.users and must not need any grant
-- on public.profiles. The display name comes from the sign-up metadata, else the email's
-- local part, so the UI never shows an empty name.
create or replace function private.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text;
begin
  v_name := nullif(btrim(coalesce(
    new.raw_user_meta_data ->> 'display_name',
    new.raw_user_meta_data ->> 'full_name',
    new.raw_user_meta_data ->> 'name',
    split_part(new.email, '@', 1),
    ''
  )), '');
  insert into public.profiles (id, display_name)
  values (new.id, left(coalesce(v_name, 'User'), 100))
  on conflict (id) do nothing;
  return new;
end;
$$;

revoke all on function private.handle_new_user() from public, anon, authenticated, service_role;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.handle_new_user();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.

-- Anonymous visitors have no profile; signed-in users may read theirs and edit only these
-- columns (never role, id or the timestamps).
revoke all on public.profiles from anon, authenticated, service_role;
grant select on public.profiles to authenticated;
grant update (display_name, avatar_url, custom_instructions, preferences) on public.profiles to authenticated;
grant select, insert, update, delete on public.profiles to service_role;
