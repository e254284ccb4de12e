-- prompts: a stable per-owner name (slug) other apps fetch a prompt by, model settings that
-- travel with each version, and labels that can be locked.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- A URL-safe slug from a title: lower-case letters, digits and single hyphens, at most 60.
create or replace function private.slugify(p_text text)
returns text
language sql
immutable
set search_path = ''
as $$
  select coalesce(nullif(btrim(left(btrim(regexp_replace(lower(coalesce(p_text, '')), '[^a-z0-9]+', '-', 'g'), '-'), 60), '-'), ''), 'prompt');
$$;

-- The first of `base`, `base-2`, `base-3`, … that the owner has not used yet.
create or replace function private.unique_prompt_name(p_user_id uuid, p_base text, p_exclude uuid)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_name text := p_base;
  v_n int := 1;
begin
  while exists (select 1 from public.prompts p where p.user_id = p_user_id and p.name = v_name and p.id is distinct from p_exclude) loop
    v_n := v_n + 1;
    v_name := btrim(left(p_base, 60 - length(v_n::text) - 1), '-') || '-' || v_n;
  end loop;
  return v_name;
end;
$$;

-- A prompt created without a name gets one suggested from its title (forks, the seed, old
-- clients). Security definer: it runs for the API roles, which cannot reach `private`; it
-- only ever looks at the new row's owner's names.
create or replace function private.set_prompt_name()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.name is null then
    new.name := private.unique_prompt_name(new.user_id, private.slugify(new.title), new.id);
  end if;
  return new;
end;
$$;

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why name: other apps fetch "support-reply@production" (GET /prompts/resolve); a title is
-- prose and may repeat, a name is unique per owner and only changes when the owner says so.
-- Why config: a version is text plus the model settings it was written for (provider,
-- model, temperature, max_tokens), so resolving a label returns both. Changing the settings
-- makes a new version, like changing the text.
alter table public.prompts
  add column name text,
  add column config jsonb not null default '{}'::jsonb;

alter table public.prompt_versions
  add column config jsonb not null default '{}'::jsonb;

-- Backfill names oldest first, without touching updated_at (lists are ordered by it).
alter table public.prompts disable trigger prompts_set_updated_at;
do $$
declare
  r record;
begin
  for r in select id, user_id, title from public.prompts order by created_at, id loop
    update public.prompts
       set name = private.unique_prompt_name(r.user_id, private.slugify(r.title), r.id)
     where id = r.id;
  end loop;
end;
$$;
alter table public.prompts enable trigger prompts_set_updated_at;

alter table public.prompts
  alter column name set not null,
  add constraint prompts_name_check check (name ~ '^[a-z0-9][a-z0-9-]{0,79}$'),
  add constraint prompts_config_check check (
    jsonb_typeof(config) = 'object' and octet_length(config::text) <= 2000
    and config - array['provider', 'model', 'temperature', 'max_tokens'] = '{}'::jsonb
  );

alter table public.prompt_versions
  add constraint prompt_versions_config_check check (jsonb_typeof(config) = 'object' and octet_length(config::text) <= 2000);

-- Why locked: a label such as `production` that other apps follow should not move by
-- accident; moving a locked label needs an explicit flag (the API unlocks, moves and
-- relocks in one transaction).
alter table public.prompt_labels
  add column locked boolean not null default false;

-- ============================================================================
-- INDEXES
-- ============================================================================

-- Lookup by (owner, name) for resolve, and the uniqueness rule itself.
create unique index prompts_user_id_name_key on public.prompts (user_id, name);

-- ============================================================================
-- TRIGGERS
-- ============================================================================

create trigger prompts_set_name
  before insert or update of name on public.prompts
  for each row execute function private.set_prompt_name();

-- The version number now also follows the settings.
create or replace function private.set_prompt_latest_version()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.latest_version := 1;
  elsif new.title is distinct from old.title or new.content is distinct from old.content or new.config is distinct from old.config then
    new.latest_version := old.latest_version + 1;
  else
    new.latest_version := old.latest_version;
  end if;
  return new;
end;
$$;

-- Same as before, plus the settings.
create or replace function private.record_prompt_version()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_message text := nullif(btrim(current_setting('mrprompt.commit_message', true)), '');
begin
  insert into public.prompt_versions (prompt_id, version, title, content, config, commit_message, created_by)
  values (
    new.id,
    new.latest_version,
    new.title,
    new.content,
    new.config,
    left(coalesce(v_message, case when tg_op = 'INSERT' then 'Initial version' end), 500),
    coalesce((select auth.uid()), new.user_id)
  );
  return null;
end;
$$;

drop trigger prompts_record_changed_version on public.prompts;
create trigger prompts_record_changed_version
  after update of title, content, config on public.prompts
  for each row
  when (old.title is distinct from new.title or old.content is distinct from new.content or old.config is distinct from new.config)
  execute function private.record_prompt_version();

-- A locked label keeps its version and stays: the row may be unlocked (and then moved or
-- removed), never moved or removed while locked. Holds for the Data API as for the function.
-- (Deleting the whole prompt still removes its labels through the foreign key's cascade.)
create or replace function private.check_prompt_label_lock()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    if old.locked and pg_trigger_depth() = 1 then
      raise exception 'label "%" is locked; unlock it to remove it', old.label using errcode = '55000';
    end if;
    return old;
  end if;
  if old.locked and new.locked and new.version is distinct from old.version then
    raise exception 'label "%" is locked; unlock it to move it', old.label using errcode = '55000';
  end if;
  return new;
end;
$$;

create trigger prompt_labels_check_lock
  before update or delete on public.prompt_labels
  for each row execute function private.check_prompt_label_lock();

revoke all on function private.slugify(text) from public, anon, authenticated, service_role;
revoke all on function private.unique_prompt_name(uuid, text, uuid) from public, anon, authenticated, service_role;
revoke all on function private.set_prompt_name() from public, anon, authenticated, service_role;
revoke all on function private.check_prompt_label_lock() from public, anon, authenticated, service_role;
