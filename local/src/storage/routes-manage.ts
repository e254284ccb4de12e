/**
 * Object routes that work on rows, not bodies (src/http/routes/object/*): list (through
 * storage.search, as the caller), move, copy, and signing download and upload URLs.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { identifyCaller } from './caller.ts';
import { asCaller, asSuperUser, becomeCaller } from './db.ts';
import { ERRORS } from './errors.ts';
import { mustBeValidKey, readJson, sendJson, type Ctx } from './http.ts';
import { canUpload, findBucket, findObject, writeObjectRow, type ObjectRow } from './objects.ts';
import { signObjectToken } from './signing.ts';
import { uploadMimeType, validateMimeType } from './upload.ts';

/** Signed upload URLs live two hours (hosted's UPLOAD_SIGNED_URL_EXPIRATION_TIME default). */
const UPLOAD_URL_SECONDS = 7200;

const listSchema = z.object({
  prefix: z.string().default(''),
  limit: z.number().int().min(1).optional(),
  offset: z.number().int().min(0).optional(),
  search: z.string().optional(),
  sortBy: z.object({ column: z.string().optional(), order: z.string().optional() }).optional(),
});

/** POST /object/list/{bucket}: folders and files one level under `prefix`. */
export async function list(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [bucketId] = ctx.params as [string];
  const body = await readJson(ctx.req, listSchema);
  let prefix = body.prefix;
  if (prefix.length > 0 && !prefix.endsWith('/')) prefix = `${prefix}/`;
  const column = body.sortBy?.column ?? 'name';
  // Outside name order the function matches with ILIKE, so wildcards are escaped (as hosted).
  const escape = (value: string) => (column === 'name' ? value : value.replace(/[\\%_]/g, '\\$&'));
  const search = escape(body.search ?? '');
  const safePrefix = escape(prefix);
  const rows = await asCaller(ctx.sql, caller, { operation: 'storage.object.list', method: ctx.method, path: ctx.path }, (tx) => tx`
    select * from storage.search(${safePrefix}, ${bucketId}, ${body.limit ?? 100}, ${(safePrefix + search).split('/').length},
                                 ${body.offset ?? 0}, ${search}, ${column}, ${body.sortBy?.order ?? 'asc'})`);
  sendJson(ctx.res, 200, rows);
}

const moveSchema = z.object({
  bucketId: z.string().min(1),
  sourceKey: z.string().min(1),
  destinationKey: z.string().min(1),
  destinationBucket: z.string().min(1).optional(),
});

/** POST /object/move: renames the row as the caller (the stored bytes do not move). */
export async function move(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const body = await readJson(ctx.req, moveSchema);
  const destinationKey = mustBeValidKey(body.destinationKey);
  const destinationBucket = body.destinationBucket ?? body.bucketId;
  const scope = { operation: 'storage.object.move', method: ctx.method, path: ctx.path };
  // Into another bucket, the object's type must be one that bucket takes (see copy).
  const target = destinationBucket === body.bucketId ? null : await asSuperUser(ctx.sql, scope, (tx) => findBucket(tx, destinationBucket));
  const moved = await asCaller(ctx.sql, caller, scope, async (tx) => {
    const source = await findObject(tx, body.bucketId, body.sourceKey);
    if (target) validateMimeType(uploadMimeType(String(source.metadata?.mimetype ?? '')), target.allowed_mime_types, destinationKey);
    const [row] = await tx<ObjectRow[]>`
      update storage.objects
         set name = ${destinationKey}, bucket_id = ${destinationBucket},
             owner = ${caller.owner ?? null}, owner_id = ${caller.owner ?? null}
       where id = ${source.id}
      returning *`;
    // RLS can hide the row from the update (its USING) without an error.
    if (!row) throw ERRORS.accessDenied('new row violates row-level security policy');
    return row;
  });
  sendJson(ctx.res, 200, { message: 'Successfully moved', Id: moved.id, Key: moved.name });
}

const copySchema = moveSchema.extend({
  copyMetadata: z.boolean().optional(),
  metadata: z.object({ cacheControl: z.string().optional(), mimetype: z.string().optional() }).optional(),
});

/**
 * POST /object/copy: a new version with the same bytes, written as the caller. The copy's type
 * (the source's, or with `copyMetadata: false` the `metadata.mimetype` given) is normalised and
 * must be one the destination bucket allows, as an upload's is — stricter than hosted, whose
 * copyObject (src/storage/object.ts) stores `metadata.mimetype` unchecked, so any type could be
 * given to bytes uploaded as text/plain.
 */
