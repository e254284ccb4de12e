import { describe, expect, it } from 'vitest';
import { knownTimeZone, localDay } from './time-zone';

describe('localDay', () => {
  it("is the zone's calendar day, across the days summer time starts and ends", () => {
    expect(localDay(new Date('2026-05-01T23:30:00Z'), 'Europe/Berlin')).toBe('2026-05-02');
    expect(localDay(new Date('2026-05-01T23:30:00Z'), 'UTC')).toBe('2026-05-01');
    expect(localDay(new Date('2026-03-28T22:59:59Z'), 'Europe/Berlin')).toBe('2026-03-28');
    expect(localDay(new Date('2026-03-28T23:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(localDay(new Date('2026-10-25T22:59:59Z'), 'Europe/Berlin')).toBe('2026-10-25');
    expect(localDay(new Date('2026-03-08T07:30:00Z'), 'America/Los_Angeles')).toBe('2026-03-07');
    expect(localDay(new Date('2026-11-02T07:59:59Z'), 'America/Los_Angeles')).toBe('2026-11-01');
  });
});

describe('knownTimeZone', () => {
  it('spells a known zone as usual and refuses anything else', () => {
    expect(knownTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(knownTimeZone('UTC')).toBe('UTC');
    for (const bad of [null, undefined, '', 'Mars/Olympus_Mons', '+03', '<-03>+3', '../etc/passwd', 'x'.repeat(100)]) {
      expect(knownTimeZone(bad)).toBeNull();
    }
  });
});
