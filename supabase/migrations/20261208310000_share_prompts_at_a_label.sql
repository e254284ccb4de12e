-- prompts: a public prompt is shared at one version, chosen by a label, not at whatever was
-- saved last (QA12 finding 6).
--
-- Why: before, visitors read the prompts row itself, which holds the newest version. A draft
-- saved after publishing was public at once (on /p/<id>, in the public library, through the
-- Data API and its search vector), and a fork copied the draft rather than `production`. A
-- team keeps iterating while clients and colleagues use the shared prompt, as with Langfuse or
-- PromptLayer labels.
--
-- Now:
-- - prompts.shared_label names the label visitors see (`production`, say); null shares the
--   newest version, every save public at once, as every prompt published before this did;
-- - public.shared_prompt_version(id) is that one version; other people read exactly it
--   (prompt_versions), the labels on it (prompt_labels), and the prompt through
--   public.shared_prompts, which serves the version's title, template and settings;
-- - other people no longer read public.prompts rows at all: those hold the owner's newest text;
-- - the shared label cannot be removed or renamed while the prompt is shared at it (the owner
--   shares another label or stops sharing first), and making a prompt private forgets it;
-- - published_version goes: it said which versions others could read from (all later saves
--   included), which no longer holds. The API now reports the shared version under that name.

-- ============================================================================
-- TABLE
-- ============================================================================

drop policy "prompt_versions: anonymous visitors can read published versions of public prompts" on public.prompt_versions;
drop policy "prompt_versions: users can read versions of their own prompts and published versions of public ones" on public.prompt_versions;
drop policy "prompt_labels: anonymous visitors can read labels on published versions of public prompts" on public.prompt_labels;
drop policy "prompt_labels: users can read labels of their own prompts and on published versions of public ones" on public.prompt_labels;
drop trigger prompts_set_published_version on public.prompts;
drop function private.set_prompt_published_version();
alter table public.prompts drop constraint prompts_published_version_when_public;
alter table public.prompts drop column published_version;

-- Prompts already public keep showing their newest version (null), as they did.
alter table public.prompts add column shared_label text
  check (shared_label ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  add constraint prompts_shared_label_only_when_public check (is_public or shared_label is null);

comment on column public.prompts.shared_label is
  'While public: the label whose version other people see; null shares the newest version (every save public at once).';

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- The one version of a prompt other people may read: its shared label's version, or its newest
-- one; null for a private prompt (or one whose label went missing: then nothing is shared).
-- Security definer: the policies below call it for callers who cannot read the prompts row.
create or replace function public.shared_prompt_version(p_prompt_id uuid)
returns int
language sql
stable
security definer
set search_path = ''
as $$
  select case when p.shared_label is null then p.latest_version else l.version end
    from public.prompts p
    left join public.prompt_labels l on l.prompt_id = p.id and l.label = p.shared_label
   where p.id = p_prompt_id and p.is_public;
$$;

comment on function public.shared_prompt_version(uuid) is
  'The version of a public prompt that other people see (its shared label''s, else its newest); null for a private one.';

-- ============================================================================
-- VIEWS
-- ============================================================================

-- What other people read of a public prompt: the unversioned fields of the row and the shared
-- version's title, template and settings, never the owner's newer drafts. A view with the
-- owner's rights (not security_invoker): it reads rows the caller's policies no longer show,
-- and says itself which ones (public only, that one version). security_barrier keeps a
-- caller's filter from running before that condition.
create view public.shared_prompts with (security_barrier = true) as
select p.id, p.user_id, p.name, v.title, p.description, v.content, p.tags, v.config,
       v.version, p.shared_label, p.forked_from, p.revision, p.created_at, p.updated_at
  from public.prompts p
  left join public.prompt_labels l on l.prompt_id = p.id and l.label = p.shared_label
  join public.prompt_versions v
    on v.prompt_id = p.id and v.version = case when p.shared_label is null then p.latest_version else l.version end
 where p.is_public;

comment on view public.shared_prompts is
  'Public prompts as other people see them: at their shared version (prompts.shared_label, else the newest).';

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

drop policy "prompts: anonymous visitors can read public prompts" on public.prompts;
drop policy "prompts: users can read their own and public prompts" on public.prompts;

create policy "prompts: users can read their own prompts"
  on public.prompts for select to authenticated
  using (user_id = (select auth.uid()));

create policy "prompt_versions: anonymous visitors can read the shared version of public prompts"
  on public.prompt_versions for select to anon
  using (version = public.shared_prompt_version(prompt_id));

create policy "prompt_versions: users can read versions of their own prompts and the shared version of public ones"
  on public.prompt_versions for select to authenticated
  using (
    exists (select 1 from public.prompts p where p.id = prompt_versions.prompt_id and p.user_id = (select auth.uid()))
    or version = public.shared_prompt_version(prompt_id)
  );

create policy "prompt_labels: anonymous visitors can read labels on the shared version of public prompts"
  on public.prompt_labels for select to anon
  using (version = public.shared_prompt_version(prompt_id));

create policy "prompt_labels: users can read labels of their own prompts and on the shared version of public ones"
  on public.prompt_labels for select to authenticated
  using (
    exists (select 1 from public.prompts p where p.id = prompt_labels.prompt_id and p.user_id = (select auth.uid()))
    or version = public.shared_prompt_version(prompt_id)
  );

-- As in 20261122140700_create_projects.sql: a project's system prompt is one the user can read,
-- their own or a public one, which is now found through public.shared_prompts.
drop policy "projects: users can create their own projects" on public.projects;
drop policy "projects: users can update their own projects" on public.projects;

create policy "projects: users can create their own projects"
  on public.projects for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (
      system_prompt_id is null
      or exists (select 1 from public.prompts p where p.id = system_prompt_id and p.user_id = (select auth.uid()))
      or exists (select 1 from public.shared_prompts s where s.id = system_prompt_id)
    )
  );