export async function copy(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const body = await readJson(ctx.req, copySchema);
  const destinationKey = mustBeValidKey(body.destinationKey);
  const destinationBucket = body.destinationBucket ?? body.bucketId;
  const upsert = ctx.req.headers['x-upsert'] === 'true';
  const scope = { operation: 'storage.object.copy', method: ctx.method, path: ctx.path };
  const source = await asCaller(ctx.sql, caller, scope, (tx) => findObject(tx, body.bucketId, body.sourceKey));
  await canUpload(ctx, caller, destinationBucket, destinationKey, upsert, scope);
  const metadata: Record<string, unknown> = { ...(source.metadata ?? {}), lastModified: new Date().toISOString() };
  if (body.copyMetadata === false && body.metadata) Object.assign(metadata, body.metadata);
  const bucket = await asSuperUser(ctx.sql, scope, (tx) => findBucket(tx, destinationBucket));
  metadata.mimetype = uploadMimeType(String(metadata.mimetype ?? ''));
  validateMimeType(metadata.mimetype as string, bucket.allowed_mime_types, destinationKey);
  const version = randomUUID();
  await ctx.files.duplicate(source.version ?? '', version);
  try {
    const { object, previous } = await asSuperUser(ctx.sql, scope, async (tx) => {
      const [old] = await tx<{ version: string | null }[]>`
        select version from storage.objects where bucket_id = ${destinationBucket} and name = ${destinationKey} for update`;
      await becomeCaller(tx, caller, scope);
      const written = await writeObjectRow(tx, {
        bucket_id: destinationBucket, name: destinationKey, owner: caller.owner ?? null, version, metadata,
        user_metadata: body.copyMetadata === false ? null : source.user_metadata,
      }, upsert);
      return { object: written.object, previous: old?.version ?? null };
    });
    await ctx.files.remove(previous);
    sendJson(ctx.res, 200, { Id: object.id, Key: `${destinationBucket}/${destinationKey}`, ...object });
  } catch (error) {
    await ctx.files.remove(version);
    throw error;
  }
}

const expiresIn = z.number().int().min(1).max(2 ** 31 - 1);

/** POST /object/sign/{bucket}/{name} {expiresIn}: only for an object the caller can read. */
export async function sign(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [bucketId, name] = ctx.params as [string, string];
  const body = await readJson(ctx.req, z.object({ expiresIn }));
  await asCaller(ctx.sql, caller, { operation: 'storage.object.sign', method: ctx.method, path: ctx.path }, (tx) => findObject(tx, bucketId, name));
  const url = `${bucketId}/${name}`;
  const token = await signObjectToken(ctx.keys.jwtSecret, { url, scope: 'download' }, body.expiresIn);
  sendJson(ctx.res, 200, { signedURL: `/object/sign/${url}?token=${token}` });
}

/** POST /object/sign/{bucket} {expiresIn, paths}: one entry per path, an error where unreadable. */
export async function signMany(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [bucketId] = ctx.params as [string];
  const body = await readJson(ctx.req, z.object({ expiresIn, paths: z.array(z.string()).min(1).max(1000) }));
  const rows = await asCaller(ctx.sql, caller, { operation: 'storage.object.sign_many', method: ctx.method, path: ctx.path }, (tx) =>
    tx<{ name: string }[]>`select name from storage.objects where bucket_id = ${bucketId} and name = any(${body.paths})`);
  const readable = new Set(rows.map((row) => row.name));
  const result = await Promise.all(body.paths.map(async (path) => {
    if (!readable.has(path)) return { error: 'Either the object does not exist or you do not have access to it', path, signedURL: null };
    const url = `${bucketId}/${path}`;
    const token = await signObjectToken(ctx.keys.jwtSecret, { url, scope: 'download' }, body.expiresIn);
    return { error: null, path, signedURL: `/object/sign/${url}?token=${token}` };
  }));
  sendJson(ctx.res, 200, result);
}

/** POST /object/upload/sign/{bucket}/{name}: RLS is checked now, the upload needs only the token. */
export async function signUpload(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [bucketId, rawName] = ctx.params as [string, string];
  const name = mustBeValidKey(rawName);
  const upsert = ctx.req.headers['x-upsert'] === 'true';
  ctx.req.resume();
  await canUpload(ctx, caller, bucketId, name, upsert, { operation: 'storage.object.upload_sign', method: ctx.method, path: ctx.path });
  const url = `${bucketId}/${name}`;
  const token = await signObjectToken(ctx.keys.jwtSecret, { owner: caller.owner, url, upsert, scope: 'upload' }, UPLOAD_URL_SECONDS);
  sendJson(ctx.res, 200, { url: `/object/upload/sign/${url}?token=${token}`, token });
}
