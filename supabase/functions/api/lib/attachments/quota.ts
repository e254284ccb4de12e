/**
 * The per-user storage quota, read as the user: the objects in their own folder (RLS also shows
 * them the files of their group chats, which count against their uploaders' quotas).
 */
import type { TransactionSql } from 'postgres';
import { ApiError } from '../errors.ts';
import { ATTACHMENTS_BUCKET } from './storage-client.ts';

/**
 * Refuses (413) when the user's objects exceed `quotaBytes`. Uploads that nothing refers to and
 * that are older than `orphanGraceSeconds` are not counted: the sweep (cleanup.ts,
 * private.queue_orphan_uploads) removes exactly those, so they never block a send or an upload
 * even before it has run.
 */
export async function assertWithinQuota(sql: TransactionSql, quotaBytes: number, orphanGraceSeconds: number): Promise<void> {
  const [row] = await sql<{ used: string }[]>`
    select coalesce(sum((o.metadata->>'size')::bigint), 0)::text as used
      from storage.objects o
     where o.bucket_id = ${ATTACHMENTS_BUCKET} and o.name like (select auth.uid())::text || '/%'
       and not (coalesce(o.updated_at, o.created_at) <= now() - make_interval(secs => ${orphanGraceSeconds})
                and not exists (select 1 from public.message_attachments a where a.storage_path = o.name)
                and not exists (select 1 from public.file_metadata f where f.storage_path = o.name))`;
  const used = Number(row?.used ?? 0);
  if (used > quotaBytes) {
    const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
    throw new ApiError(413, 'storage_quota_exceeded', `Your files use ${mb(used)} of your ${mb(quotaBytes)}; delete some chats, messages or project files first`);
  }
}
