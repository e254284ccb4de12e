// Which failed uploads are worth trying again, and what the composer says while one is in the
// tray. An upload that failed on the way (the network dropped, Storage answered 5xx, 408 or
// 429, the signed URL could not be had) can succeed with the very same bytes, which the page
// still holds as the picked `File`: its chip offers Retry. A refusal (too large, a type the
// bucket refuses, a message from Storage) would fail again: only ✕ helps. Cancelled is the
// person's own doing (✕, leaving the page): nothing to retry.

/** An upload that did not complete; `retryable` when sending the same file again may work. */
export class UploadError extends Error {
  override name = 'UploadError';
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

/** The message of a cancelled upload (✕ while uploading, the page going away). */
export const UPLOAD_CANCELLED = 'Upload cancelled';

/** HTTP statuses of Storage's answer to the PUT after which the same upload may succeed. */
export function retryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Whether an upload's failure can be retried with the same file. */
export function canRetryUpload(error: unknown): boolean {
  return error instanceof UploadError && error.retryable;
}

/**
 * Why nothing was sent while files in the box failed to upload:
 * "hotel.txt did not upload — retry or remove it. Nothing was sent."
 */
export function failedUploadNote(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} did not upload — retry or remove it. Nothing was sent.`;
  const shown = names.length > 5 ? [...names.slice(0, 5), `and ${names.length - 5} more`] : names;
  return `${names.length} files did not upload (${shown.join(', ')}) — retry or remove them. Nothing was sent.`;
}
