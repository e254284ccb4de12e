import { describe, expect, it } from 'vitest';
import { suggestName } from './slug';

describe('suggestName', () => {
  it('matches what the database suggests', () => {
    expect(suggestName('Support Reply — v2!')).toBe('support-reply-v2');
    expect(suggestName('✨✨')).toBe('prompt');
    expect(suggestName(`${'a'.repeat(59)} b`)).toBe('a'.repeat(59));
  });
});
