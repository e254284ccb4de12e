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
 * The 413 for the image `name` (at `path`) when it is over the per-image limit, or when adding
 * its `size` to the `sentSoFar` bytes of the message's earlier images goes over the message's;
 * null when it fits. 413 names the file, so the client flags that one and keeps the others.
 */
export function imageRefusal(sentSoFar: number, image: { name: string; path: string; size: number }): ApiError | null {
  const { name, path, size } = image;
  if (size > MAX_IMAGE_BYTES) {
    return new ApiError(413, 'image_too_large',
      `"${name}" is ${sizeOver(size, MAX_IMAGE_BYTES)}; an image sent to a model may be at most ${megabytes(MAX_IMAGE_BYTES)}. Make it smaller (fewer pixels, or JPEG) and attach it again.`,
      undefined, { attachment: path, limit_bytes: MAX_IMAGE_BYTES });
  }
  const total = sentSoFar + size;
  if (total > MAX_MESSAGE_IMAGE_BYTES) {
    return new ApiError(413, 'images_too_large',
      `The images of this message come to ${sizeOver(total, MAX_MESSAGE_IMAGE_BYTES)} with "${name}"; one message may send at most ${megabytes(MAX_MESSAGE_IMAGE_BYTES)} of images. Remove "${name}" or send it in another message.`,
      undefined, { attachment: path, limit_bytes: MAX_MESSAGE_IMAGE_BYTES });
  }
  return null;
}

/**
 * Why a question's stored image over a limit was left out of what the model is sent: the file
 * was taken before the limits, and refusing it would make its question impossible to
 * regenerate or edit. Short, for the note the model reads in the image's place; the answer's
 * notes say the same to the user.
 */
export function leftOutReason(refusal: ApiError, size: number): string {
  return refusal.code === 'image_too_large'
    ? `left out: at ${sizeOver(size, MAX_IMAGE_BYTES)} it is over the ${megabytes(MAX_IMAGE_BYTES)} an image sent to a model may be`
    : `left out: with it the message's images are over the ${megabytes(MAX_MESSAGE_IMAGE_BYTES)} one message may send`;
}

const MIB = 1024 * 1024;

/** A limit as it is: "3.75 MB", "15 MB" (MiB, as the upload limits are written). */
function megabytes(bytes: number): string {
  return `${Number((bytes / MIB).toFixed(2))} MB`;
}

/**
 * A size over `limit`, written so that it reads more than the limit beside it (QA18 #5: "at 3.8
 * MB it is over the 3.8 MB"): one decimal ("6.0 MB", "3.8 MB"), two when one would read as the
 * limit or under it ("15.04 MB"), and rounded up at two when even two would ("15.01 MB" for a
 * few bytes over).
 */
function sizeOver(bytes: number, limit: number): string {
  for (const digits of [1, 2]) {
    const figure = (bytes / MIB).toFixed(digits);
    if (Number(figure) > limit / MIB) return `${figure} MB`;
  }
  return `${(Math.ceil((bytes * 100) / MIB) / 100).toFixed(2)} MB`;
}
