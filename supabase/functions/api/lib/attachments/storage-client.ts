/**
 * The API's calls to Supabase Storage (/storage/v1, the same on hosted and local): reading an
 * attachment with the caller's own token, so Storage's RLS decides whether they may, and
 * removing objects with the service key once the rows that referenced them are gone.
 * https://supabase.com/docs/guides/storage/security/access-control
 */
import type { Config } from '../../config.ts';
import { ApiError } from '../errors.ts';

export const ATTACHMENTS_BUCKET = 'attachments';

export interface StorageAccess {
  config: Config;
  fetch: typeof fetch;
}

/**
 * The bytes of `path` in the attachments bucket, read as the caller (404 if not theirs). A
 * caller using an API key has no user JWT: the read then uses the service key, for a path the
 * caller already proved is in their own folder (assertOwnPath), or that a message they can read
 * carries (a group chat's files, read again to regenerate) — what the policies allow.
 */
export async function readAttachment(access: StorageAccess, userToken: string | null, path: string, maxBytes: number): Promise<Uint8Array> {
  const { config } = access;
  const headers = userToken
    ? { authorization: `Bearer ${userToken}`, ...(config.storage.apiKey ? { apikey: config.storage.apiKey } : {}) }
    : { authorization: `Bearer ${config.storage.serviceKey ?? ''}`, apikey: config.storage.serviceKey ?? '' };
  const response = await access.fetch(`${config.supabaseUrl}/storage/v1/object/authenticated/${ATTACHMENTS_BUCKET}/${encodePath(path)}`, { headers });
  if (!response.ok) {
    await response.body?.cancel();
    // Storage answers 400 with statusCode 404 for missing or hidden objects: both are "not found".
    throw new ApiError(404, 'attachment_not_found', `Attachment "${path}" was not found; upload it again`, undefined, { attachment: path });
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new ApiError(413, 'attachment_too_large', `Attachment "${path}" is larger than ${maxBytes} bytes`, undefined, { attachment: path });
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** Removes objects with the service key; returns the names Storage reports as removed. */
export async function removeObjects(access: StorageAccess, paths: string[]): Promise<string[]> {
  const { config } = access;
  if (paths.length === 0) return [];
  if (!config.storage.serviceKey) throw new Error('no service key to remove storage objects with');
  const removed: string[] = [];
  for (let i = 0; i < paths.length; i += 1000) {
    const response = await access.fetch(`${config.supabaseUrl}/storage/v1/object/${ATTACHMENTS_BUCKET}`, {
      method: 'DELETE',
      headers: { apikey: config.storage.serviceKey, authorization: `Bearer ${config.storage.serviceKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prefixes: paths.slice(i, i + 1000) }),
    });
    if (!response.ok) throw new Error(`storage removal failed with HTTP ${response.status}`);
    const rows: unknown = await response.json();
    if (Array.isArray(rows)) for (const row of rows) if (row && typeof row.name === 'string') removed.push(row.name);
  }
  return removed;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** An object path the caller may name: inside their own folder, no empty or dot segments. */
export function assertOwnPath(userId: string, path: string): void {
  if (path.split('/')[0] !== userId || !isObjectPath(path)) {
    throw new ApiError(400, 'invalid_attachment_path', `Attachment paths look like "<your user id>/<file name>"; "${path}" is not one of yours`);
  }
}

/** `<folder>/<name…>` with no empty or dot segments (a path someone else's folder may hold). */
export function isObjectPath(path: string): boolean {
  const segments = path.split('/');
  return segments.length >= 2 && !segments.some((s) => s === '' || s === '.' || s === '..') && path.length <= 1024;
}

/** Signed download URLs for the caller's own objects (RLS decides), path → absolute URL. */
export async function signAttachmentUrls(access: StorageAccess, userToken: string, paths: string[], expiresIn: number): Promise<Map<string, string>> {
  const { config } = access;
  const urls = new Map<string, string>();
  for (let i = 0; i < paths.length; i += 1000) {
    const response = await access.fetch(`${config.supabaseUrl}/storage/v1/object/sign/${ATTACHMENTS_BUCKET}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json', ...(config.storage.apiKey ? { apikey: config.storage.apiKey } : {}) },
      body: JSON.stringify({ expiresIn, paths: paths.slice(i, i + 1000) }),
    });
    if (!response.ok) throw new Error(`storage signing failed with HTTP ${response.status}`);
    const rows: unknown = await response.json();
    if (!Array.isArray(rows)) continue;
    for (const row of rows) {
      if (row && typeof row.path === 'string' && typeof row.signedURL === 'string') urls.set(row.path, `${config.supabaseUrl}/storage/v1${row.signedURL}`);
    }
  }
  return urls;
}
