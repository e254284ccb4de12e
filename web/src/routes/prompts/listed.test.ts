import { describe, expect, it } from 'vitest';
import { usesLabel } from './listed';

describe('usesLabel', () => {
  it('says the count a most-used list is sorted by, and nothing in other orders', () => {
    expect(usesLabel(undefined)).toBeNull();
    expect(usesLabel(0)).toBe('not used in 30 days');
    expect(usesLabel(1)).toBe('1 use in 30 days');
    expect(usesLabel(1234)).toBe('1,234 uses in 30 days');
  });
});
