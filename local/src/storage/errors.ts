/**
 * Storage API errors, shaped and sent exactly as supabase/storage renders them
 * (src/internal/errors/codes.ts, src/http/error-handler.ts): the body carries the semantic
 * status as a string (`statusCode: "404"`), while the HTTP status is 400 for every client
 * error and 500 for server errors — except where hosted sets one explicitly (JWT role checks,
 * 403). storage-js reads `message`, `statusCode` and `code` from the body.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../json-response.ts';

export class StorageError extends Error {
  constructor(
    readonly code: string,
    /** The semantic status hosted puts in the body. */
    readonly statusCode: number,
    message: string,
    /** The legacy `error` field (hosted: `error.error || code`). */
    readonly error: string = code,
    /** The HTTP status, when hosted overrides the 400/500 rule. */
    readonly httpStatus?: number,
  ) {
    super(message);
  }

  get status(): number {
    return this.httpStatus ?? (this.statusCode === 500 ? 500 : 400);
  }
}

export const ERRORS = {
  noSuchBucket: () => new StorageError('NoSuchBucket', 404, 'Bucket not found', 'Bucket not found'),
  noSuchKey: () => new StorageError('NoSuchKey', 404, 'Object not found', 'not_found'),
  invalidJwt: (message?: string) => new StorageError('InvalidJWT', 400, message || 'Invalid JWT'),
  accessDenied: (message?: string, httpStatus?: number) =>
    new StorageError('AccessDenied', 403, message || 'Access denied', 'Unauthorized', httpStatus),
  invalidRequest: (message: string) => new StorageError('InvalidRequest', 400, message || 'Invalid Request'),
  missingParameter: (name: string) => new StorageError('MissingParameter', 400, `Missing Required Parameter ${name}`),
  invalidParameter: (name: string, message?: string) => new StorageError('InvalidParameter', 400, message || `Invalid Parameter ${name}`),
  invalidSignature: (message?: string) => new StorageError('InvalidSignature', 400, message || 'Invalid signature'),
  expiredSignature: () => new StorageError('ExpiredToken', 400, 'The provided token has expired.'),
  invalidMimeType: (mimeType: string) =>
    new StorageError('InvalidMimeType', 415, `mime type ${mimeType} is not supported`, 'invalid_mime_type'),
  entityTooLarge: (entity = 'object', limit = 'the maximum allowed size') =>
    new StorageError('EntityTooLarge', 413, `The ${entity} exceeded ${limit}`, 'Payload too large'),
  invalidBucketName: () => new StorageError('InvalidBucketName', 400, 'Bucket name invalid', 'Invalid Input'),
  invalidKey: (key: string) => new StorageError('InvalidKey', 400, `Invalid key: ${key}`),
  invalidFileSizeLimit: () =>
    new StorageError('InvalidRequest', 400, 'Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B'),
  keyAlreadyExists: () => new StorageError('KeyAlreadyExists', 409, 'The resource already exists', 'Duplicate'),
  bucketAlreadyExists: () => new StorageError('BucketAlreadyExists', 409, 'The resource already exists', 'Duplicate'),
  resourceAlreadyExists: () => new StorageError('ResourceAlreadyExists', 409, 'The resource already exists', 'Duplicate'),
  bucketNotEmpty: () => new StorageError('ResourceNotEmpty', 409, 'The bucket you tried to delete is not empty'),
  noContentProvided: (message?: string) => new StorageError('InvalidRequest', 400, message || 'No content provided'),
  invalidRange: () => new StorageError('InvalidRange', 400, 'invalid range provided', 'invalid_range'),
  notSupported: (feature: string) =>
    new StorageError('NotSupported', 409, `The feature ${feature} is not enabled for this resource`),
  notFound: (method: string, path: string) =>
    new StorageError('NotFound', 404, `Route ${method}:${path} not found`, 'Not Found', 404),
  internal: () => new StorageError('InternalError', 500, 'Internal server error', 'Internal'),
};

/** Postgres errors as the Storage API maps them (src/storage/database/errors.ts). */
export function fromDatabaseError(error: unknown): StorageError | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const message = 'message' in error ? String(error.message) : '';
  switch (String(error.code)) {
    case '42501':
      return ERRORS.accessDenied(message.includes('row-level security') ? 'new row violates row-level security policy' : message);
    case '23505':
      return ERRORS.resourceAlreadyExists();
    case '23503':
      return new StorageError('InvalidRequest', 404, 'The related resource does not exist');
    case '57014':
      return new StorageError('DatabaseTimeout', 544, 'The connection to the database timed out', 'DatabaseTimeout', 544);
    case '22P02':
      return ERRORS.invalidParameter('value', message || 'Invalid value format or type conversion failed');
    default:
      return undefined;
  }
}

export function sendStorageError(res: ServerResponse, error: StorageError): void {
  const body = { statusCode: String(error.statusCode), code: error.code, error: error.error, message: error.message };
  sendJson(res, error.status, body, { 'Content-Type': 'application/json; charset=utf-8' });
}
