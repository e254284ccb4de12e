import { describe, expect, it } from 'vitest';
import { fileAtFault, filesOutliveRefusal, refusalText } from './refusals';

/** Shaped as $lib/api's ApiError (which needs SvelteKit's modules to import). */
class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
  }
}

describe('filesOutliveRefusal', () => {
  it.each([
    ['a network failure', new TypeError('Failed to fetch')],
    ['a 5xx', new ApiError(502, 'provider_error', 'bad gateway')],
    ['the database being unavailable', new ApiError(503, 'database_unavailable', 'try again')],
    ['the rate limit', new ApiError(429, 'rate_limited', 'Too many messages; try again in 3 s')],
    ['the monthly budget', new ApiError(402, 'budget_exceeded', 'over budget')],
    ['an expired sign-in', new ApiError(401, 'unauthorized', 'sign in again')],
    ['a missing provider key', new ApiError(422, 'missing_credential', 'add a key')],
    ['another answer running', new ApiError(409, 'turn_running', 'an answer is running')],
  ])('keeps the files after %s (Retry can still send them)', (_, error) => {
    expect(filesOutliveRefusal(error)).toBe(true);
  });

  it.each([
    ['an image for a text-only model', new ApiError(422, 'model_cannot_see_images', 'cannot read images')],
    ['an unsupported file', new ApiError(415, 'unsupported_attachment', 'not supported')],
    ['a file that is gone', new ApiError(404, 'attachment_not_found', 'upload it again')],
    ['too many files', new ApiError(400, 'too_many_attachments', 'At most 10')],
    ['a path outside the folder', new ApiError(400, 'invalid_attachment_path', 'not yours')],
    ['the storage quota', new ApiError(413, 'storage_quota_exceeded', 'delete some files')],
    ['a file too large', new ApiError(413, 'attachment_too_large', 'too large')],
    ['a read-only group chat', new ApiError(403, 'read_only', 'viewer')],
    ['files in a group chat', new ApiError(422, 'group_attachments_unsupported', 'owner only')],
    ['an unknown model', new ApiError(422, 'unknown_model', 'no such model')],
    ["an unpriced model on the owner's shared key", new ApiError(422, 'unpriced_model', 'the shared key answers priced models only')],
  ])('removes the files after %s (the same request would fail again)', (_, error) => {
    expect(filesOutliveRefusal(error)).toBe(false);
  });

  it('reads any error that is not an API refusal as "no answer" (keeps the files)', () => {
    expect(filesOutliveRefusal(new Error('The operation was aborted'))).toBe(true);
    expect(filesOutliveRefusal('weird')).toBe(true);
  });
});

describe('refusalText', () => {
  it('ends a reason without a full stop before the next sentence', () => {
    expect(refusalText('m cannot read images; pick a vision-capable model or remove "photo.png"', 1, true))
      .toBe('m cannot read images; pick a vision-capable model or remove "photo.png". The attached file was removed. Your text is back in the message box.');
  });

  it('keeps a reason that already ends a sentence as it is', () => {
    expect(refusalText('Too large.', 2, false)).toBe('Too large. The attached files were removed.');
    expect(refusalText('Read-only chat!', 0, true)).toBe('Read-only chat! Your text is back in the message box.');
    expect(refusalText('Why? ', 0, false)).toBe('Why?');
  });
});

describe('fileAtFault', () => {
  const sent = ['u/chat/1/photo.png', 'u/chat/2/notes.md'];
  it('names the one file the API blamed, with its reason, so the others are kept', () => {
    const error = new ApiError(422, 'model_cannot_see_images', 'm cannot read images; pick a vision-capable model or remove "photo.png".', { attachment: sent[0] });
    expect(fileAtFault(error, sent)).toEqual({ path: sent[0], reason: error.message });
  });

  it('names nothing for a refusal about no file, or one this send did not carry', () => {
    expect(fileAtFault(new ApiError(400, 'too_many_attachments', 'At most 10'), sent)).toBeNull();
    expect(fileAtFault(new ApiError(404, 'attachment_not_found', 'gone', { attachment: 'u/chat/9/other.md' }), sent)).toBeNull();
    expect(fileAtFault(new TypeError('Failed to fetch'), sent)).toBeNull();
  });
});

describe('refusalText with the files given back', () => {
  it('says the text and files are back, the file at fault marked', () => {
    expect(refusalText('m cannot read images; remove "photo.png"', 3, true, 'flagged'))
      .toBe('m cannot read images; remove "photo.png". Your text and files are back in the message box, the file at fault marked.');
    expect(refusalText('Not supported.', 1, false, 'flagged')).toBe('Not supported. The attached file is back in the message box, the file at fault marked.');
    expect(refusalText('Budget used up.', 2, true, 'all')).toBe('Budget used up. Your text and files are back in the message box.');
  });
});
