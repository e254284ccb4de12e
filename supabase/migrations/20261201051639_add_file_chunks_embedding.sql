-- file_chunks.embedding: project files ranked by meaning as well as by words, where the
-- database has pgvector. Hosted Supabase offers the `vector` extension
-- (https://supabase.com/docs/guides/database/extensions/pgvector); the local stack's embedded
-- Postgres does not, and there this migration changes nothing: chunks are ranked by full-text
-- search alone, as before. A database that gains pgvector later gets the same column, index
-- and policy with `select private.add_file_chunk_embeddings();`.

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Why a function: the column's type exists only once the extension does, so the statements
-- run (dynamically) only where `vector` is available; the migration below calls it once.
-- Returns whether the column is there afterwards.
--
-- embedding: the chunk's vector from the owner's embedding model (the API pads shorter
-- vectors with zeros, which leaves cosine distances between vectors of one model unchanged);
-- embedding_model: `<provider>/<model>` that made it — vectors of different models are never
-- compared. Both or neither. An HNSW index with cosine distance serves nearest-chunk searches
-- (https://github.com/pgvector/pgvector#hnsw).
create or replace function private.add_file_chunk_embeddings()
returns boolean
language plpgsql
set search_path = ''
as $$
declare
  vector_schema text;
begin
  if not exists (select 1 from pg_catalog.pg_available_extensions where name = 'vector') then
    return false;
  end if;
  create extension if not exists vector with schema extensions;
  -- Where someone created it earlier in another schema, its type lives there.
  select n.nspname into vector_schema
    from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
   where e.extname = 'vector';

  -- TABLE
  execute format('alter table public.file_chunks
                    add column if not exists embedding %I.vector(1536),
                    add column if not exists embedding_model text', vector_schema);
  if not exists (select 1 from pg_catalog.pg_constraint
                  where conrelid = 'public.file_chunks'::regclass and conname = 'file_chunks_embedding_model_check') then
    alter table public.file_chunks add constraint file_chunks_embedding_model_check
      check (char_length(embedding_model) between 3 and 240 and (embedding is null) = (embedding_model is null));
  end if;

  -- INDEXES
  execute format('create index if not exists file_chunks_embedding_idx
                    on public.file_chunks using hnsw (embedding %I.vector_cosine_ops)', vector_schema);

  -- RLS + POLICIES: the owner stores the vectors of their own chunks (the API does, as them).
  if not exists (select 1 from pg_catalog.pg_policies
                  where schemaname = 'public' and tablename = 'file_chunks'
                    and policyname = 'file_chunks: users can store embeddings of their own chunks') then
    create policy "file_chunks: users can store embeddings of their own chunks"
      on public.file_chunks for update to authenticated
      using (user_id = (select auth.uid()))
      with check (user_id = (select auth.uid()));
  end if;

  -- GRANTS: only the two embedding columns may change; the text and its place stay as added.
  grant update (embedding, embedding_model) on public.file_chunks to authenticated, service_role;
  return true;
end;
$$;
revoke all on function private.add_file_chunk_embeddings() from public, anon, authenticated, service_role;

select private.add_file_chunk_embeddings();
