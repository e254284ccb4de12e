-- prompts.revision: a row version covering every edit of a prompt, so two tabs (or two
-- clients) editing the description, tags or visibility cannot silently overwrite each other.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: latest_version only moves when the title, template or settings change, so an
-- optimistic check on it let a stale tab's description, tags or is_public overwrite a newer
-- save without a word. revision goes up by one on every update of the row, whatever changed.
-- A writer states the revision its edit started from by writing it back in the same update
-- (`update prompts set description = …, revision = <read revision>`): the trigger below
-- refuses the update if the row has moved on since. A writer that does not mention revision
-- gets no check (as before) and still moves it. Held here, not only in the API, because the
-- Data API updates this table with the user's own token
-- (https://supabase.com/docs/guides/database/postgres/row-level-security).
alter table public.prompts
  add column revision int not null default 1 check (revision >= 1);

comment on column public.prompts.revision is
  'Goes up by one on every update (set by a trigger). Write back the revision an edit started from to have a stale edit refused (SQLSTATE MRP01).';

-- ============================================================================
-- INDEXES
-- ============================================================================

-- None: read with the row.

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- Unchanged.

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why a trigger: the check and the increment happen on the locked row inside the update, so
-- of two updates from the same revision exactly one wins, whichever role writes. Runs first
-- of the prompts' before-update triggers (names fire in alphabetical order).
create or replace function private.check_prompt_revision()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.revision := 1;
    return new;
  end if;
  if new.revision is distinct from old.revision then
    raise exception 'prompts: this prompt changed since revision % (it is now at revision %)', new.revision, old.revision
      using errcode = 'MRP01', detail = old.revision::text;
  end if;
  new.revision := old.revision + 1;
  return new;
end;
$$;

revoke all on function private.check_prompt_revision() from public, anon, authenticated, service_role;

create trigger prompts_a_check_revision
  before insert or update on public.prompts
  for each row execute function private.check_prompt_revision();
