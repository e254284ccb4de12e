/**
 * storage.objects and storage.buckets rows, and the write path of an object: the write is
 * tried first (a rolled-back insert as the caller, or as the superuser for a signed upload),
 * the bytes are staged and moved into place, and one transaction records the row — as the
 * caller, so the policies check the final row too. A replaced version's file is removed after
 * the commit; a failed write leaves no file.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from './caller.ts';
import { asCaller, asSuperUser, becomeCaller, testPermission, type Scope, type Tx } from './db.ts';
import { ERRORS } from './errors.ts';
import type { Ctx } from './http.ts';
import { receiveUpload, type BucketLimits } from './upload.ts';

export interface ObjectRow {
  id: string;
  bucket_id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  version: string | null;
  metadata: Record<string, unknown> | null;
  user_metadata: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
  last_accessed_at: string;
}

export interface BucketRow extends BucketLimits {
  id: string;
  name: string;
  public: boolean;
}

export async function findBucket(tx: Tx, id: string): Promise<BucketRow> {
  const [bucket] = await tx<BucketRow[]>`
    select id, name, public, file_size_limit, allowed_mime_types from storage.buckets where id = ${id}`;
  if (!bucket) throw ERRORS.noSuchBucket();
  return bucket;
}

export async function findObject(tx: Tx, bucketId: string, name: string): Promise<ObjectRow> {
  const [object] = await tx<ObjectRow[]>`
    select * from storage.objects where bucket_id = ${bucketId} and name = ${name}`;
  if (!object) throw ERRORS.noSuchKey();
  return object;
}

interface WriteRow {
  bucket_id: string;
  name: string;
  owner: string | null;
  version: string;
  metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown> | null;
}

/** Inserts (or with upsert, replaces) a row as whoever the transaction runs as. */
export async function writeObjectRow(tx: Tx, row: WriteRow, upsert: boolean): Promise<{ object: ObjectRow }> {
  const values = {
    bucket_id: row.bucket_id,
    name: row.name,
    owner: row.owner,
    owner_id: row.owner,
    version: row.version,
    metadata: tx.json(row.metadata as never),
    user_metadata: row.user_metadata === null ? null : tx.json(row.user_metadata as never),
  };
  try {
    if (!upsert) {
      const [object] = await tx<ObjectRow[]>`insert into storage.objects ${tx(values)} returning *`;
      return { object: object! };
    }
    const [object] = await tx<ObjectRow[]>`
      insert into storage.objects ${tx(values)}
      on conflict (bucket_id, name) do update set
        owner = excluded.owner, owner_id = excluded.owner_id, version = excluded.version,
        metadata = excluded.metadata, user_metadata = excluded.user_metadata,
        last_accessed_at = now()
      returning *`;
    return { object: object! };
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === '23505') throw ERRORS.keyAlreadyExists();
    throw error;
  }
}

/**
 * May this object be created (or replaced)? Asked before any byte is read, for every upload,
 * as hosted's Uploader.canUpload asks: as the caller, or for a signed upload as the superuser,
 * whose write the table's triggers can still refuse (an attached file keeps its bytes).
 */
export async function canUpload(
  ctx: Ctx, writer: Caller | 'superuser', bucketId: string, name: string, upsert: boolean, scope: Scope,
  owner = writer === 'superuser' ? null : writer.owner ?? null,
): Promise<void> {
  const mimetype = String(ctx.req.headers['content-type'] ?? '');
  const contentLength = Number(ctx.req.headers['content-length'] ?? 0) || 0;
  await testPermission(ctx.sql, writer, scope, (tx) =>
    writeObjectRow(tx, { bucket_id: bucketId, name, owner, version: randomUUID(), metadata: { mimetype, contentLength }, user_metadata: null }, upsert));
}

export interface UploadOptions {
  bucketId: string;
  name: string;
  upsert: boolean;
  /** Who records the row: the caller (RLS applies) or, for a signed upload, the superuser. */
  writer: Caller | 'superuser';
  owner: string | null;
  scope: Scope;
}

export async function uploadObject(ctx: Ctx, options: UploadOptions): Promise<ObjectRow> {
  const bucket = await asSuperUser(ctx.sql, options.scope, (tx) => findBucket(tx, options.bucketId));
  await canUpload(ctx, options.writer, options.bucketId, options.name, options.upsert, options.scope, options.owner);
  const upload = await receiveUpload(ctx.req, ctx.files, { bucket, objectName: options.name, globalLimit: ctx.globalLimit });
  const version = randomUUID();
  try {
    await ctx.files.commit(upload.staged, version);
  } catch (error) {
    await ctx.files.discard(upload.staged);
    throw error;
  }
  const metadata = {
    eTag: upload.staged.eTag,
    size: upload.staged.size,
    mimetype: upload.mimeType,
    cacheControl: upload.cacheControl,
    lastModified: new Date().toISOString(),
    contentLength: upload.staged.size,
    httpStatusCode: 200,
  };
  try {
    const { object, previous } = await asSuperUser(ctx.sql, options.scope, async (tx) => {
      // The previous version is read (and locked) before assuming the caller's role: RLS may
      // hide it from them, yet its file must go once the row points elsewhere.
      const [old] = await tx<{ version: string | null }[]>`
        select version from storage.objects where bucket_id = ${options.bucketId} and name = ${options.name} for update`;
      if (options.writer !== 'superuser') await becomeCaller(tx, options.writer, options.scope);
      const written = await writeObjectRow(tx, {
        bucket_id: options.bucketId, name: options.name, owner: options.owner, version, metadata, user_metadata: upload.userMetadata ?? null,
      }, options.upsert);
      return { object: written.object, previous: old?.version ?? null };
    });
    await ctx.files.remove(previous);
    return object;
  } catch (error) {
    await ctx.files.remove(version);
    throw error;
  }
}

/** Deletes rows the caller may delete (RLS), then their files. */
export async function deleteObjects(ctx: Ctx, caller: Caller, bucketId: string, names: string[], scope: Scope): Promise<ObjectRow[]> {
  const removed = await asCaller(ctx.sql, caller, scope, (tx) => tx<ObjectRow[]>`
    delete from storage.objects where bucket_id = ${bucketId} and name = any(${names}) returning *`);
  for (const row of removed) await ctx.files.remove(row.version);
  return removed;
}
