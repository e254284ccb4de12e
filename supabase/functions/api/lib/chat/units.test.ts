import { describe, expect, it } from 'vitest';
import { endsInHighSurrogate, packUnits, unpackUnits, type Unit } from './units.ts';

describe('stream units', () => {
  it('pack and unpack any mix of answer and reasoning units, from any first seq', () => {
    const units: Unit[] = [
      { seq: 7, kind: 'reasoning', text: 'hmm, ' },
      { seq: 8, kind: 'reasoning', text: 'maybe 😀' },
      { seq: 9, kind: 'content', text: 'Yes' },
      { seq: 10, kind: 'content', text: ', "quoted" — ünïcode\n' },
      { seq: 11, kind: 'reasoning', text: 'one more' },
    ];
    const packed = packUnits(units);
    expect(packed).toEqual({ units: [-5, -8, 3, 21, -8], content: 'Yes, "quoted" — ünïcode\n', reasoning: 'hmm, maybe 😀one more' });
    expect(unpackUnits(packed, 7)).toEqual(units);
  });

  it('spots a unit that would end inside a surrogate pair', () => {
    const emoji = '😀';
    expect(endsInHighSurrogate(`ok ${emoji[0]}`)).toBe(true);
    expect(endsInHighSurrogate(`ok ${emoji}`)).toBe(false);
    expect(endsInHighSurrogate('')).toBe(false);
  });
});
