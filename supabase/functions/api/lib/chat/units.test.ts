import { describe, expect, it } from 'vitest';
import { endsInHighSurrogate, packTexts, packUnits, unpackUnits, type Unit } from './units.ts';

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

  it("pack a turn's own text and kind arrays from any index, as packUnits packs the same units", () => {
    const texts = ['hmm, ', 'maybe 😀', 'Yes', ', "quoted"', 'one more'];
    const kinds = ['reasoning', 'reasoning', 'content', 'content', 'reasoning'] as const;
    const units = texts.map((text, i) => ({ seq: i + 1, kind: kinds[i]!, text }));
    expect(packTexts(texts, kinds)).toEqual(packUnits(units));
    // A checkpoint from index 2 holds units 3 … 5, numbered from seq 3 when unpacked.
    const tail = packTexts(texts, kinds, 2);
    expect(tail).toEqual({ units: [3, 10, -8], content: 'Yes, "quoted"', reasoning: 'one more' });
    expect(unpackUnits(tail, 3)).toEqual(units.slice(2));
    expect(packTexts(texts, kinds, 5)).toEqual({ units: [], content: '', reasoning: '' });
  });

  it('spots a unit that would end inside a surrogate pair', () => {
    const emoji = '😀';
    expect(endsInHighSurrogate(`ok ${emoji[0]}`)).toBe(true);
    expect(endsInHighSurrogate(`ok ${emoji}`)).toBe(false);
    expect(endsInHighSurrogate('')).toBe(false);
  });
});
