/**
 * The local Storage service: `/storage/v1` for what @supabase/storage-js calls, answering as
 * the Storage API does (https://supabase.com/docs/reference/javascript/storage-createbucket,
 * github.com/supabase/storage). Metadata lives in storage.buckets / storage.objects and is
 * read and written as the caller, so RLS decides; bytes live under the data folder.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sql } from 'postgres';
import type { HttpService } from '../gateway/types.ts';
import type { StackKeys } from '../keys/index.ts';
import { ERRORS, sendStorageError, StorageError } from './errors.ts';
import { FileStore } from './files.ts';
import { OBJECT_RESPONSE_HEADERS } from './media-type.ts';
import type { Ctx, StorageDeps } from './http.ts';
import * as buckets from './routes-buckets.ts';
import * as manage from './routes-manage.ts';
import * as objects from './routes-objects.ts';

type Handler = (ctx: Ctx) => Promise<void>;

const B = '([^/]+)';
const REST = '(.+)';
/** First match wins: the literal prefixes (list, sign, public…) come before `/object/{bucket}/…`. */
const ROUTES: [string, RegExp, Handler][] = [
  ['GET', /^\/bucket\/?$/, buckets.listBuckets],
  ['POST', /^\/bucket\/?$/, buckets.createBucket],
  ['POST', new RegExp(`^/bucket/${B}/empty$`), buckets.emptyBucket],
  ['GET', new RegExp(`^/bucket/${B}$`), buckets.getBucket],
  ['PUT', new RegExp(`^/bucket/${B}$`), buckets.updateBucket],
  ['DELETE', new RegExp(`^/bucket/${B}$`), buckets.deleteBucket],
  ['POST', new RegExp(`^/object/list/${B}$`), manage.list],
  ['POST', /^\/object\/move$/, manage.move],
  ['POST', /^\/object\/copy$/, manage.copy],
  ['POST', new RegExp(`^/object/upload/sign/${B}/${REST}$`), manage.signUpload],
  ['PUT', new RegExp(`^/object/upload/sign/${B}/${REST}$`), objects.uploadSigned],
  ['POST', new RegExp(`^/object/sign/${B}/${REST}$`), manage.sign],
  ['POST', new RegExp(`^/object/sign/${B}$`), manage.signMany],
  ['GET', new RegExp(`^/object/sign/${B}/${REST}$`), objects.downloadSigned],
  ['GET', new RegExp(`^/object/public/${B}/${REST}$`), (ctx) => objects.downloadPublic(ctx, 'file')],
  ['HEAD', new RegExp(`^/object/public/${B}/${REST}$`), (ctx) => objects.downloadPublic(ctx, 'file')],
  ['GET', new RegExp(`^/object/info/public/${B}/${REST}$`), (ctx) => objects.downloadPublic(ctx, 'info')],
  ['GET', new RegExp(`^/object/info/authenticated/${B}/${REST}$`), (ctx) => objects.download(ctx, 'info')],
  ['GET', new RegExp(`^/object/info/${B}/${REST}$`), (ctx) => objects.download(ctx, 'info')],
  ['GET', new RegExp(`^/object/authenticated/${B}/${REST}$`), (ctx) => objects.download(ctx, 'file')],
  ['HEAD', new RegExp(`^/object/authenticated/${B}/${REST}$`), (ctx) => objects.download(ctx, 'file')],
  ['POST', new RegExp(`^/object/${B}/${REST}$`), (ctx) => objects.upload(ctx, false)],
  ['PUT', new RegExp(`^/object/${B}/${REST}$`), (ctx) => objects.upload(ctx, true)],
  ['GET', new RegExp(`^/object/${B}/${REST}$`), (ctx) => objects.download(ctx, 'file')],
  ['HEAD', new RegExp(`^/object/${B}/${REST}$`), (ctx) => objects.download(ctx, 'file')],
  ['DELETE', new RegExp(`^/object/${B}/${REST}$`), objects.removeOne],
  ['DELETE', new RegExp(`^/object/${B}$`), objects.removeMany],
];

export interface StorageServiceOptions {
  sql: Sql;
  keys: StackKeys;
  /** Where object bytes are kept (the stack uses `<data dir>/storage`). */
  root: string;
  /** Largest upload in bytes, for every bucket ([storage] file_size_limit, 50 MiB). */
  fileSizeLimit: number;
  log?: (line: string) => void;
}

export interface StorageService extends HttpService {
  files: FileStore;
}

export async function createStorageService(options: StorageServiceOptions): Promise<StorageService> {
  const files = new FileStore(options.root);
  await files.init();
  const deps: StorageDeps = { sql: options.sql, keys: options.keys, files, globalLimit: options.fileSizeLimit, log: options.log ?? (() => {}) };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://storage.invalid');
    const method = req.method ?? 'GET';
    // On every answer, not only objects' bytes: error bodies repeat what the caller sent (a
    // key, a type). Harmless on fetch()ed JSON; renderObject sets them on objects itself too.
    for (const [name, value] of Object.entries(OBJECT_RESPONSE_HEADERS)) res.setHeader(name, value);
    try {
      const [handler, params] = match(method, url.pathname);
      await handler({ ...deps, req, res, method, path: url.pathname, query: url.searchParams, params });
    } catch (error) {
      const known = error instanceof StorageError ? error : undefined;
      if (!known) deps.log(`storage: ${method} ${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}`);
      // A refused upload's remaining body is read and dropped so the connection stays usable.
      if (!req.complete) req.resume();
      if (res.headersSent) return void res.destroy();
      sendStorageError(res, known ?? ERRORS.internal());
    }
  }

  return { files, handle, async stop() {} };
}

function match(method: string, pathname: string): [Handler, string[]] {
  for (const [routeMethod, pattern, handler] of ROUTES) {
    const found = routeMethod === method ? pattern.exec(pathname) : null;
    if (found) return [handler, found.slice(1).map(decodeSegment)];
  }
  throw ERRORS.notFound(method, pathname);
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw ERRORS.invalidKey(value);
  }
}
