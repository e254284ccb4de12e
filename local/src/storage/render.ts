/**
 * Sends a stored object the way the Storage API's asset renderer does
 * (src/storage/renderer/renderer.ts): Content-Type, Content-Length, ETag, Last-Modified and
 * Cache-Control from the object's metadata, 304 for a matching If-None-Match, single byte
 * ranges (206), `?download[=name]` as Content-Disposition, and the body streamed from disk.
 * Stricter than hosted (media-type.ts says why): only an inert stored type is served as
 * itself, anything else as text/plain;charset=utf-8, always with nosniff and a sandbox CSP.
 */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ERRORS } from './errors.ts';
import type { Ctx } from './http.ts';
import { OBJECT_RESPONSE_HEADERS, servedContentType } from './media-type.ts';
import type { ObjectRow } from './objects.ts';
import { sendJson } from '../json-response.ts';

export async function renderObject(ctx: Ctx, object: ObjectRow, options: { head?: boolean; expires?: string } = {}): Promise<void> {
  const { req, res, files } = ctx;
  const meta = object.metadata ?? {};
  const size = Number(meta.size ?? meta.contentLength ?? 0);
  if (!object.version || !(await files.exists(object.version))) throw ERRORS.noSuchKey();
  const headers: Record<string, string> = {
    'Accept-Ranges': 'bytes',
    'Content-Type': servedContentType(meta.mimetype ?? 'application/octet-stream'),
    ...OBJECT_RESPONSE_HEADERS,
  };
  if (meta.eTag) headers.ETag = String(meta.eTag);
  const lastModified = meta.lastModified ? new Date(String(meta.lastModified)) : undefined;
  if (lastModified && !Number.isNaN(lastModified.getTime())) headers['Last-Modified'] = lastModified.toUTCString();
  if (meta.cacheControl) headers['Cache-Control'] = String(meta.cacheControl);
  if (options.expires) headers.Expires = options.expires;
  const download = ctx.query.get('download');
  if (download !== null) {
    headers['Content-Disposition'] = download === '' ? 'attachment;' : `attachment; filename=${encodeURIComponent(download)}; filename*=UTF-8''${encodeURIComponent(download)};`;
  }

  if (meta.eTag && req.headers['if-none-match'] === meta.eTag) {
    res.writeHead(304, headers);
    return void res.end();
  }

  const range = parseRange(req.headers.range, size);
  if (range === 'invalid') {
    const body = { statusCode: '416', code: 'InvalidRange', error: 'invalid_range', message: 'invalid range provided' };
    return sendJson(res, 416, body, { 'Content-Range': `bytes */${size}` });
  }
  if (range) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
    headers['Content-Length'] = String(range.end - range.start + 1);
  } else {
    headers['Content-Length'] = String(size);
  }
  res.writeHead(range ? 206 : 200, headers);
  if (options.head || req.method === 'HEAD') return void res.end();
  await streamTo(res, ctx, object.version, range ?? undefined);
}

async function streamTo(res: ServerResponse, ctx: Ctx, version: string, range?: { start: number; end: number }): Promise<void> {
  try {
    await pipeline(ctx.files.read(version, range), res);
  } catch (error) {
    // The client went away or the file vanished mid-read: nothing more can be sent.
    if (!res.destroyed) res.destroy(error instanceof Error ? error : undefined);
  }
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}
