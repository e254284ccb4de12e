-- The database bounds what a person keeps in the attachments bucket without sending it.
--
-- The storage quota (ATTACHMENT_QUOTA_BYTES, 500 MiB) is the API's: it is checked when a
-- question or a project file names its files (supabase/functions/api/lib/attachments/quota.ts).
-- Storage itself takes any upload into the person's own folder (the bucket's policies check the
-- folder; the bucket, the size of one file), so a client talking to Storage directly — with
-- nothing but its own token — could upload without end and never send: a security audit put
-- 26 files of 20 MiB there, past the quota, and nothing refused them. Unsent uploads are swept
-- 24 hours later, and only when that person sends or where pg_cron runs the sweep.
--
-- A BEFORE INSERT trigger on storage.objects now refuses a new object in the attachments bucket
-- when its uploader already has 100 objects that no message and no project file names, or when
-- those and the new one would pass 256 MiB (a question takes at most 10 files of 20 MiB). It
-- counts unsent files of any age: an old one still takes room until the sweep removes it, and
-- sending (which sweeps) frees them. Replacing an unsent file does not count it twice. Storage
-- tries every upload's row before reading its bytes (and writes it again with the size once it
-- has them), so an upload past the count is refused before a byte is stored; the refusal is
-- 42501, which Storage answers as a refused write with the trigger's message
-- (https://supabase.com/docs/guides/storage/security/access-control). Hosted projects may
-- create triggers on storage.objects:
-- https://supabase.com/changelog/34270-restricting-access-on-auth-storage-and-realtime-schemas-on-april-21-2025

-- ============================================================================
-- TRIGGERS
-- ============================================================================

-- Why security definer: Storage writes as supabase_storage_admin (and tries writes as the
-- caller), neither of which reads public.message_attachments or public.file_metadata.
create or replace function private.limit_unsent_uploads()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_folder text := split_part(new.name, '/', 1);
  v_count bigint;
  v_bytes bigint;
begin
  select count(*), coalesce(sum((o.metadata->>'size')::bigint), 0)
    into v_count, v_bytes
    from storage.objects o
   where o.bucket_id = 'attachments' and o.name like v_folder || '/%' and o.name <> new.name
     and not exists (select 1 from public.message_attachments a where a.storage_path = o.name)
     and not exists (select 1 from public.file_metadata f where f.storage_path = o.name);
  if v_count >= 100 then
    raise exception 'You have 100 uploaded files that are in no message or project yet; send or remove some first'
      using errcode = '42501';
  end if;
  if v_bytes + coalesce((new.metadata->>'size')::bigint, 0) > 256 * 1024 * 1024 then
    raise exception 'Your uploaded files that are in no message or project yet would pass 256 MB; send or remove some first'
      using errcode = '42501';
  end if;
  return new;
end;
$$;

revoke all on function private.limit_unsent_uploads() from public, anon, authenticated, service_role;

create trigger objects_limit_unsent_uploads
  before insert on storage.objects
  for each row
  when (new.bucket_id = 'attachments')
  execute function private.limit_unsent_uploads();
