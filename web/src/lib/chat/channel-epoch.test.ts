import { describe, expect, it } from 'vitest';
import { isLaterEpoch } from './channel-epoch';

describe('isLaterEpoch', () => {
  it('moves on to the next epoch, never back to an earlier one or the same', () => {
    expect(isLaterEpoch(1, 0)).toBe(true);
    expect(isLaterEpoch(3, 1)).toBe(true);
    expect(isLaterEpoch(1, 3)).toBe(false);
    expect(isLaterEpoch(2, 2)).toBe(false);
  });

  it('follows the database from 999999999 round to 1, and a stale read of 999999999 does not move it back', () => {
    expect(isLaterEpoch(1, 999_999_999)).toBe(true);
    expect(isLaterEpoch(2, 999_999_998)).toBe(true);
    expect(isLaterEpoch(999_999_999, 1)).toBe(false);
  });
});
