/** The per-user storage quota, read as the user (RLS on storage.objects shows only their own). */
import type { TransactionSql } from 'postgres';
import { ApiError } from '../errors.ts';
import { ATTACHMENTS_BUCKET } from './storage-client.ts';

export async function assertWithinQuota(sql: TransactionSql, quotaBytes: number): Promise<void> {
  const [row] = await sql<{ used: string }[]>`
    select coalesce(sum((metadata->>'size')::bigint), 0)::text as used from storage.objects where bucket_id = ${ATTACHMENTS_BUCKET}`;
  const used = Number(row?.used ?? 0);
  if (used > quotaBytes) {
    const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
    throw new ApiError(413, 'storage_quota_exceeded', `Your files use ${mb(used)} of your ${mb(quotaBytes)}; delete some chats, messages or project files first`);
  }
}
