/**
 * Reads an upload the way the Storage API does (src/storage/uploader.ts): a multipart form
 * (what storage-js sends for a Blob or File: `cacheControl`, optional `metadata` and
 * `contentType` fields, then the file) or a raw body with Content-Type, Cache-Control and a
 * base64 `x-metadata` header. The bucket's allowed MIME types are checked before any byte
 * is stored, the size limit while streaming; the bytes land in a staged temp file.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { ERRORS, StorageError } from './errors.ts';
import type { FileStore, StagedFile } from './files.ts';
import { normaliseMediaType } from './media-type.ts';

export interface BucketLimits {
  file_size_limit: string | number | null;
  allowed_mime_types: string[] | null;
}

export interface ReceivedUpload {
  staged: StagedFile;
  mimeType: string;
  cacheControl: string;
  userMetadata?: Record<string, unknown>;
}

const MAX_CUSTOM_METADATA_SIZE = 1024 * 1024;

export function isEmptyFolder(name: string): boolean {
  return name.endsWith('.emptyFolderPlaceholder');
}

/** The smaller of the stack's upload limit and the bucket's own. */
export function maxFileSize(globalLimit: number, bucket: BucketLimits, objectName: string): number {
  if (isEmptyFolder(objectName)) return 0;
  const own = bucket.file_size_limit === null ? null : Number(bucket.file_size_limit);
  return own === null ? globalLimit : Math.min(own, globalLimit);
}

/**
 * The type an upload is stored with: its Content-Type lower-cased and re-serialised
 * (media-type.ts), 415 when it does not parse. Hosted stores the caller's spelling as sent and
 * refuses a malformed one only in a bucket with allowed types; here every bucket refuses it,
 * so no stored type can read differently to the allow-list check and to a browser.
 */
export function uploadMimeType(raw: string): string {
  const type = normaliseMediaType(raw || 'application/octet-stream');
  if (!type) throw ERRORS.invalidMimeType(raw);
  return type;
}

/** hosted's validateMimeType: `type/subtype` must match an entry or `type/*`. */
export function validateMimeType(mimeType: string, allowed: string[] | null, objectName: string): void {
  if (!allowed || allowed.length === 0 || isEmptyFolder(objectName)) return;
  const [type, subtype] = mimeType.split(';')[0]!.trim().toLowerCase().split('/');
  if (!type || !subtype) throw ERRORS.invalidMimeType(mimeType);
  for (const entry of allowed) {
    const [allowedType, allowedSubtype] = entry.toLowerCase().split('/');
    if (allowedType === type && (allowedSubtype === '*' || allowedSubtype === subtype)) return;
  }
  throw ERRORS.invalidMimeType(mimeType);
}

export async function receiveUpload(
  req: IncomingMessage,
  files: FileStore,
  options: { bucket: BucketLimits; objectName: string; globalLimit: number },
): Promise<ReceivedUpload> {
  const limit = maxFileSize(options.globalLimit, options.bucket, options.objectName);
  const contentType = String(req.headers['content-type'] ?? '');
  if (contentType.toLowerCase().startsWith('multipart/form-data')) return await receiveForm(req, files, limit, options);

  const mimeType = uploadMimeType(contentType);
  validateMimeType(mimeType, options.bucket.allowed_mime_types, options.objectName);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw ERRORS.entityTooLarge();
  const header = req.headers['x-metadata'];
  const userMetadata = typeof header === 'string' ? parseUserMetadata(header) : undefined;
  const staged = await files.stage(req, limit);
  return { staged, mimeType, cacheControl: String(req.headers['cache-control'] ?? 'no-cache'), userMetadata };
}

function receiveForm(
  req: IncomingMessage,
  files: FileStore,
  limit: number,
  options: { bucket: BucketLimits; objectName: string },
): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fields: 10, files: 1, fieldSize: MAX_CUSTOM_METADATA_SIZE + 1 } });
    } catch (error) {
      return reject(ERRORS.noContentProvided(error instanceof Error ? error.message : undefined));
    }
    const fields: Record<string, string> = {};
    let settled = false;
    let sawFile = false;
    const finish = (error: unknown, value?: ReceivedUpload) => {
      if (settled) return;
      settled = true;
      if (error) {
        // Stop parsing; what is left of the body is read and dropped.
        req.unpipe(parser);
        req.resume();
        reject(error instanceof StorageError ? error : ERRORS.noContentProvided(error instanceof Error ? error.message : undefined));
      } else resolve(value!);
    };
    parser.on('field', (name, value) => { fields[name] = value; });
    parser.on('file', (_name, stream, info) => {
      if (sawFile || settled) return stream.resume();
      sawFile = true;
      let mimeType: string;
      try {
        mimeType = uploadMimeType(fields.contentType || info.mimeType || '');
        validateMimeType(mimeType, options.bucket.allowed_mime_types, options.objectName);
      } catch (error) {
        stream.resume();
        return finish(error);
      }
      const custom = fields.metadata ?? fields.userMetadata;
      if (custom !== undefined && Buffer.byteLength(custom) > MAX_CUSTOM_METADATA_SIZE) {
        stream.resume();
        return finish(ERRORS.entityTooLarge(undefined, 'user_metadata'));
      }
      files.stage(stream, limit).then(
        (staged) => {
          if (settled) return void files.discard(staged);
          finish(undefined, {
            staged,
            mimeType,
            cacheControl: fields.cacheControl ? `max-age=${fields.cacheControl}` : 'no-cache',
            userMetadata: custom === undefined ? undefined : parseJson(custom),
          });
        },
        (error: unknown) => finish(error),
      );
    });
    parser.on('close', () => { if (!sawFile) finish(ERRORS.noContentProvided()); });
    parser.on('error', (error) => finish(error));
    req.on('aborted', () => finish(ERRORS.noContentProvided('Request stream closed before upload could complete')));
    req.pipe(parser);
  });
}

export function parseUserMetadata(header: string): Record<string, unknown> | undefined {
  return parseJson(Buffer.from(header, 'base64').toString('utf8'));
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
