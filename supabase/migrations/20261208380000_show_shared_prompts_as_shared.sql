-- prompts: other people see a public prompt's `updated_at` and `revision` as it was shared, not
-- as its owner last saved it (security review 12, finding 1).
--
-- Why: public.shared_prompts (20261208310000_share_prompts_at_a_label.sql) served the shared
-- version's text but took `revision` and `updated_at` from the prompt's row, which move on
-- every save, shared or not. So a draft saved after publishing stayed hidden, but its existence,
-- its time and how many there were reached every visitor (the Data API, GET /prompts/{id} and
-- /public/prompts/{id}), and the public library, newest change first, put the prompt at the top
-- each time its owner saved a private draft.
--
-- Now, for other people:
-- - `updated_at` is when what they see was last shared: the latest of when the shared version
--   was saved, when the shared label last moved (or was locked or unlocked), and when the
--   prompt was last made public or shared at another label (prompts.shared_at, below). Each of
--   those is visible to them anyway (the version's and the label's times, the prompt appearing
--   or its shared_label changing). Edits of the name, description or tags show at once but do
--   not move it: only the row's time records them, and that time moves on drafts too;
-- - `revision` is the shared version's number: they cannot edit the prompt, so they have no
--   use for the row's revision (an edit check), and it counted the drafts;
-- - the public library's order and its search's cursor use that `updated_at`.
-- The owner reads their own row as before.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Set only by the trigger below, so an owner cannot date their prompt into the future to keep
-- it at the top of the public library. Prompts public before this have none: their shared
-- version's time stands for them (their row's time may be a draft's).
alter table public.prompts add column shared_at timestamptz;

comment on column public.prompts.shared_at is
  'While public: when the prompt was last made public or shared at another label (set by a trigger; writes to it are ignored). Null while private.';

-- A label inserted through the Data API could carry any updated_at, and the shared label's now
-- dates the prompt for other people: from here a new label's is the server's (TRIGGERS), as an
-- update's already was, and one already dated in the future is brought back to now. Neither
-- the API nor the import names a label's times, so this changes nothing for them.
update public.prompt_labels set updated_at = now() where updated_at > now();

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- As in 20261208310000_share_prompts_at_a_label.sql, except that the public library's page is
-- the newest by the time other people see (public.shared_prompts.updated_at), as the list it
-- serves is ordered and its cursor says: by the row's time, a private draft moved a prompt up.
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
  -- The public library pages by the time other people see (public.shared_prompts.updated_at),
  -- which an owner's private draft does not move; the caller's own library by the row's.
  stamp text := 'p.updated_at';
  shared text := '';
  after text := '';
  uid uuid;
  scope text;
  scope_unindexed text;
  filters text := '';
  -- The indexed expressions, as the indexes above are written.
  fields constant text := '(p.name || E''\n'' || p.title || E''\n'' || p.description)';
  head constant text := 'substr(p.content, 1, 4096)';
  matches text;
  found text;
  -- What each way of matching below selects, and filters on besides the scope.
  found_columns text := 'p.id, p.updated_at';
  found_filters text;
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
    -- The view holds public prompts only, each at its shared version.
    scope := 's.version = p.latest_version';
    scope_unindexed := 'coalesce(p.is_public and p.latest_version = public.shared_prompt_version(p.id), false)';
    stamp := 's.updated_at';
    shared := ' join public.shared_prompts s on s.id = p.id';
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
    after := format(' and (%s, %s) < ($3, $4)', stamp, case when p_public then 's.id' else 'p.id' end);
  end if;
  -- The short fields first: a row they match reads nothing else.
  matches := case when p_pattern is null then 'p.search @@ $5'
    else format('(%s ilike $6 or %s ilike $6 or p.search @@ $5)', fields, head) end;

  -- The window (words alone too: a short prefix such as "th" matches most prompts).
  execute format(
    'select count(*)::int,
            (array_agg(w.id order by w.updated_at desc, w.id desc) filter (where %s))[1:$7]
       from (select p.id, %s as updated_at
               from public.prompts p%s
              where %s%s%s
              order by %s desc, p.id desc
              limit %s) w
       join public.prompts p on p.id = w.id',
    matches, stamp, shared, scope, filters, after, stamp, window_rows)
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
  -- In the public library the matches are dated through the view only once found (a materialized
  -- CTE): joined to the view in each way of matching, the plan walked every public prompt
  -- instead of the search indexes.
  found_filters := filters || case when p_public then '' else after end;
  if p_public then
    found_columns := 'p.id';
  end if;
  found := format('select %s from public.prompts p where %s%s and p.search @@ $5', found_columns, scope_unindexed, found_filters);
  if p_pattern is not null then
    found := found
      || format(' union select %s from public.prompts p where %s%s and %s ilike $6', found_columns, scope_unindexed, found_filters, fields)
      || format(' union select %s from public.prompts p where %s%s and %s ilike $6', found_columns, scope_unindexed, found_filters, head);
  end if;
  if p_public then
    found := format(
      'with m as materialized (%s) select s.id, s.updated_at from m join public.shared_prompts s on s.id = m.id where true%s',
      found, after);
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
-- VIEWS
-- ============================================================================

-- As in 20261208310000_share_prompts_at_a_label.sql (the same columns, security_barrier, and
-- rows: public prompts only, at their shared version), except `revision` and `updated_at`, which
-- are the shared version's (see the top of this file) instead of the row's.
create or replace view public.shared_prompts with (security_barrier = true) as
select p.id, p.user_id, p.name, v.title, p.description, v.content, p.tags, v.config,
       v.version, p.shared_label, p.forked_from, v.version as revision, p.created_at,
       greatest(v.created_at, l.updated_at, p.shared_at) as updated_at
  from public.prompts p
  left join public.prompt_labels l on l.prompt_id = p.id and l.label = p.shared_label
  join public.prompt_versions v
    on v.prompt_id = p.id and v.version = case when p.shared_label is null then p.latest_version else l.version end
 where p.is_public;

comment on view public.shared_prompts is
  'Public prompts as other people see them: at their shared version (prompts.shared_label, else the newest), dated and numbered by it, never by a later draft.';

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- prompts.shared_at: now when the prompt becomes public or is shared at another label, kept
-- otherwise, null while private; whatever a writer put there is ignored. Runs after
-- prompts_check_shared_label (alphabetical), which forgets a private prompt's label.
create or replace function private.stamp_prompt_shared_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not new.is_public then
    new.shared_at := null;
  elsif tg_op = 'INSERT' or not old.is_public or new.shared_label is distinct from old.shared_label then
    new.shared_at := now();
  else
    new.shared_at := old.shared_at;
  end if;
  return new;
end;
$$;

create trigger prompts_stamp_shared_at
  before insert or update on public.prompts
  for each row execute function private.stamp_prompt_shared_at();

-- See the TABLE section: a new label's updated_at is the server's, as an update's already is.
create trigger prompt_labels_set_updated_at_on_insert
  before insert on public.prompt_labels
  for each row execute function private.set_updated_at();

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on function private.stamp_prompt_shared_at() from public, anon, authenticated, service_role;
