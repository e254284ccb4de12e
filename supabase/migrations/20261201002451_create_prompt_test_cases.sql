-- prompt_test_cases: named sets of variable values (and a message) kept with a prompt.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: the playground reruns the same inputs against every new version of a prompt, so a
-- change is judged on the cases that matter, not on whatever was typed last. Only the
-- prompt's owner keeps cases; they go with the prompt.
create table public.prompt_test_cases (
  id uuid primary key default gen_random_uuid(),
  prompt_id uuid not null references public.prompts (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 100),
  variables jsonb not null default '{}'::jsonb check (jsonb_typeof(variables) = 'object' and octet_length(variables::text) <= 32768),
  message text not null default '' check (char_length(message) <= 20000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (prompt_id, name)
);

-- ============================================================================
-- INDEXES
-- ============================================================================

-- unique (prompt_id, name) covers the prompt foreign key.
create index prompt_test_cases_user_id_idx on public.prompt_test_cases (user_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.prompt_test_cases enable row level security;

create policy "prompt_test_cases: owners can read their cases"
  on public.prompt_test_cases for select to authenticated
  using (user_id = (select auth.uid()));

create policy "prompt_test_cases: owners can add cases to their own prompts"
  on public.prompt_test_cases for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.prompts p where p.id = prompt_id and p.user_id = (select auth.uid()))
  );

create policy "prompt_test_cases: owners can change their cases"
  on public.prompt_test_cases for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "prompt_test_cases: owners can remove their cases"
  on public.prompt_test_cases for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger prompt_test_cases_set_updated_at
  before update on public.prompt_test_cases
  for each row execute function private.set_updated_at();

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on public.prompt_test_cases from anon, authenticated, service_role;
grant select, insert, delete on public.prompt_test_cases to authenticated;
grant update (variables, message) on public.prompt_test_cases to authenticated;
grant select, insert, update, delete on public.prompt_test_cases to service_role;
