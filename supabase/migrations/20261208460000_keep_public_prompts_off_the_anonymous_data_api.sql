-- Public prompts: a signed-out visitor opens one by its id, and can no longer list or search
-- them through the Data API (security review 14, finding 1).
--
-- Why: `anon` could select from public.shared_prompts (a view that runs with its owner's rights,
-- 20261208310000_share_prompts_at_a_label.sql) and, through their policies, from
-- public.prompt_versions and public.prompt_labels. With only the publishable key that listed
-- every public prompt with its owner's id and the id of the prompt it was forked from, every
-- label on the shared version (not only the shared one), the version's author and commit
-- message, and `?content=ilike.*…*` scanned every template in full — the unbounded scan
-- 20261206090000_bound_prompt_search.sql had taken away from `anon`, now without even a
-- per-account bucket. The public prompt page (GET /api/public/prompts/{id}) promises a
-- signed-out visitor can open a prompt they were sent, never list or search them, and shows
-- none of those fields.
--
-- Now:
-- - `anon` may read none of prompts, prompt_versions, prompt_labels and shared_prompts (their
--   anonymous policies go too), nor call shared_prompt_version();
-- - public.read_public_prompt(id) gives one public prompt, at its shared version, with the
--   fields the public page shows: the API's public route calls it as `anon`, and the Data API
--   can call it with the same key (it needs the prompt's id, which only its link gives);
-- - signed-in users keep the view: the public library, the projects' system prompt policy and
--   the API read it as `authenticated`, and the API shows them its owner and source
--   (GET /prompts?scope=public). Filtering it on `content` through the Data API stays bounded
--   by the role's statement_timeout (8 s) and needs an account, as every other table does.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

drop policy "prompt_versions: anonymous visitors can read the shared version of public prompts" on public.prompt_versions;
drop policy "prompt_labels: anonymous visitors can read labels on the shared version of public prompts" on public.prompt_labels;

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why security definer: `anon` may read no prompt table or view; the id is what it asks for,
-- and the prompt must be public (the view holds nothing else). One row by primary key, so
-- no statement_timeout of its own is needed.
create or replace function public.read_public_prompt(p_id uuid)
returns table (
  id uuid, name text, title text, description text, content text, tags text[],
  version integer, shared_label text, config jsonb, updated_at timestamptz
)
language sql
stable
security definer
set search_path = ''
rows 1
as $$
  select s.id, s.name, s.title, s.description, s.content, s.tags, s.version, s.shared_label, s.config, s.updated_at
    from public.shared_prompts s
   where s.id = p_id;
$$;

comment on function public.read_public_prompt(uuid) is
  'One public prompt by id, at its shared version, with what its public page shows (no owner, source, labels or history); nothing for a private or missing one.';

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke select on public.prompts from anon;
revoke select on public.prompt_versions from anon;
revoke select on public.prompt_labels from anon;
revoke select on public.shared_prompts from anon;
revoke execute on function public.shared_prompt_version(uuid) from anon;

revoke all on function public.read_public_prompt(uuid) from public;
grant execute on function public.read_public_prompt(uuid) to anon, authenticated, service_role;
