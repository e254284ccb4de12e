import { describe, expect, it } from 'vitest';
import { acceptEncoded, encodingsFor, hasImageMetadata, MAX_IMAGE_SIDE, planImage, SMALL_IMAGE_BYTES } from './image-plan';

const photo = { type: 'image/jpeg', bytes: 9_000_000, width: 4032, height: 3024, hasMetadata: true };

describe('planImage', () => {
  it('redraws a phone photo to a long side of MAX_IMAGE_SIDE, keeping its proportions', () => {
    expect(planImage(photo)).toEqual({ redraw: true, width: MAX_IMAGE_SIDE, height: 1500 });
    expect(planImage({ ...photo, width: 3024, height: 4032 })).toEqual({ redraw: true, width: 1500, height: MAX_IMAGE_SIDE });
  });

  it('leaves a small image without metadata untouched', () => {
    expect(planImage({ type: 'image/png', bytes: 40_000, width: 800, height: 600, hasMetadata: false })).toEqual({ redraw: false });
    expect(planImage({ type: 'image/jpeg', bytes: SMALL_IMAGE_BYTES, width: MAX_IMAGE_SIDE, height: 10, hasMetadata: false })).toEqual({ redraw: false });
  });

  it('redraws a small photo at its own size when it carries EXIF (where it was taken)', () => {
    expect(planImage({ type: 'image/jpeg', bytes: 300_000, width: 1200, height: 900, hasMetadata: true })).toEqual({ redraw: true, width: 1200, height: 900 });
  });

  it('redraws an image within the size but heavy in bytes (a 1.8 MB screenshot)', () => {
    expect(planImage({ type: 'image/png', bytes: 1_800_000, width: 1920, height: 1080, hasMetadata: false })).toEqual({ redraw: true, width: 1920, height: 1080 });
  });

  it('never redraws a GIF (it may be animated) or an image it could not measure', () => {
    expect(planImage({ ...photo, type: 'image/gif' })).toEqual({ redraw: false });
    expect(planImage({ ...photo, width: 0 })).toEqual({ redraw: false });
  });
});

describe('encodingsFor and acceptEncoded', () => {
  it('keeps transparency in PNG, tries PNG first for a PNG, and sends photos as JPEG', () => {
    expect(encodingsFor('image/png', true)).toEqual(['image/png']);
    expect(encodingsFor('image/webp', true)).toEqual(['image/png']);
    expect(encodingsFor('image/png', false)).toEqual(['image/png', 'image/jpeg']);
    expect(encodingsFor('image/jpeg', false)).toEqual(['image/jpeg']);
  });

  it('takes a PNG only when it is small, and the last choice whatever its size', () => {
    expect(acceptEncoded(SMALL_IMAGE_BYTES, false)).toBe(true);
    expect(acceptEncoded(SMALL_IMAGE_BYTES + 1, false)).toBe(false);
    expect(acceptEncoded(SMALL_IMAGE_BYTES * 3, true)).toBe(true);
  });
});

describe('hasImageMetadata', () => {
  const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));
  it('finds a JPEG EXIF block, a PNG eXIf chunk and XMP', () => {
    expect(hasImageMetadata(bytes([0xff, 0xd8, 0xff, 0xe1, 0, 20], 'Exif', [0, 0], 'MM'))).toBe(true);
    expect(hasImageMetadata(bytes([0x89], 'PNG', [0, 0, 0, 8], 'eXIf'))).toBe(true);
    expect(hasImageMetadata(bytes('http://ns.adobe.com/xap/1.0/'))).toBe(true);
  });
  it('finds none in a plain image', () => {
    expect(hasImageMetadata(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF', [0]))).toBe(false);
    expect(hasImageMetadata(new Uint8Array())).toBe(false);
  });
});
