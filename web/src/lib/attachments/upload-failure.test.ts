import { describe, expect, it } from 'vitest';
import { canRetryUpload, failedUploadNote, retryableStatus, UPLOAD_CANCELLED, UploadError } from './upload-failure';

describe('failed uploads', () => {
  it('offers Retry for a failure on the way, not for a refusal or a cancel', () => {
    expect(canRetryUpload(new UploadError('Upload failed: network error', true))).toBe(true);
    expect(canRetryUpload(new UploadError('hotel.txt is too large', false))).toBe(false);
    expect(canRetryUpload(new UploadError(UPLOAD_CANCELLED, false))).toBe(false);
    // Anything else (a plain Error, an API refusal) is not an upload Retry can fix.
    expect(canRetryUpload(new Error('Upload failed: network error'))).toBe(false);
    expect(canRetryUpload('network')).toBe(false);
  });

  it('retries what Storage may answer differently next time', () => {
    for (const status of [0, 408, 429, 500, 502, 503, 504]) expect(retryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 413, 415]) expect(retryableStatus(status)).toBe(false);
  });

  it('says which files hold the send, and that nothing was sent', () => {
    expect(failedUploadNote([])).toBe('');
    expect(failedUploadNote(['hotel.txt'])).toBe('hotel.txt did not upload — retry or remove it. Nothing was sent.');
    expect(failedUploadNote(['a.txt', 'b.md'])).toBe('2 files did not upload (a.txt, b.md) — retry or remove them. Nothing was sent.');
    const many = Array.from({ length: 7 }, (_, i) => `f${i}.txt`);
    expect(failedUploadNote(many)).toBe('7 files did not upload (f0.txt, f1.txt, f2.txt, f3.txt, f4.txt, and 2 more) — retry or remove them. Nothing was sent.');
  });
});
