// How the image limits are worded to a person: the limit as it is (3.75 MB, 15 MB) and the size
// so that it reads more than the limit beside it — never "at 3.8 MB it is over the 3.8 MB"
// (QA18 #5). The limits themselves, on a chat: tests/api/chat-attachment-checks.test.ts.
import { describe, expect, it } from 'vitest';
import { imageRefusal, leftOutReason, MAX_IMAGE_BYTES, MAX_MESSAGE_IMAGE_BYTES } from './image-limits.ts';

const MIB = 1024 * 1024;
const image = (size: number) => ({ name: 'holiday.png', path: 'u/holiday.png', size });

describe('an image over the per-image limit', () => {
  it('at 3.76 MB is told it is over the 3.75 MB, in the 413 and in the note for a stored one', () => {
    const size = Math.round(3.76 * MIB);
    const refusal = imageRefusal(0, image(size));
    expect(refusal?.message).toBe('"holiday.png" is 3.8 MB; an image sent to a model may be at most 3.75 MB. Make it smaller (fewer pixels, or JPEG) and attach it again.');
    expect(leftOutReason(refusal!, size)).toBe('left out: at 3.8 MB it is over the 3.75 MB an image sent to a model may be');
  });

  it('a byte over it never reads as the limit', () => {
    const refusal = imageRefusal(0, image(MAX_IMAGE_BYTES + 1));
    expect(refusal?.message).toMatch(/^"holiday\.png" is 3\.8 MB; an image sent to a model may be at most 3\.75 MB\./);
  });

  it('a 6 MB one reads 6.0 MB', () => {
    expect(leftOutReason(imageRefusal(0, image(6 * MIB))!, 6 * MIB)).toBe('left out: at 6.0 MB it is over the 3.75 MB an image sent to a model may be');
  });
});

describe("a message's images over the 15 MB together", () => {
  const over = (total: number) => imageRefusal(total - MIB, image(MIB))?.message.match(/come to (\S+ MB) with/)?.[1];

  it('are written with two decimals when one would read 15.0 MB', () => {
    expect(over(Math.round(15.04 * MIB))).toBe('15.04 MB');
    expect(over(Math.round(15.2 * MIB))).toBe('15.2 MB');
  });

  it('are rounded up when even two decimals would read as the limit', () => {
    expect(over(MAX_MESSAGE_IMAGE_BYTES + 1)).toBe('15.01 MB');
  });

  it('name the limit as 15 MB', () => {
    expect(imageRefusal(MAX_MESSAGE_IMAGE_BYTES, image(1))?.message).toContain('one message may send at most 15 MB of images');
  });
});
