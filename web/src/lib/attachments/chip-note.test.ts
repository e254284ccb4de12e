import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../../../supabase/functions/api/lib/attachments/image-limits.ts';
import { chipNote } from './chip-note';

describe('chipNote', () => {
  it('says nothing of a file sent whole', () => {
    expect(chipNote({ type: 'text/markdown', size: 120, truncated: false, tokens: 30 })).toBe('');
    expect(chipNote({ type: 'image/png', size: MAX_IMAGE_BYTES, tokens: 765 })).toBe('');
  });

  it('says how much of a cut file the model read', () => {
    expect(chipNote({ type: 'text/plain', size: 540_000, truncated: true, tokens: 3000 })).toBe(' · cut to fit: the model read its first 3,000 tokens');
    expect(chipNote({ type: 'text/plain', size: 540_000, truncated: true })).toBe(' · cut to fit');
  });

  it('says an image stored before the per-image cap is not sent to the model (Regenerate and Edit leave it out)', () => {
    expect(chipNote({ type: 'image/jpeg', size: MAX_IMAGE_BYTES + 1, tokens: 765 })).toBe(' · not sent to the model: too large');
  });
});
