-- ============================================================================
-- A file that is part of a message or a project keeps its bytes and its name.
--
-- The Storage API checks storage.objects' RLS with the user's own token
-- (https://supabase.com/docs/guides/storage/security/access-control): an upsert and
-- `update()` need an update policy, `move()` too, `remove()` a delete policy. The owner's
-- policies allowed all three on every object in their folder, so after a question was sent
-- its uploader could, straight through the Storage API:
--  - swap the bytes of an attached image or PDF: the chat's owner and its members then see a
--    different file under the same message, and a regenerate sends the model the new one
--    (a small file swapped for 20 MB after the storage quota was checked at send time);
--  - move it away or remove it: message_attachments / file_metadata still name the path, so
--    everyone in the chat gets a missing file, a regenerate with it fails, and the moved
--    object, now named by nothing, is swept as an orphan a day later.
-- The web app never upserts, moves or removes a file once it is sent (it removes only tray
-- uploads no row names yet), and attached objects leave Storage with their rows, through the
-- cleanup queue and the service key (private.storage_cleanup). So the owner's update and
-- delete policies now cover only objects no message_attachments or file_metadata row names;
-- uploads, reads and the tray's removals are unchanged. The rows are read with the caller's
-- own RLS: a row naming an object in their folder is always theirs (the uploader's), which
-- they can read.
-- ============================================================================

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

drop policy "attachments: owners can replace their files" on storage.objects;
drop policy "attachments: owners can delete their files" on storage.objects;

create policy "attachments: owners can replace or move files not yet attached"
  on storage.objects for update to authenticated
  using (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid())::text
    and not exists (select 1 from public.message_attachments a where a.storage_path = objects.name)
    and not exists (select 1 from public.file_metadata f where f.storage_path = objects.name)
  )
  with check (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid())::text
    and not exists (select 1 from public.message_attachments a where a.storage_path = objects.name)
    and not exists (select 1 from public.file_metadata f where f.storage_path = objects.name)
  );

create policy "attachments: owners can delete files not yet attached"
  on storage.objects for delete to authenticated
  using (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid())::text
    and not exists (select 1 from public.message_attachments a where a.storage_path = objects.name)
    and not exists (select 1 from public.file_metadata f where f.storage_path = objects.name)
  );
