-- prompts: publishing shares the prompt from the version it was published at, not its
-- history. Before, making a prompt public also exposed every earlier version — drafts with
-- whatever they once contained — to everyone (anon included) through prompt_versions and
-- prompt_labels. Now a public prompt records `published_version`, the version current when
-- it was made public; other people see that version and the ones after it, never earlier
-- ones. Unpublishing clears it; publishing again starts from the version current then.

-- ============================================================================
-- TABLE
-- ============================================================================

alter table public.prompts add column published_version int
  check (published_version is null or published_version >= 1);

comment on column public.prompts.published_version is
  'While public: the first version others may read (the one current when it was published). Set by a trigger.';

-- Prompts already public keep only their current version visible: nobody chose to share
-- their history, and it cannot be told apart from drafts any more.
update public.prompts set published_version = latest_version where is_public;

alter table public.prompts add constraint prompts_published_version_when_public
  check ((is_public and published_version is not null) or (not is_public and published_version is null));

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

drop policy "prompt_versions: anonymous visitors can read versions of public prompts" on public.prompt_versions;
drop policy "prompt_versions: users can read versions of their own and public prompts" on public.prompt_versions;

create policy "prompt_versions: anonymous visitors can read published versions of public prompts"
  on public.prompt_versions for select to anon
  using (exists (
    select 1 from public.prompts p
     where p.id = prompt_versions.prompt_id and p.is_public and prompt_versions.version >= p.published_version
  ));

create policy "prompt_versions: users can read versions of their own prompts and published versions of public ones"
  on public.prompt_versions for select to authenticated
  using (exists (
    select 1 from public.prompts p
     where p.id = prompt_versions.prompt_id
       and (p.user_id = (select auth.uid()) or (p.is_public and prompt_versions.version >= p.published_version))
  ));

drop policy "prompt_labels: anonymous visitors can read labels of public prompts" on public.prompt_labels;
drop policy "prompt_labels: users can read labels of their own and public prompts" on public.prompt_labels;

create policy "prompt_labels: anonymous visitors can read labels on published versions of public prompts"
  on public.prompt_labels for select to anon
  using (exists (
    select 1 from public.prompts p
     where p.id = prompt_labels.prompt_id and p.is_public and prompt_labels.version >= p.published_version
  ));

create policy "prompt_labels: users can read labels of their own prompts and on published versions of public ones"
  on public.prompt_labels for select to authenticated
  using (exists (
    select 1 from public.prompts p
     where p.id = prompt_labels.prompt_id
       and (p.user_id = (select auth.uid()) or (p.is_public and prompt_labels.version >= p.published_version))
  ));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Runs after set_prompt_latest_version (trigger names fire in alphabetical order), so a
-- prompt published in the same update as a content change is published at the new version.
create or replace function private.set_prompt_published_version()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not new.is_public then
    new.published_version := null;
  elsif tg_op = 'INSERT' or not old.is_public then
    new.published_version := new.latest_version;
  else
    new.published_version := old.published_version;
  end if;
  return new;
end;
$$;

create trigger prompts_set_published_version
  before insert or update on public.prompts
  for each row execute function private.set_prompt_published_version();

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.set_prompt_published_version() from public, anon, authenticated, service_role;
