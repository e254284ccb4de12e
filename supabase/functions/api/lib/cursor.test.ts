// Opaque cursors: round trip, and every kind of tampering is a 400 `invalid_cursor`.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cursorTimestampSql, decodeCursor, encodeCursor, timeIdCursor } from './cursor.ts';
import { ApiError } from './errors.ts';

const key = { t: '2026-01-01T00:00:00.123456Z', id: '6f1c2a4e-8c1b-4d7e-9a3f-0b2c4d6e8f10' };

describe('cursor', () => {
  it('round-trips a key as a url-safe string', () => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, timeIdCursor)).toEqual(key);
  });

  it.each([
    ['not base64', '***'],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url')],
    ['wrong shape', encodeCursor({ v: 1 })],
    ['extra field', encodeCursor({ ...key, admin: true })],
    ['local time', encodeCursor({ ...key, t: '2026-01-01 00:00:00' })],
    ['bad id', encodeCursor({ ...key, id: "1' or '1'='1" })],
    ['empty', ''],
  ])('refuses %s', (_name, cursor) => {
    let error: unknown;
    try {
      decodeCursor(cursor, timeIdCursor);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_cursor' });
  });

  it('validates against any schema', () => {
    expect(decodeCursor(encodeCursor({ v: 3 }), z.strictObject({ v: z.number() }))).toEqual({ v: 3 });
  });

  it('only builds SQL from column names', () => {
    expect(cursorTimestampSql('m.created_at')).toContain('m.created_at');
    expect(() => cursorTimestampSql('x; drop table y')).toThrow();
  });
});
