-- attachments: the private Storage bucket for files people attach to chats and projects.
-- The storage schema itself (storage.buckets, storage.objects, storage.foldername()) is the
-- platform's: hosted Supabase has it, local/ creates it; this migration only adds a bucket
-- and its policies, as https://supabase.com/docs/guides/storage/security/access-control shows.

-- ============================================================================
-- BUCKET
-- ============================================================================

-- Why: files are private to their owner and live under `<user_id>/…`. The size limit and the
-- allowed types are enforced by the Storage API on every upload (it answers 413 / 415
-- before a byte is stored): images a vision model can read, PDFs, and text of any kind
-- (plain, Markdown, CSV, code) plus the structured-text types browsers report for code.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values (
  'attachments', 'attachments', false, 20971520,
  array[
    'image/png', 'image/jpeg', 'image/gif', 'image/webp',
    'application/pdf',
    'text/*',
    'application/json', 'application/x-ndjson', 'application/xml', 'application/yaml',
    'application/x-yaml', 'application/toml', 'application/javascript', 'application/typescript',
    'application/x-sh', 'application/sql'
  ]
)
on conflict (id) do update
  set public = excluded.public,
      file_size_limit = excluded.file_size_limit,
      allowed_mime_types = excluded.allowed_mime_types;

-- ============================================================================
-- RLS + POLICIES
-- ============================================================================

-- storage.objects already has RLS enabled (by the platform). The first folder of an object's
-- name is its owner's user id; nobody else, signed in or not, can read, list, write, move or
-- delete it. An upsert needs select, insert and update, as the Storage API checks all three.

create policy "attachments: owners can read their files"
  on storage.objects for select to authenticated
  using (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );

create policy "attachments: owners can upload their files"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );

create policy "attachments: owners can replace their files"
  on storage.objects for update to authenticated
  using (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid())::text
  )
  with check (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );

create policy "attachments: owners can delete their files"
  on storage.objects for delete to authenticated
  using (
    bucket_id = 'attachments'
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );
