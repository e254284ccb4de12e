// Whether a picked image is sent as it is or redrawn smaller first, and in which format (no
// imports and no browser APIs, so it is unit-tested on its own; image-downscale.ts does the
// drawing). Vision models look at far fewer pixels than a phone photo has: OpenAI fits an
// image into 2048×2048, Anthropic recommends a long side of at most 1568 px and refuses one
// over 2000 px in a request with many images. The bytes beyond that only cost upload time,
// the provider's request limits (Anthropic: 5 MB an image) and memory in the API. Redrawing
// also leaves out the file's metadata: EXIF can hold where a photo was taken, which should
// not reach a third party without the user knowing.

/** The longest side an image is sent with (Anthropic's limit for many-image requests). */
export const MAX_IMAGE_SIDE = 2000;
/** Up to this size, an image within MAX_IMAGE_SIDE and without metadata is sent untouched. */
export const SMALL_IMAGE_BYTES = 1024 * 1024;
/** JPEG quality of a redrawn photo: no visible loss at 2000 px, a tenth of the PNG's bytes. */
export const JPEG_QUALITY = 0.85;

export interface PickedImage {
  type: string;
  bytes: number;
  /** As displayed (EXIF orientation applied). */
  width: number;
  height: number;
  /** The file carries EXIF (or XMP) metadata. */
  hasMetadata: boolean;
}

export type ImagePlan = { redraw: false } | { redraw: true; width: number; height: number };

/** What to do with a picked image before its upload. */
export function planImage(image: PickedImage): ImagePlan {
  // A GIF may be animated: a canvas keeps only its first frame. The server's limits still apply.
  if (image.type === 'image/gif' || image.width <= 0 || image.height <= 0) return { redraw: false };
  const scale = Math.min(1, MAX_IMAGE_SIDE / Math.max(image.width, image.height));
  if (scale === 1 && image.bytes <= SMALL_IMAGE_BYTES && !image.hasMetadata) return { redraw: false };
  return { redraw: true, width: Math.max(1, Math.round(image.width * scale)), height: Math.max(1, Math.round(image.height * scale)) };
}

/**
 * The formats to try, in order, for a redrawn image: PNG for one with transparency (JPEG would
 * paint it black) and first for a PNG (screenshots and diagrams stay sharp when PNG is small
 * enough: see acceptEncoded), else JPEG.
 */
export function encodingsFor(sourceType: string, hasAlpha: boolean): string[] {
  if (hasAlpha) return ['image/png'];
  if (sourceType === 'image/png') return ['image/png', 'image/jpeg'];
  return ['image/jpeg'];
}

/** Whether an encoding is kept, or the next format in encodingsFor is tried. */
export function acceptEncoded(encodedBytes: number, isLastChoice: boolean): boolean {
  return isLastChoice || encodedBytes <= SMALL_IMAGE_BYTES;
}

/** Whether the first bytes of an image file hold EXIF (JPEG APP1 `Exif\0\0`, PNG/WebP `eXIf`/`EXIF`) or XMP metadata. */
export function hasImageMetadata(head: Uint8Array): boolean {
  return [[0x45, 0x78, 0x69, 0x66, 0, 0], [0x65, 0x58, 0x49, 0x66], [0x45, 0x58, 0x49, 0x46], [0x69, 0x54, 0x58, 0x74, 0x58, 0x4d, 0x4c]]
    .some((marker) => indexOf(head, marker) >= 0) || indexOf(head, ascii('http://ns.adobe.com/xap/1.0/')) >= 0;
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

function indexOf(haystack: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
