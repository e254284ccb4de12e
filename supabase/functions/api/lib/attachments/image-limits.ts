/**
 * How many image bytes one chat request may send to a provider. Images travel as base64 inside
 * the JSON body, a third larger than the file, and every provider caps that body: Anthropic
 * refuses an image whose base64 is over 5 MB ("image exceeds 5 MB maximum") and a request over
 * 32 MB, OpenAI one over about 50 MB; an Edge Function itself has 256 MB for the bytes, their
 * base64 and the JSON around them. The web app downscales photos before upload, but any client
 * may skip that, so these limits are checked here, before the provider is called, and a file
 * over them is refused by name (never shrunk or cut without a word).
 */
import { ApiError } from '../errors.ts';

/** The largest image sent: its base64 stays within Anthropic's 5 MB (5 × 1024² characters). */
export const MAX_IMAGE_BYTES = (5 * 1024 * 1024 * 3) / 4;
/** The most image bytes one message may send (about 20 MiB of base64 on the wire). */
export const MAX_MESSAGE_IMAGE_BYTES = 15 * 1024 * 1024;

/**
 * Refuses the image `name` (at `path`) when it is over the per-image limit, or when adding its
 * `size` to the `sentSoFar` bytes of the message's earlier images goes over the message's.
 * Returns the new running total. 413 names the file, so the client flags that one and keeps
 * the others.
 */
export function countImageBytes(sentSoFar: number, image: { name: string; path: string; size: number }): number {
  const { name, path, size } = image;
  if (size > MAX_IMAGE_BYTES) {
    throw new ApiError(413, 'image_too_large',
      `"${name}" is ${megabytes(size)}; an image sent to a model may be at most ${megabytes(MAX_IMAGE_BYTES)}. Make it smaller (fewer pixels, or JPEG) and attach it again.`,
      undefined, { attachment: path, limit_bytes: MAX_IMAGE_BYTES });
  }
  const total = sentSoFar + size;
  if (total > MAX_MESSAGE_IMAGE_BYTES) {
    throw new ApiError(413, 'images_too_large',
      `The images of this message come to ${megabytes(total)} with "${name}"; one message may send at most ${megabytes(MAX_MESSAGE_IMAGE_BYTES)} of images. Remove "${name}" or send it in another message.`,
      undefined, { attachment: path, limit_bytes: MAX_MESSAGE_IMAGE_BYTES });
  }
  return total;
}

/** "3.8 MB" (MiB, as the upload limits are written). */
function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
