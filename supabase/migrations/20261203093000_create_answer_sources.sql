-- answer_sources: which of a project's files an answer was given with.

-- ============================================================================
-- TABLE
-- ============================================================================

-- Why: a chat in a project gets the project's files in its context — whole, or the excerpts
-- that rank highest for the question. The answer's view is told which (the `meta` event's
-- `files_used`), but that event reaches only the tab that asked; these rows let the chat show
-- an answer's sources after a reload and on other devices.
--
-- Written by the API function on its privileged connection once the turn's rows exist (the
-- API roles may not write here). A row belongs to the chat's owner (messages.user_id, who
-- owns the project and its files); a group chat's members are not shown the owner's files
-- (they cannot read the project either), so only the owner reads these rows.
--
-- `name` is the file's name when the answer was given: the file may be removed later (then
-- `file_id` becomes null and the name stays). `chunks` lists the excerpts' chunk indexes
-- (file_chunks.chunk_index, from 0); null means the whole file went in.
create table public.answer_sources (
  message_id uuid not null references public.messages (id) on delete cascade,
  position smallint not null check (position between 0 and 999),
  user_id uuid not null references auth.users (id) on delete cascade,
  file_id uuid references public.file_metadata (id) on delete set null,
  name text not null check (char_length(btrim(name)) between 1 and 255),
  chunks integer[] check (chunks is null or (cardinality(chunks) between 1 and 10000 and 0 <= all (chunks))),
  created_at timestamptz not null default now(),
  primary key (message_id, position)
);

-- ============================================================================
-- INDEXES
-- ============================================================================

create index answer_sources_user_id_idx on public.answer_sources (user_id);
create index answer_sources_file_id_idx on public.answer_sources (file_id);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.answer_sources enable row level security;

create policy "answer_sources: chat owners can read their answers' sources"
  on public.answer_sources for select to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: reads the message and the file whatever the writer's RLS. Holds for
-- every writer, the function's privileged path included: a source is on an answer, belongs to
-- that answer's owner, and names a file of the same owner.
create or replace function private.guard_answer_source()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.messages m
     where m.id = new.message_id and m.user_id = new.user_id and m.sender = 'assistant'
  ) then
    raise exception 'a source belongs to an answer of the same owner' using errcode = '23514';
  end if;
  if new.file_id is not null and not exists (
    select 1 from public.file_metadata f where f.id = new.file_id and f.user_id = new.user_id
  ) then
    raise exception 'a source names a file of the answer''s owner' using errcode = '23514';
  end if;
  return new;
end;
$$;

revoke all on function private.guard_answer_source() from public, anon, authenticated, service_role;

create trigger answer_sources_guard
  before insert on public.answer_sources
  for each row execute function private.guard_answer_source();

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on public.answer_sources from anon, authenticated, service_role;
grant select on public.answer_sources to authenticated;
grant select, insert, delete on public.answer_sources to service_role;
