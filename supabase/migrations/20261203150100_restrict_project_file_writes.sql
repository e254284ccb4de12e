-- ============================================================================
-- file_metadata and file_chunks are written by the API function only.
--
-- A project file's extracted_text and token_count decide what every chat of the project puts
-- in its prompt: files go in whole while their counted tokens fit the budget. With an insert
-- grant, anyone could state any text and any count for "their file" through the Data API
-- (hosted Supabase serves `public` with the user's own token): 2,000,000 characters declared
-- as 0 tokens go into every prompt whole, past the context budget; and rows without an object
-- in Storage escape the storage quota, so a script could add them without end. The function
-- now records a file and its chunks on its privileged connection, bound to the caller's own
-- project and folder, after reading the object and extracting and counting its text itself
-- (supabase/functions/api/lib/attachments/record-project-file.ts), as message_attachments are
-- (20261201030758_restrict_message_attachments_writes.sql). Users keep reading and deleting
-- their own rows, and storing embeddings of their chunks where pgvector is.
-- ============================================================================

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

drop policy "file_metadata: users can add files to their own projects" on public.file_metadata;
drop policy "file_chunks: users can add chunks to their own files" on public.file_chunks;

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke insert on public.file_metadata, public.file_chunks from authenticated;
