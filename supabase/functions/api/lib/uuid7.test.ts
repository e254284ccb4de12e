import { expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from './uuid7.ts';

it('makes RFC 9562 version 7 UUIDs that sort by their millisecond', () => {
  const at = Date.UTC(2026, 11, 1, 3, 14, 15, 926);
  const id = uuidv7(at);
  expect(z.uuid().safeParse(id).success).toBe(true);
  expect(id[14]).toBe('7');
  expect('89ab').toContain(id[19]);
  // The first 48 bits are the time in milliseconds, big-endian.
  expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  const ids = [uuidv7(at - 86_400_000), uuidv7(at - 1), uuidv7(at), uuidv7(at + 1)];
  expect([...ids].sort()).toEqual(ids);
  expect(uuidv7(at)).not.toBe(uuidv7(at));
});
