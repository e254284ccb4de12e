-- prompt_versions: the immutable history of every prompt, written only by triggers.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: users diff, restore and label past versions, and usage logs point at the version
-- that ran. Rows are written by a security-definer trigger on prompts (version 1 on insert,
-- then one per title/content change), so history cannot be forged or rewritten through the
-- API roles: they have no write privilege and no write policy here.
create table public.prompt_versions (
  id uuid primary key default gen_random_uuid(),
  prompt_id uuid not null references public.prompts (id) on delete cascade,
  version int not null check (version >= 1),
  title text not null check (char_length(title) between 1 and 200),
  content text not null check (char_length(content) between 1 and 100000),
  commit_message text check (char_length(commit_message) <= 500),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (prompt_id, version)
);

-- ============================================================================
-- INDEXES
-- ============================================================================

-- unique (prompt_id, version) covers the foreign key and the policies' prompt_id.
create index prompt_versions_created_by_idx on public.prompt_versions (created_by);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.prompt_versions enable row level security;

-- Versions are as visible as their prompt. No insert/update/delete policies: immutable.
create policy "prompt_versions: anonymous visitors can read versions of public prompts"
  on public.prompt_versions for select to anon
  using (exists (
    select 1 from public.prompts p
     where p.id = prompt_versions.prompt_id and p.is_public
  ));

create policy "prompt_versions: users can read versions of their own and public prompts"
  on public.prompt_versions for select to authenticated
  using (exists (
    select 1 from public.prompts p
     where p.id = prompt_versions.prompt_id
       and (p.is_public or p.user_id = (select auth.uid()))
  ));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why: latest_version must follow the history, not the client. On insert it is 1; on an
-- update it goes up by one exactly when the title or content changes (tags, description or
-- visibility edits keep it).
create or replace function private.set_prompt_latest_version()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.latest_version := 1;
  elsif new.title is distinct from old.title or new.content is distinct from old.content then
    new.latest_version := old.latest_version + 1;
  else
    new.latest_version := old.latest_version;
  end if;
  return new;
end;
$$;

-- Why security definer: the API roles cannot write prompt_versions, so the history is
-- recorded with the owner's rights. The API passes an optional commit message through a
-- transaction-local setting: select set_config('mrprompt.commit_message', $1, true).
create or replace function private.record_prompt_version()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_message text := nullif(btrim(current_setting('mrprompt.commit_message', true)), '');
begin
  insert into public.prompt_versions (prompt_id, version, title, content, commit_message, created_by)
  values (
    new.id,
    new.latest_version,
    new.title,
    new.content,
    left(coalesce(v_message, case when tg_op = 'INSERT' then 'Initial version' end), 500),
    coalesce((select auth.uid()), new.user_id)
  );
  return null;
end;
$$;

revoke all on function private.set_prompt_latest_version() from public, anon, authenticated, service_role;
revoke all on function private.record_prompt_version() from public, anon, authenticated, service_role;

create trigger prompts_set_latest_version
  before insert or update on public.prompts
  for each row execute function private.set_prompt_latest_version();

create trigger prompts_record_first_version
  after insert on public.prompts
  for each row execute function private.record_prompt_version();

create trigger prompts_record_changed_version
  after update of title, content on public.prompts
  for each row
  when (old.title is distinct from new.title or old.content is distinct from new.content)
  execute function private.record_prompt_version();

-- ============================================================================
-- GRANTS
-- ============================================================================

-- Explicit grants: newer hosted projects no longer grant new public tables to the API roles
-- by default, and older ones grant everything (TRUNCATE too, which ignores RLS). Starting
-- from nothing and granting exactly what the policies expect works the same on both.

-- Read-only for every API role, service_role included: history is written only by the
-- trigger above and removed only with its prompt (the foreign key's cascade).
revoke all on public.prompt_versions from anon, authenticated, service_role;
grant select on public.prompt_versions to anon, authenticated, service_role;
