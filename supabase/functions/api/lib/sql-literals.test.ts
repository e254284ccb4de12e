import { describe, expect, it } from 'vitest';
import { floatLiteral, intLiteral, nameLiteral, timestampLiteral, uuidLiteral } from './sql-literals.ts';

describe('sql literals', () => {
  it('writes values of a checked shape', () => {
    expect(uuidLiteral('0192f0c5-6a2b-7c3d-8e4f-0123456789ab')).toBe("'0192f0c5-6a2b-7c3d-8e4f-0123456789ab'::uuid");
    expect(nameLiteral('openai')).toBe("'openai'::text");
    expect(intLiteral(20)).toBe('20::int');
    expect(floatLiteral(0.5)).toBe('0.5::float8');
    expect(timestampLiteral(new Date(Date.UTC(2026, 11, 1)))).toBe("'2026-12-01T00:00:00.000Z'::timestamptz");
  });

  it('refuses anything else, quotes included', () => {
    expect(() => uuidLiteral("0192f0c5-6a2b-7c3d-8e4f-0123456789ab'; drop table x; --")).toThrow(TypeError);
    expect(() => nameLiteral("openai' or '1'='1")).toThrow(TypeError);
    expect(() => nameLiteral('OpenAI')).toThrow(TypeError);
    expect(() => intLiteral(1.5)).toThrow(TypeError);
    expect(() => floatLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => floatLiteral(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => timestampLiteral(new Date('nope'))).toThrow(TypeError);
  });
});
