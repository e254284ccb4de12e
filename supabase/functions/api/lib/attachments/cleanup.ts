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
      // Owner connection: private is out of the API roles' reach. Rows stay locked until Storage
      // has confirmed the removal. A row another drain holds is waited for, not skipped: a
      // request's drain (a DELETE answers once its objects are gone) must not answer while a
      // background sweep's drain is still removing them. The order is total, so two drains
      // lock in the same order and cannot deadlock.
      const done = await db.sql.begin(async (tx) => {
        // A path another row still names stays in Storage (an edited question keeps the files
        // of the version it replaces; deleting one branch must not take them from the other).
        const rows = await tx<{ storage_path: string; in_use: boolean }[]>`
          select c.storage_path,
                 exists (select 1 from public.message_attachments a where a.storage_path = c.storage_path)
                   or exists (select 1 from public.file_metadata f where f.storage_path = c.storage_path) as in_use
            from private.storage_cleanup c order by c.queued_at, c.storage_path limit ${BATCH} for update of c`;
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

/**
 * An upload a request refused (a project file not added): queued and drained like any other
 * path, so it goes only if no message_attachments or file_metadata row names it — never an
 * object a message or another file still uses, with the service key that keep_attached_objects
 * does not bind. Never throws: a path that could not be queued is left to the orphan sweep.
 */
export async function discardUpload(db: Db, access: StorageAccess, log: Logger, path: string): Promise<void> {
  if (!access.config.storage.serviceKey) return;
  try {
    await db.sql`insert into private.storage_cleanup (storage_path) values (${path}) on conflict (storage_path) do nothing`;
  } catch (error) {
    log.warn('could not queue a refused upload for removal', { error: error instanceof Error ? error.message : String(error) });
    return;
  }
  await drainStorageCleanup(db, access, log);
}

/** When this process last swept each user's folder (spares the database a call per send). */
const lastSweep = new Map<string, number>();

/**
 * Removes the user's orphaned uploads: objects in their folder that no message or project file
 * refers to and that are older than the grace period (a file removed from the composer, a send
 * that was refused, a draft abandoned or a tab closed; a project-file upload never added). They
 * are queued by private.queue_orphan_uploads (at most once per sweep interval per user, across
 * instances) and removed by the drain above, through the Storage API. `keep` are the files of
 * the request that triggered the sweep. Returns how many objects were queued, null when the
 * sweep was skipped. Never throws.
 */
export async function sweepOrphanUploads(db: Db, access: StorageAccess, log: Logger, userId: string, keep: string[] = []): Promise<number | null> {
  const { serviceKey, orphanGraceSeconds, sweepIntervalSeconds } = access.config.storage;
  if (!serviceKey) return null;
  const own = keep.filter((path) => path.startsWith(`${userId}/`));
  if (own.length > 0) {
    // Files this request sends may have been queued meanwhile (an orphan of yesterday's draft,
    // queued by the scheduled job, sent now): out of the queue, so no drain removes them before
    // the message names them.
    try {
      await db.sql`delete from private.storage_cleanup where storage_path = any(${own}::text[])`;
    } catch (error) {
      log.warn('could not keep the files of a send out of the cleanup queue', { error: error instanceof Error ? error.message : String(error) });
    }
  }
  const now = Date.now();
  if (sweepIntervalSeconds > 0) {
    const last = lastSweep.get(userId);
    if (last !== undefined && now - last < sweepIntervalSeconds * 1000) return null;
    if (lastSweep.size >= 10_000) lastSweep.clear();
    lastSweep.set(userId, now);
  }
  try {
    // Owner connection: the function reads every object of the folder and writes the private queue.
    const [row] = await db.sql<{ queued: number | null }[]>`
      select private.queue_orphan_uploads(
        ${userId}::uuid,
        make_interval(secs => ${orphanGraceSeconds}),
        ${keep}::text[],
        case when ${sweepIntervalSeconds}::int > 0 then make_interval(secs => ${sweepIntervalSeconds}) end
      ) as queued`;
    if (row?.queued === null || row?.queued === undefined) return null;
    await drainStorageCleanup(db, access, log);
    return row.queued;
  } catch (error) {
    log.warn('upload sweep failed; will retry on a later request', { error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}
