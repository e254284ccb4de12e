/**
 * Bucket routes of the Storage API (src/http/routes/bucket/*). They run as the caller, so
 * RLS on storage.buckets decides: with no policies, only the service role (secret key)
 * creates, changes or deletes buckets, as on hosted Supabase.
 */
import { z } from 'zod';
import { identifyCaller } from './caller.ts';
import { asCaller, asSuperUser } from './db.ts';
import { ERRORS, StorageError } from './errors.ts';
import { isValidBucketName, parseFileSize, readJson, sendJson, type Ctx } from './http.ts';
import { deleteObjects } from './objects.ts';

const COLUMNS = 'id, name, owner, public, type, file_size_limit, allowed_mime_types, created_at, updated_at';
const SORT_COLUMNS = new Set(['id', 'name', 'created_at', 'updated_at']);

/** GET /bucket?limit&offset&sortColumn&sortOrder&search */
export async function listBuckets(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const q = ctx.query;
  const column = SORT_COLUMNS.has(q.get('sortColumn') ?? '') ? q.get('sortColumn')! : 'name';
  const order = q.get('sortOrder') === 'desc' ? 'desc' : 'asc';
  const limit = intParam(q.get('limit'), 'limit');
  const offset = intParam(q.get('offset'), 'offset') ?? 0;
  const search = q.get('search') ?? '';
  const rows = await asCaller(ctx.sql, caller, scope(ctx, 'storage.bucket.list'), (tx) => tx.unsafe(
    `select ${COLUMNS} from storage.buckets where ($1 = '' or name ilike '%' || $1 || '%')
      order by ${column} ${order} limit $2 offset $3`,
    [search, limit ?? null, offset],
  ));
  sendJson(ctx.res, 200, rows.map(withFileSizeNumber));
}

/** GET /bucket/{id} */
export async function getBucket(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [id] = ctx.params as [string];
  const [row] = await asCaller(ctx.sql, caller, scope(ctx, 'storage.bucket.get'), (tx) =>
    tx.unsafe(`select ${COLUMNS} from storage.buckets where id = $1`, [id]));
  if (!row) throw ERRORS.noSuchBucket();
  sendJson(ctx.res, 200, withFileSizeNumber(row));
}

const settings = {
  public: z.boolean().optional(),
  file_size_limit: z.union([z.number(), z.string()]).nullable().optional(),
  allowed_mime_types: z.array(z.string()).nullable().optional(),
};
const createSchema = z.object({ id: z.string().optional(), name: z.string(), type: z.enum(['STANDARD']).optional(), ...settings });

/** POST /bucket {id, name, public, file_size_limit, allowed_mime_types} */
export async function createBucket(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const body = await readJson(ctx.req, createSchema);
  if (!isValidBucketName(body.name) || (body.id !== undefined && !isValidBucketName(body.id))) throw ERRORS.invalidBucketName();
  const values = {
    id: body.id || body.name,
    name: body.name,
    owner: caller.owner ?? null,
    owner_id: caller.owner ?? null,
    public: body.public ?? false,
    file_size_limit: sizeLimit(ctx, body.file_size_limit),
    allowed_mime_types: mimeTypes(body.allowed_mime_types),
  };
  try {
    await asCaller(ctx.sql, caller, scope(ctx, 'storage.bucket.create'), (tx) => tx`insert into storage.buckets ${tx(values)}`);
  } catch (error) {
    if (error instanceof StorageError && error.code === 'ResourceAlreadyExists') throw ERRORS.bucketAlreadyExists();
    throw error;
  }
  sendJson(ctx.res, 200, { name: body.name });
}

/** PUT /bucket/{id} {public, file_size_limit, allowed_mime_types} */
export async function updateBucket(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [id] = ctx.params as [string];
  const body = await readJson(ctx.req, z.object(settings));
  const changes: Record<string, unknown> = {};
  if (body.public !== undefined) changes.public = body.public;
  if (body.file_size_limit !== undefined) changes.file_size_limit = sizeLimit(ctx, body.file_size_limit);
  if (body.allowed_mime_types !== undefined) changes.allowed_mime_types = mimeTypes(body.allowed_mime_types);
  if (Object.keys(changes).length === 0) throw ERRORS.noContentProvided();
  const updated = await asCaller(ctx.sql, caller, scope(ctx, 'storage.bucket.update'), (tx) =>
    tx`update storage.buckets set ${tx(changes)}, updated_at = now() where id = ${id} returning id`);
  if (updated.length === 0) throw ERRORS.noSuchBucket();
  sendJson(ctx.res, 200, { message: 'Successfully updated' });
}

/** POST /bucket/{id}/empty: deletes every object the caller may delete, files included. */
export async function emptyBucket(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [id] = ctx.params as [string];
  const sc = scope(ctx, 'storage.bucket.empty');
  const names = await asCaller(ctx.sql, caller, sc, async (tx) => {
    const [bucket] = await tx`select id from storage.buckets where id = ${id}`;
    if (!bucket) throw ERRORS.noSuchBucket();
    return (await tx<{ name: string }[]>`select name from storage.objects where bucket_id = ${id}`).map((row) => row.name);
  });
  for (let i = 0; i < names.length; i += 1000) await deleteObjects(ctx, caller, id, names.slice(i, i + 1000), sc);
  sendJson(ctx.res, 200, { message: 'Successfully emptied' });
}

/** DELETE /bucket/{id}: only an empty bucket. */
export async function deleteBucket(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [id] = ctx.params as [string];
  const sc = scope(ctx, 'storage.bucket.delete');
  await asSuperUser(ctx.sql, sc, async (tx) => {
    const [bucket] = await tx`select id from storage.buckets where id = ${id} for update`;
    if (!bucket) throw ERRORS.noSuchBucket();
    const [object] = await tx`select 1 from storage.objects where bucket_id = ${id} limit 1`;
    if (object) throw ERRORS.bucketNotEmpty();
  });
  const deleted = await asCaller(ctx.sql, caller, sc, (tx) => tx`delete from storage.buckets where id = ${id} returning id`);
  if (deleted.length === 0) throw ERRORS.noSuchBucket();
  sendJson(ctx.res, 200, { message: 'Successfully deleted' });
}

function scope(ctx: Ctx, operation: string) {
  return { operation, method: ctx.method, path: ctx.path };
}

function intParam(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw ERRORS.invalidParameter(name);
  return n;
}

function sizeLimit(ctx: Ctx, value: number | string | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  const bytes = parseFileSize(value);
  if (bytes > ctx.globalLimit) throw ERRORS.entityTooLarge();
  return bytes;
}

function mimeTypes(value: string[] | null | undefined): string[] | null {
  if (!value) return null;
  const types = value.filter((type) => type);
  for (const type of types) {
    if (type.length > 1000 || !/^([a-zA-Z0-9\-+.]+)\/([a-zA-Z0-9\-+.]+)(;\s*charset=[a-zA-Z0-9-]+)?$|\*$/.test(type)) throw ERRORS.invalidMimeType(type);
  }
  return types;
}

/** bigint comes back from Postgres as a string; the API answers a number. */
function withFileSizeNumber(row: Record<string, unknown>): Record<string, unknown> {
  return { ...row, file_size_limit: row.file_size_limit === null || row.file_size_limit === undefined ? null : Number(row.file_size_limit) };
}