create policy "projects: users can update their own projects"
  on public.projects for update to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and (
      system_prompt_id is null
      or exists (select 1 from public.prompts p where p.id = system_prompt_id and p.user_id = (select auth.uid()))
      or exists (select 1 from public.shared_prompts s where s.id = system_prompt_id)
    )
  );

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- A shared label names a label the prompt has; a private prompt shares nothing, so making it
-- private forgets the label (publishing again chooses anew).
create or replace function private.check_prompt_shared_label()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not new.is_public then
    new.shared_label := null;
  elsif new.shared_label is not null
        and not exists (select 1 from public.prompt_labels l where l.prompt_id = new.id and l.label = new.shared_label) then
    raise exception 'prompts: this prompt has no label "%" to share', new.shared_label using errcode = '23503';
  end if;
  return new;
end;
$$;

create trigger prompts_check_shared_label
  before insert or update of is_public, shared_label on public.prompts
  for each row execute function private.check_prompt_shared_label();

-- The label a public prompt is shared at stays while it is: removing it would leave visitors
-- with nothing. Deleting the prompt still removes its labels (cascade: trigger depth > 1).
create or replace function private.keep_shared_prompt_label()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if pg_trigger_depth() = 1
     and (tg_op = 'DELETE' or new.label is distinct from old.label)
     and exists (select 1 from public.prompts p where p.id = old.prompt_id and p.shared_label = old.label) then
    raise exception 'label "%" is the version visitors see; share another label or make the prompt private first', old.label
      using errcode = '55000';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;

create trigger prompt_labels_keep_shared
  before update of label or delete on public.prompt_labels
  for each row execute function private.keep_shared_prompt_label();

-- As in 20261122140400_create_prompts.sql, except that a public prompt is found through
-- public.shared_prompts: other people no longer read its row.
create or replace function private.check_prompt_fork_source()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.forked_from is not null
     and not exists (select 1 from public.prompts p where p.id = new.forked_from)
     and not exists (select 1 from public.shared_prompts s where s.id = new.forked_from) then
    raise exception 'prompts: forked_from must be a prompt you can read'
      using errcode = '42501';
  end if;
  return new;
end;
$$;

-- As in 20261206090000_bound_prompt_search.sql, except that the public library matches a
-- prompt's text only while its newest version is the shared one: a word found only in a newer
-- draft must not make the prompt come up, which would tell other people what the draft says.
-- A public prompt with a newer draft is still listed (public.shared_prompts), just not searched.
create or replace function public.search_prompt_page_ids(
  p_query tsquery,
  p_pattern text,
  p_public boolean,
  p_tag text,
  p_after_t timestamptz,
  p_after_id uuid,
  p_limit integer
)
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
set enable_seqscan = off
set statement_timeout = '2s'
rows 50
as $$
declare
  -- How many of the newest rows are tried one by one before the indexes are asked.
  window_rows integer;
  uid uuid;
  scope text;
  scope_unindexed text;
  filters text := '';
  -- The indexed expressions, as the indexes above are written.
  fields constant text := '(p.name || E''\n'' || p.title || E''\n'' || p.description)';
  head constant text := 'substr(p.content, 1, 4096)';
  matches text;
  found text;
  index_scans text;
  seen integer;
  ids uuid[];
