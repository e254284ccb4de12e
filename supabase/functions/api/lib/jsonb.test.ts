import { describe, expect, it } from 'vitest';
import { jsonbText } from './jsonb';

describe('jsonbText', () => {
  it('turns lone surrogates in keys and strings, at any depth, into U+FFFD and keeps pairs', () => {
    const value = { '\ud800': 'a\udc00', list: [{ deep: 'x\ud83d' }], emoji: '😀', n: 1, t: true, z: null };
    expect(JSON.parse(jsonbText(value))).toEqual({ '\ufffd': 'a\ufffd', list: [{ deep: 'x\ufffd' }], emoji: '😀', n: 1, t: true, z: null });
    expect(jsonbText(value)).not.toMatch(/\\ud[89a-f]/i);
  });

  it('leaves well-formed JSON as JSON.stringify writes it, a typed backslash included', () => {
    for (const value of [{ a: 'plain', b: ['😀'] }, { path: 'C:\\ud800' }, []]) expect(jsonbText(value)).toBe(JSON.stringify(value));
  });
});
