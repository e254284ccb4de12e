/**
 * Removes Storage objects nothing refers to any more (a queued path that a message or file
 * row still names is dropped from the queue and kept). Deleting a file, message, session,
 * project or account queues its objects in private.storage_cleanup (database triggers); this
 * drains the queue through the Storage API with the service key — the only way objects leave
 * storage on hosted Supabase — and keeps any path it could not remove for the next run.
 */
import type { Db } from '../db.ts';
import type { Logger } from '../log.ts';
import { removeObjects, type StorageAccess } from './storage-client.ts';

const BATCH = 500;

/** Returns how many objects were removed. Never throws: a failure is logged and retried later. */
export async function drainStorageCleanup(db: Db, access: StorageAccess, log: Logger): Promise<number> {
  if (!access.config.storage.serviceKey) return 0;
  let removed = 0;
  try {
    for (;;) {
      // Owner connection: private is out of the API roles' reach. Rows stay locked (and are
      // skipped by concurrent drains) until Storage has confirmed the removal.
      const done = await db.sql.begin(async (tx) => {
        // A path another row still names stays in Storage (an edited question keeps the files
        // of the version it replaces; deleting one branch must not take them from the other).
        const rows = await tx<{ storage_path: string; in_use: boolean }[]>`
          select c.storage_path,
                 exists (select 1 from public.message_attachments a where a.storage_path = c.storage_path)
                   or exists (select 1 from public.file_metadata f where f.storage_path = c.storage_path) as in_use
            from private.storage_cleanup c order by c.queued_at limit ${BATCH} for update of c skip locked`;
        if (rows.length === 0) return 0;
        const unused = rows.filter((r) => !r.in_use).map((r) => r.storage_path);
        if (unused.length > 0) await removeObjects(access, unused);
        await tx`delete from private.storage_cleanup where storage_path = any(${rows.map((r) => r.storage_path)})`;
        return rows.length;
      });
      removed += Number(done);
      if (Number(done) < BATCH) return removed;
    }
  } catch (error) {
    log.warn('storage cleanup failed; will retry', { error: error instanceof Error ? error.message : String(error) });
    return removed;
  }
}
