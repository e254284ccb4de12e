import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../../../supabase/functions/api/lib/attachments/image-limits.ts';
import { chipNote, tooLargeForModel } from './chip-note';

describe('chipNote', () => {
  it('says nothing of a file sent whole', () => {
    expect(chipNote({ type: 'text/markdown', size: 120, truncated: false, tokens: 30 })).toBe('');
    expect(chipNote({ type: 'image/png', size: MAX_IMAGE_BYTES, tokens: 765 })).toBe('');
  });

  it('says how much of a cut file the model read', () => {
    expect(chipNote({ type: 'text/plain', size: 540_000, truncated: true, tokens: 3000 })).toBe(' · cut to fit: the model read its first 3,000 tokens');
    expect(chipNote({ type: 'text/plain', size: 540_000, truncated: true })).toBe(' · cut to fit');
  });

  it('says of how many tokens, from the stored total, so also after a reload', () => {
    expect(chipNote({ type: 'text/plain', size: 540_000, truncated: true, tokens: 3000, total_tokens: 179_000, total_estimated: false }))
      .toBe(' · cut to fit: the model read 3,000 of 179,000 tokens (2%)');
    expect(chipNote({ type: 'text/plain', size: 6_000_000, truncated: true, tokens: 6000, total_tokens: 1_400_000, total_estimated: true }))
      .toBe(' · cut to fit: the model read 6,000 of about 1,400,000 tokens (<1%)');
    expect(chipNote({ type: 'text/plain', size: 540_000, truncated: true, tokens: 3000, total_tokens: null })).toBe(' · cut to fit: the model read its first 3,000 tokens');
  });

  it('says an image stored before the per-image cap is not sent to the model (Regenerate and Edit leave it out)', () => {
    expect(chipNote({ type: 'image/jpeg', size: MAX_IMAGE_BYTES + 1, tokens: 765 })).toBe(' · not sent to the model: too large');
  });

  it('knows it for the Edit box too: an image over the cap, not a text file of that size', () => {
    expect(tooLargeForModel({ type: 'image/png', size: MAX_IMAGE_BYTES + 1 })).toBe(true);
    expect(tooLargeForModel({ type: 'image/png', size: MAX_IMAGE_BYTES })).toBe(false);
    expect(tooLargeForModel({ type: 'text/plain', size: MAX_IMAGE_BYTES + 1 })).toBe(false);
  });
});
