import { describe, expect, it } from 'vitest';
import { bindingId, echoBindings } from './bindings.ts';
import { FilterError, matchesFilter, parseFilter, type Filter } from './filters.ts';
import { toJsonValue } from './values.ts';

describe('filters', () => {
  it('parses the classic syntax', () => {
    expect(parseFilter('session_id=eq.abc')).toEqual({ column: 'session_id', op: 'eq', values: ['abc'] });
    expect(parseFilter('id=in.(1, 2,"3")')).toEqual({ column: 'id', op: 'in', values: ['1', '2', '3'] });
    expect(parseFilter('title=eq.a.b')).toEqual({ column: 'title', op: 'eq', values: ['a.b'] });
  });

  it('rejects unknown operators and malformed lists', () => {
    expect(() => parseFilter('id=like.x')).toThrow(FilterError);
    expect(() => parseFilter('id')).toThrow(FilterError);
    expect(() => parseFilter('id=in.1,2')).toThrow(FilterError);
  });

  const filter = (typname: string, op: Filter['op'], ...values: string[]): Filter => ({ column: 'c', op, values, typname });

  it('compares numbers as numbers and timestamps as instants', () => {
    expect(matchesFilter(filter('int4', 'gt', '9'), { c: '10' })).toBe(true);
    expect(matchesFilter(filter('numeric', 'lte', '1.5'), { c: '1.50' })).toBe(true);
    expect(matchesFilter(filter('timestamptz', 'lt', '2026-01-01 10:00:00.5+00'), { c: '2026-01-01 10:00:00.25+00' })).toBe(true);
    expect(matchesFilter(filter('timestamptz', 'gt', '2026-01-01 10:00:00.000001+00'), { c: '2026-01-01 10:00:00.000002+00' })).toBe(true);
    expect(matchesFilter(filter('text', 'in', 'a', 'b'), { c: 'b' })).toBe(true);
    expect(matchesFilter(filter('text', 'neq', 'a'), { c: 'a' })).toBe(false);
  });

  it('never matches NULL or a missing row', () => {
    expect(matchesFilter(filter('text', 'neq', 'a'), { c: null })).toBe(false);
    expect(matchesFilter(filter('text', 'eq', 'a'), null)).toBe(false);
  });
});

describe('binding ids', () => {
  it('are integers, equal for equal params whatever the key order', () => {
    const id = bindingId({ event: '*', schema: 'public', table: 'messages' });
    expect(Number.isInteger(id)).toBe(true);
    expect(bindingId({ table: 'messages', schema: 'public', event: '*' })).toBe(id);
    expect(bindingId({ event: 'INSERT', schema: 'public', table: 'messages' })).not.toBe(id);
    expect(echoBindings([{ event: '*' }, { event: 'DELETE' }]).map((b) => b.event)).toEqual(['*', 'DELETE']);
  });
});

describe('values as to_jsonb renders them', () => {
  it('converts by type name', () => {
    expect(toJsonValue('t', 'bool')).toBe(true);
    expect(toJsonValue('42', 'int8')).toBe(42);
    expect(toJsonValue('NaN', 'numeric')).toBe('NaN');
    expect(toJsonValue('{"a":[1]}', 'jsonb')).toEqual({ a: [1] });
    expect(toJsonValue('2026-01-01 10:00:00.123456+00', 'timestamptz')).toBe('2026-01-01T10:00:00.123456+00:00');
    expect(toJsonValue('2026-01-01 10:00:00', 'timestamp')).toBe('2026-01-01T10:00:00');
    expect(toJsonValue('{a,b}', '_text')).toBe('{a,b}');
    expect(toJsonValue(null, 'text')).toBeNull();
  });
});
