// The clock that orders live changes and reads: a read is older than every live change made
// after it began, and a read that answers after a later one was applied is dropped — but not
// merely because a later one started (it may fail).
import { describe, expect, it } from 'vitest';
import { LiveChanges } from './live-changes.ts';

describe('LiveChanges', () => {
  it('counts a row as changed since a read only when the change came after the read began', () => {
    const changes = new LiveChanges();
    changes.touch('before');
    const mark = changes.begin();
    changes.touch('during');
    expect(changes.changedSince('during', mark)).toBe(true);
    expect(changes.changedSince('before', mark)).toBe(false);
    expect(changes.changedSince('never', mark)).toBe(false);
    // Changed again after the read began: newer than it.
    changes.touch('before');
    expect(changes.changedSince('before', mark)).toBe(true);
  });

  it('drops a read that answers after a later read was applied', () => {
    const changes = new LiveChanges();
    const older = changes.begin();
    const newer = changes.begin();
    expect(changes.apply(newer)).toBe(true);
    expect(changes.apply(older)).toBe(false);
  });

  it('applies an older read when the later one has not been applied (still on its way, or failed)', () => {
    const changes = new LiveChanges();
    const older = changes.begin();
    changes.begin(); // a later read that fails: never applied
    expect(changes.apply(older)).toBe(true);
    const newest = changes.begin();
    expect(changes.apply(newest)).toBe(true);
  });

  it('says whether a read begun after a point in time has been applied', () => {
    const changes = new LiveChanges();
    const before = changes.begin();
    const point = changes.begin();
    expect(changes.apply(before)).toBe(true);
    expect(changes.readSince(point)).toBe(false); // begun before the point
    const after = changes.begin();
    expect(changes.readSince(point)).toBe(false); // on its way
    expect(changes.apply(after)).toBe(true);
    expect(changes.readSince(point)).toBe(true);
  });
});
