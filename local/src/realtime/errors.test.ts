/** Which failures the realtime service replays (the database, or a race it lost) and which it reports and passes over. */
import { expect, it } from 'vitest';
import { isDeterministic, isQueryError } from './errors.ts';

const serverError = (code: string) => Object.assign(new Error(`server said ${code}`), { code });

it('a refused statement is the same every time: not replayed', () => {
  for (const code of ['42501', '42704', '22P02', '23505']) {
    expect(isQueryError(serverError(code)), code).toBe(true);
    expect(isDeterministic(serverError(code)), code).toBe(true);
  }
});

it('a lost race (serialization failure, deadlock, lock timeout) and a database out of reach are tried again', () => {
  for (const code of ['40001', '40P01', '55P03', '57P01', '57014', '08006', '53300', 'XX000']) {
    expect(isQueryError(serverError(code)), code).toBe(false);
    expect(isDeterministic(serverError(code)), code).toBe(false);
  }
  expect(isDeterministic(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
});