begin
  if p_limit is null or p_limit < 1 then
    raise exception 'p_limit must be 1 or more' using errcode = '22023';
  end if;
  if (p_after_t is null) <> (p_after_id is null) then
    raise exception 'p_after_t and p_after_id go together' using errcode = '22023';
  end if;
  window_rows := least(greatest(3 * p_limit, 60), 300);
  if p_public then
    scope := 'p.is_public and p.latest_version = public.shared_prompt_version(p.id)';
    scope_unindexed := 'coalesce(p.is_public and p.latest_version = public.shared_prompt_version(p.id), false)';
  else
    if not ((select public.session_is_live()) and (select public.meets_mfa_requirement())) then
      return;
    end if;
    uid := (select auth.uid());
    scope := 'p.user_id = $1';
    scope_unindexed := 'coalesce(p.user_id = $1, false)';
  end if;
  if p_tag is not null then
    filters := filters || ' and p.tags @> array[$2]';
  end if;
  if p_after_t is not null then
    filters := filters || ' and (p.updated_at, p.id) < ($3, $4)';
  end if;
  -- The short fields first: a row they match reads nothing else.
  matches := case when p_pattern is null then 'p.search @@ $5'
    else format('(%s ilike $6 or %s ilike $6 or p.search @@ $5)', fields, head) end;

  -- The window (words alone too: a short prefix such as "th" matches most prompts).
  execute format(
    'select count(*)::int,
            (array_agg(w.id order by w.updated_at desc, w.id desc) filter (where %s))[1:$7]
       from (select p.id, p.updated_at
               from public.prompts p
              where %s%s
              order by p.updated_at desc, p.id desc
              limit %s) w
       join public.prompts p on p.id = w.id',
    matches, scope, filters, window_rows)
    into seen, ids
    using uid, p_tag, p_after_t, p_after_id, p_query, p_pattern, p_limit;
  -- The page is full, or the window held every row after the cursor: nothing older can be in it.
  if coalesce(cardinality(ids), 0) >= p_limit or seen < window_rows then
    return query select unnest(ids);
    return;
  end if;

  -- Each way of matching through its own index, then the newest of what they found together.
  -- The scope is written so that no btree index serves it, sequential scans are off, and for
  -- this statement plain index scans too: a walk of the whole primary key, checking every row
  -- (and reading every template's head and search vector), gave the union its order by id and
  -- looked cheap on a small table. What is left to the planner is the search indexes' bitmaps.
  found := format('select p.id, p.updated_at from public.prompts p where %s%s and p.search @@ $5', scope_unindexed, filters);
  if p_pattern is not null then
    found := found
      || format(' union select p.id, p.updated_at from public.prompts p where %s%s and %s ilike $6', scope_unindexed, filters, fields)
      || format(' union select p.id, p.updated_at from public.prompts p where %s%s and %s ilike $6', scope_unindexed, filters, head);
  end if;
  index_scans := current_setting('enable_indexscan');
  perform set_config('enable_indexscan', 'off', true);
  return query execute format(
    'select m.id from (%s) m order by m.updated_at desc, m.id desc limit $7', found)
    using uid, p_tag, p_after_t, p_after_id, p_query, p_pattern, p_limit;
  -- Back as it was (an error above ends the transaction or savepoint, which puts it back too).
  perform set_config('enable_indexscan', index_scans, true);
end;
$$;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.check_prompt_shared_label() from public, anon, authenticated, service_role;
revoke all on function private.keep_shared_prompt_label() from public, anon, authenticated, service_role;
revoke all on function private.check_prompt_fork_source() from public, anon, authenticated, service_role;

-- The policies call it as every API role; it tells only which version of a public prompt is shared.
revoke all on function public.shared_prompt_version(uuid) from public;
grant execute on function public.shared_prompt_version(uuid) to anon, authenticated, service_role;

revoke all on public.shared_prompts from public, anon, authenticated, service_role;
grant select on public.shared_prompts to anon, authenticated, service_role;
