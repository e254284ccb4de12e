/** Request plumbing shared by the storage routes: the context a handler gets, JSON bodies
 * validated with zod, JSON answers, object-name checks. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sql } from 'postgres';
import { z } from 'zod';
import type { StackKeys } from '../keys/index.ts';
import { ERRORS, StorageError } from './errors.ts';
import type { FileStore } from './files.ts';
import { sendJson as sendJsonResponse } from '../json-response.ts';

export interface StorageDeps {
  sql: Sql;
  keys: StackKeys;
  files: FileStore;
  /** The stack-wide upload limit in bytes ([storage] file_size_limit). */
  globalLimit: number;
  log: (line: string) => void;
}

export interface Ctx extends StorageDeps {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  /** Captures of the route pattern, percent-decoded. */
  params: string[];
}

const MAX_JSON_BYTES = 1024 * 1024;

export async function readJson<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) throw ERRORS.entityTooLarge('request body');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let value: unknown = {};
  if (text.trim()) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new StorageError('InvalidRequest', 400, 'Body is not valid JSON', 'Bad Request');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `body/${issue.path.join('/')}` : 'body';
    throw new StorageError('InvalidRequest', 400, `${where} ${issue?.message ?? 'is invalid'}`, 'Bad Request');
  }
  return parsed.data;
}

/** Storage answers name their charset, as the hosted Storage API does. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonResponse(res, status, body, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

// Hyphen last so it stays a literal (src/storage/limits.ts).
const VALID_OBJECT_KEY = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$/;
const VALID_BUCKET_NAME = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]*$/;

export function mustBeValidKey(key: string | undefined): string {
  if (!key || !VALID_OBJECT_KEY.test(key)) throw ERRORS.invalidKey(key ?? '');
  return key;
}

export function isValidBucketName(name: string): boolean {
  return name.length > 0 && name.length < 101 && VALID_BUCKET_NAME.test(name) && name.trim() === name;
}

/** `"20MB"`, `"1.5GB"`, `"300KB"`, `"3B"` or a number of bytes (hosted's parseFileSizeToBytes;
 * the Supabase CLI's binary units such as `"50MiB"` too). */
export function parseFileSize(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw ERRORS.invalidFileSizeLimit();
    return Math.floor(value);
  }
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(gib|mib|kib|gb|mb|kb|b)$/i.exec(value.trim());
  if (!match) throw ERRORS.invalidFileSizeLimit();
  const amount = Number.parseFloat(match[1]!);
  const unit = match[2]!.toLowerCase();
  const factor = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }[unit]!;
  return Math.round(amount * factor);
}
