-- Orphaned uploads beyond chat: a project file is uploaded to `<user id>/…` before
-- POST /projects/{id}/files records it in file_metadata. A client that uploads and never makes
-- that call (a crash, a closed tab, a script that gave up) leaves an object nothing names, which
-- the chat-upload sweep (under `<user id>/chat/` only) never saw. The sweep now covers the
-- user's whole folder: every object, wherever it is, that no message_attachments or
-- file_metadata row names once the grace period has passed. Objects still leave only through
-- the Storage API (the drain in supabase/functions/api/lib/attachments/cleanup.ts):
-- https://supabase.com/docs/guides/storage/management/delete-objects

-- ============================================================================
-- FUNCTIONS
-- ============================================================================

-- Queues the uploads nothing refers to: objects under `<user>/` (every user's when p_user_id is
-- null, for a scheduled job) last written at least p_older_than ago, named by no
-- message_attachments or file_metadata row and not in p_keep (the files of the request that
-- triggered the sweep). With p_min_interval, a user's folder is swept at most once per interval
-- (private.chat_upload_sweeps): null is returned when this call was too soon. Returns how many
-- objects were queued (at most 1000 per call; the next sweep takes the rest). The drain checks
-- again that nothing names a path before removing it.
-- Why security definer: the API roles cannot reach private or other users' objects; the
-- function only reads storage.objects and adds paths to the cleanup queue.
create or replace function private.queue_orphan_uploads(
  p_user_id uuid,
  p_older_than interval,
  p_keep text[] default '{}',
  p_min_interval interval default null
)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  queued integer;
begin
  if p_older_than is null or p_older_than < interval '0' then
    raise exception 'p_older_than must be a non-negative interval' using errcode = '22023';
  end if;
  if p_user_id is not null and p_min_interval is not null then
    insert into private.chat_upload_sweeps as s (user_id, swept_at) values (p_user_id, now())
    on conflict (user_id) do update set swept_at = now()
      where s.swept_at <= now() - p_min_interval;
    get diagnostics queued = row_count;
    if queued = 0 then
      return null;
    end if;
  end if;

  -- One user's folder is a range of the (bucket_id, name collate "C") index Storage keeps
  -- ('0' follows '/'); every user's is a scan of the bucket, for the scheduled job.
  insert into private.storage_cleanup (storage_path)
  select o.name
    from storage.objects o
   where o.bucket_id = 'attachments'
     and (p_user_id is null or (o.name collate "C" >= p_user_id::text || '/'
                                and o.name collate "C" < p_user_id::text || '0'))
     and split_part(o.name, '/', 1) ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
     and coalesce(o.updated_at, o.created_at) <= now() - p_older_than
     and not (o.name = any (coalesce(p_keep, '{}')))
     and not exists (select 1 from public.message_attachments a where a.storage_path = o.name)
     and not exists (select 1 from public.file_metadata f where f.storage_path = o.name)
   order by o.name
   limit 1000
  on conflict (storage_path) do nothing;
  get diagnostics queued = row_count;
  return queued;
end;
$$;
revoke all on function private.queue_orphan_uploads(uuid, interval, text[], interval) from public, anon, authenticated, service_role;

-- Kept for schedules made with its name (README's pg_cron one-liner): it sweeps the whole
-- folder now, as queue_orphan_uploads does.
create or replace function private.queue_orphan_chat_uploads(
  p_user_id uuid,
  p_older_than interval,
  p_keep text[] default '{}',
  p_min_interval interval default null
)
returns integer
language sql
security definer
set search_path = ''
as $$
  select private.queue_orphan_uploads(p_user_id, p_older_than, p_keep, p_min_interval);
$$;
revoke all on function private.queue_orphan_chat_uploads(uuid, interval, text[], interval) from public, anon, authenticated, service_role;

-- ============================================================================
-- SCHEDULE (where the database has pg_cron)
-- ============================================================================

-- The hourly job (https://supabase.com/docs/guides/cron) takes the new name; cron.schedule
-- with an existing job name replaces that job's command.
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    execute $sql$select cron.schedule('mrprompt-chat-upload-sweep', '17 * * * *',
      'select private.queue_orphan_uploads(null, interval ''24 hours'')')$sql$;
  end if;
end;
$$;
