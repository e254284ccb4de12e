-- file_chunks: the API roles may not delete chunks.
--
-- A file's chunks are what the function extracted and counted when it recorded the file
-- (20261203150100_restrict_project_file_writes.sql); they go with their file, by the foreign
-- key's `on delete cascade` when the owner deletes the file_metadata row (a cascade needs no
-- privilege of the deleting role on the referencing table). The delete grant to `authenticated`
-- from 20261130230657_create_file_metadata.sql had no policy behind it and no user of it (the
-- API and the web app never delete a chunk): through the Data API a delete matched no row, with
-- no error. Revoked, so it answers "permission denied" and no later policy can make it a way
-- to leave a file with part of its text (Supabase: "Row Level Security" and grants,
-- https://supabase.com/docs/guides/database/postgres/row-level-security).

-- ============================================================================
-- GRANTS
-- ============================================================================

revoke delete on public.file_chunks from authenticated;
