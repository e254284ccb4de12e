-- file_metadata, file_chunks and message_attachments: the files of projects and chat
-- messages, kept as objects in the `attachments` Storage bucket; and the queue that removes
-- those objects once nothing refers to them.

-- ============================================================================
-- TABLES
-- ============================================================================

-- Why: a file added to a project is available to every chat in it. The text is extracted
-- once, on upload (PDF, Markdown, code, CSV, JSON…), and counted with the same tokenizer the
-- context builder uses, so a chat never re-reads the file to decide whether it fits.
-- storage_path is the object in the attachments bucket; its first folder is the owner.
create table public.file_metadata (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  project_id uuid not null references public.projects (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 255),
  size bigint not null check (size between 0 and 52428800),
  type text not null check (type ~ '^[a-z]+/[a-z0-9.+-]+$' and char_length(type) <= 100),
  storage_path text not null unique
    check (char_length(storage_path) between 3 and 1024 and split_part(storage_path, '/', 1) = user_id::text),
  extracted_text text not null default '' check (char_length(extracted_text) <= 2000000),
  token_count integer not null default 0 check (token_count >= 0),
  created_at timestamptz not null default now()
);

-- Why: a project's files can outgrow a model's context window; then the most relevant chunks
-- (Postgres full-text ranking against the question) go in instead. Chunks are ~400 tokens of
-- a file's text, in order.
create table public.file_chunks (
  id uuid primary key default gen_random_uuid(),
  file_id uuid not null references public.file_metadata (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  chunk_index integer not null check (chunk_index >= 0),
  content text not null check (char_length(content) <= 20000),
  token_count integer not null check (token_count >= 0),
  fts tsvector generated always as (to_tsvector('simple', content)) stored,
  unique (file_id, chunk_index)
);

-- Why: what a chat message carried, so the chat shows its chips after a reload and deleting
-- the message (or its session, project or account) removes the files. The extracted text is
-- not kept: the object is the source of truth.
create table public.message_attachments (
  id uuid primary key default gen_random_uuid(),
  message_id uuid not null references public.messages (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  storage_path text not null
    check (char_length(storage_path) between 3 and 1024 and split_part(storage_path, '/', 1) = user_id::text),
  name text not null check (char_length(btrim(name)) between 1 and 255),
  type text not null check (type ~ '^[a-z]+/[a-z0-9.+-]+$' and char_length(type) <= 100),
  size bigint not null check (size >= 0),
  token_count integer not null default 0 check (token_count >= 0),
  truncated boolean not null default false,
  created_at timestamptz not null default now(),
  unique (message_id, storage_path)
);

-- Why: Storage objects can only be removed through the Storage API (hosted guards
-- storage.objects against direct deletes), so deleting a row queues its object here and the
-- API removes queued objects with the service key right after. Only the owner connection
-- reaches it.
create table private.storage_cleanup (
  storage_path text primary key check (char_length(storage_path) between 1 and 1024),
  queued_at timestamptz not null default now()
);

-- ============================================================================
-- INDEXES
-- ============================================================================

create index file_metadata_project_id_idx on public.file_metadata (project_id, created_at);
create index file_metadata_user_id_idx on public.file_metadata (user_id);
create index file_chunks_user_id_idx on public.file_chunks (user_id);
create index file_chunks_fts_idx on public.file_chunks using gin (fts);
create index message_attachments_user_id_idx on public.message_attachments (user_id);
create index message_attachments_storage_path_idx on public.message_attachments (storage_path);

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

alter table public.file_metadata enable row level security;
alter table public.file_chunks enable row level security;
alter table public.message_attachments enable row level security;

create policy "file_metadata: users can read their own files"
  on public.file_metadata for select to authenticated
  using (user_id = (select auth.uid()));

-- The project must be the user's own.
create policy "file_metadata: users can add files to their own projects"
  on public.file_metadata for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.projects p where p.id = project_id and p.user_id = (select auth.uid()))
  );

create policy "file_metadata: users can delete their own files"
  on public.file_metadata for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "file_chunks: users can read their own chunks"
  on public.file_chunks for select to authenticated
  using (user_id = (select auth.uid()));

create policy "file_chunks: users can add chunks to their own files"
  on public.file_chunks for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.file_metadata f where f.id = file_id and f.user_id = (select auth.uid()))
  );

create policy "message_attachments: users can read their own attachments"
  on public.message_attachments for select to authenticated
  using (user_id = (select auth.uid()));

-- Only onto the user's own messages.
create policy "message_attachments: users can attach to their own messages"
  on public.message_attachments for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.messages m where m.id = message_id and m.user_id = (select auth.uid()))
  );

create policy "message_attachments: users can delete their own attachments"
  on public.message_attachments for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: the API roles cannot reach private; the function only records the
-- path of a row that is being deleted (cascades from messages, sessions, projects and
-- auth.users included).
create or replace function private.queue_storage_cleanup()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.storage_cleanup (storage_path) values (old.storage_path)
  on conflict (storage_path) do nothing;
  return old;
end;
$$;
revoke all on function private.queue_storage_cleanup() from public, anon, authenticated, service_role;

create trigger file_metadata_queue_storage_cleanup
  after delete on public.file_metadata
  for each row execute function private.queue_storage_cleanup();

create trigger message_attachments_queue_storage_cleanup
  after delete on public.message_attachments
  for each row execute function private.queue_storage_cleanup();

-- An account's every object goes, also those never attached to anything (an upload whose
-- message was never sent).
create or replace function private.queue_user_storage_cleanup()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.storage_cleanup (storage_path)
  select o.name from storage.objects o
   where o.bucket_id = 'attachments' and o.name like old.id::text || '/%'
  on conflict (storage_path) do nothing;
  return old;
end;
$$;
revoke all on function private.queue_user_storage_cleanup() from public, anon, authenticated, service_role;

create trigger on_auth_user_deleted_queue_storage_cleanup
  after delete on auth.users
  for each row execute function private.queue_user_storage_cleanup();

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke all on public.file_metadata, public.file_chunks, public.message_attachments from anon, authenticated, service_role;
grant select, insert, delete on public.file_metadata, public.file_chunks, public.message_attachments to authenticated, service_role;
revoke all on private.storage_cleanup from public, anon, authenticated, service_role;
