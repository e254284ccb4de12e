-- prompt_labels: named pointers such as `production` -> a version of a prompt.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: a project (or an API client) can follow "the production version" of a prompt while
-- its owner keeps editing; moving the label is the deploy. The composite foreign key makes
-- a label point only at a version that exists for that same prompt.
create table public.prompt_labels (
  id uuid primary key default gen_random_uuid(),
  prompt_id uuid not null references public.prompts (id) on delete cascade,
  label text not null check (label ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  version int not null check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (prompt_id, label),
  foreign key (prompt_id, version) references public.prompt_versions (prompt_id, version) on delete cascade
);

-- ============================================================================
-- INDEXES
-- ============================================================================

-- unique (prompt_id, label) covers prompt_id; this one covers the version foreign key.
create index prompt_labels_prompt_id_version_idx on public.prompt_labels (prompt_id, version);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.prompt_labels enable row level security;

create policy "prompt_labels: anonymous visitors can read labels of public prompts"
  on public.prompt_labels for select to anon
  using (exists (
    select 1 from public.prompts p
     where p.id = prompt_labels.prompt_id and p.is_public
  ));

create policy "prompt_labels: users can read labels of their own and public prompts"
  on public.prompt_labels for select to authenticated
  using (exists (
    select 1 from public.prompts p
     where p.id = prompt_labels.prompt_id
       and (p.is_public or p.user_id = (select auth.uid()))
  ));

create policy "prompt_labels: users can label their own prompts"
  on public.prompt_labels for insert to authenticated
  with check (exists (
    select 1 from public.prompts p
     where p.id = prompt_labels.prompt_id and p.user_id = (select auth.uid())
  ));

create policy "prompt_labels: users can move labels of their own prompts"
  on public.prompt_labels for update to authenticated
  using (exists (
    select 1 from public.prompts p
     where p.id = prompt_labels.prompt_id and p.user_id = (select auth.uid())
  ))
  with check (exists (
    select 1 from public.prompts p
     where p.id = prompt_labels.prompt_id and p.user_id = (select auth.uid())
  ));

create policy "prompt_labels: users can remove labels of their own prompts"
  on public.prompt_labels for delete to authenticated
  using (exists (
    select 1 from public.prompts p
     where p.id = prompt_labels.prompt_id and p.user_id = (select auth.uid())
  ));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger prompt_labels_set_updated_at
  before update on public.prompt_labels
  for each row execute function private.set_updated_at();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.

-- Anonymous visitors only read (labels of public prompts).
revoke all on public.prompt_labels from anon, authenticated, service_role;
grant select on public.prompt_labels to anon;
grant select, insert, update, delete on public.prompt_labels to authenticated, service_role;
