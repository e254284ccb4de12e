/**
 * Object routes of the Storage API (src/http/routes/object/*): upload and update, download
 * (authenticated, public, signed), info and HEAD, delete one and delete many.
 */
import { z } from 'zod';
import { identifyCaller } from './caller.ts';
import { asCaller, asSuperUser } from './db.ts';
import { ERRORS } from './errors.ts';
import { mustBeValidKey, readJson, sendJson, type Ctx } from './http.ts';
import { deleteObjects, findBucket, findObject, uploadObject, type ObjectRow } from './objects.ts';
import { renderObject } from './render.ts';
import { verifyObjectToken } from './signing.ts';

/** POST /object/{bucket}/{name} (x-upsert decides) and PUT (always replaces). */
export async function upload(ctx: Ctx, upsertAlways: boolean): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [bucketId, rawName] = ctx.params as [string, string];
  const name = mustBeValidKey(rawName);
  const upsert = upsertAlways || ctx.req.headers['x-upsert'] === 'true';
  const object = await uploadObject(ctx, {
    bucketId, name, upsert, writer: caller, owner: caller.owner ?? null,
    scope: { operation: upsertAlways ? 'storage.object.update' : 'storage.object.upload', method: ctx.method, path: ctx.path },
  });
  sendJson(ctx.res, 200, { Id: object.id, Key: `${bucketId}/${name}` });
}

/** PUT /object/upload/sign/{bucket}/{name}?token=…: RLS was checked when the URL was signed; written as the superuser. */
export async function uploadSigned(ctx: Ctx): Promise<void> {
  const [bucketId, rawName] = ctx.params as [string, string];
  const name = mustBeValidKey(rawName);
  const token = ctx.query.get('token');
  if (!token) throw ERRORS.missingParameter('token');
  const signed = await verifyObjectToken(ctx.keys.jwtSecret, token, `${bucketId}/${name}`, 'upload');
  await uploadObject(ctx, {
    bucketId, name, upsert: signed.upsert === true, writer: 'superuser', owner: signed.owner ?? null,
    scope: { operation: 'storage.object.upload_signed', method: ctx.method, path: ctx.path },
  });
  sendJson(ctx.res, 200, { Key: `${bucketId}/${name}` });
}

/** GET|HEAD /object/{bucket}/{name} and /object/authenticated/…: RLS unless the bucket is public. */
export async function download(ctx: Ctx, mode: 'file' | 'info'): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [bucketId, name] = ctx.params as [string, string];
  const scope = { operation: 'storage.object.get_authenticated', method: ctx.method, path: ctx.path };
  const bucket = await asSuperUser(ctx.sql, scope, (tx) => findBucket(tx, bucketId));
  if (!caller.authenticated && !bucket.public) throw ERRORS.noSuchBucket();
  const object = bucket.public
    ? await asSuperUser(ctx.sql, scope, (tx) => findObject(tx, bucketId, name))
    : await asCaller(ctx.sql, caller, scope, (tx) => findObject(tx, bucketId, name));
  await respond(ctx, object, mode);
}

/** GET|HEAD /object/public/{bucket}/{name}: public buckets only, no token needed. */
export async function downloadPublic(ctx: Ctx, mode: 'file' | 'info'): Promise<void> {
  const [bucketId, name] = ctx.params as [string, string];
  const scope = { operation: 'storage.object.get_public', method: ctx.method, path: ctx.path };
  const object = await asSuperUser(ctx.sql, scope, async (tx) => {
    const bucket = await findBucket(tx, bucketId);
    if (!bucket.public) throw ERRORS.noSuchBucket();
    return await findObject(tx, bucketId, name);
  });
  await respond(ctx, object, mode);
}

/** GET /object/sign/{bucket}/{name}?token=…: whoever holds an unexpired token for this object. */
export async function downloadSigned(ctx: Ctx): Promise<void> {
  const [bucketId, name] = ctx.params as [string, string];
  const token = ctx.query.get('token');
  if (!token) throw ERRORS.missingParameter('token');
  const signed = await verifyObjectToken(ctx.keys.jwtSecret, token, `${bucketId}/${name}`, 'download');
  const scope = { operation: 'storage.object.get_signed', method: ctx.method, path: ctx.path };
  const object = await asSuperUser(ctx.sql, scope, (tx) => findObject(tx, bucketId, name));
  await renderObject(ctx, object, { expires: new Date(signed.exp * 1000).toUTCString() });
}

async function respond(ctx: Ctx, object: ObjectRow, mode: 'file' | 'info'): Promise<void> {
  if (mode === 'file') return await renderObject(ctx, object);
  const meta = object.metadata ?? {};
  sendJson(ctx.res, 200, {
    id: object.id,
    name: object.name,
    version: object.version,
    bucket_id: object.bucket_id,
    size: meta.size ?? null,
    content_type: meta.mimetype ?? null,
    cache_control: meta.cacheControl ?? null,
    etag: meta.eTag ?? null,
    metadata: object.user_metadata,
    last_modified: object.updated_at,
    created_at: object.created_at,
  });
}

/** DELETE /object/{bucket}/{name}: a missing object is 404; one RLS hides from deletion, 403. */
export async function removeOne(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [bucketId, name] = ctx.params as [string, string];
  const scope = { operation: 'storage.object.delete', method: ctx.method, path: ctx.path };
  await asSuperUser(ctx.sql, scope, (tx) => findObject(tx, bucketId, name));
  const removed = await deleteObjects(ctx, caller, bucketId, [name], scope);
  if (removed.length === 0) throw ERRORS.accessDenied('Access denied');
  sendJson(ctx.res, 200, { message: 'Successfully deleted' });
}

const deleteManySchema = z.object({ prefixes: z.array(z.string()).min(1).max(1000) });

/** DELETE /object/{bucket} {prefixes}: deletes what RLS allows, answers with those rows. */
export async function removeMany(ctx: Ctx): Promise<void> {
  const caller = await identifyCaller(ctx.req, ctx.keys);
  const [bucketId] = ctx.params as [string];
  const { prefixes } = await readJson(ctx.req, deleteManySchema);
  const removed = await deleteObjects(ctx, caller, bucketId, prefixes, { operation: 'storage.object.delete_many', method: ctx.method, path: ctx.path });
  sendJson(ctx.res, 200, removed);
}
