/**
 * Removes Storage objects nothing refers to any more. Deleting a file, message, session,
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
        const rows = await tx<{ storage_path: string }[]>`
          select storage_path from private.storage_cleanup order by queued_at limit ${BATCH} for update skip locked`;
        if (rows.length === 0) return 0;
        const paths = rows.map((r) => r.storage_path);
        await removeObjects(access, paths);
        await tx`delete from private.storage_cleanup where storage_path = any(${paths})`;
        return paths.length;
      });
      removed += Number(done);
      if (Number(done) < BATCH) return removed;
    }
  } catch (error) {
    log.warn('storage cleanup failed; will retry', { error: error instanceof Error ? error.message : String(error) });
    return removed;
  }
}
