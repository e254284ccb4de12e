/**
 * What a sent file's chip says about what the model got of it, after its size: how much of a
 * cut file the model read and of how much, or that an image was not sent. Read from the stored attachment row,
 * so a reload or another device says the same as the live turn.
 */
import { MAX_IMAGE_BYTES } from '../../../../supabase/functions/api/lib/attachments/image-limits.ts';

export interface SentFile {
  type: string;
  size: number;
  truncated?: boolean;
  tokens?: number;
  /** The whole file's tokens (null for a row from before they were kept), maybe estimated. */
  total_tokens?: number | null;
  total_estimated?: boolean;
}

/** What the chip of an image the model will not be sent says (also the Edit box's, QA18 #5). */
export const TOO_LARGE_NOTE = 'not sent to the model: too large';

/**
 * An image over the API's per-image cap. The API refuses a new one, so a stored one is from
 * before it: Regenerate and Edit leave it out of what the model is sent (the answer's
 * `meta.notes` say so to an API client).
 */
export function tooLargeForModel(file: Pick<SentFile, 'type' | 'size'>): boolean {
  return file.type.startsWith('image/') && file.size > MAX_IMAGE_BYTES;
}

export function chipNote(file: SentFile): string {
  if (tooLargeForModel(file)) return ` · ${TOO_LARGE_NOTE}`;
  if (!file.truncated) return '';
  if (!file.tokens) return ' · cut to fit';
  if (!file.total_tokens) return ` · cut to fit: the model read its first ${count(file.tokens)} tokens`;
  const of = `${file.total_estimated ? 'about ' : ''}${count(file.total_tokens)}`;
  return ` · cut to fit: the model read ${count(file.tokens)} of ${of} tokens (${share(file.tokens, file.total_tokens)})`;
}

/** "2%"; "<1%" rather than a "0%" that would say the model read nothing, "99%" rather than "100%" for a cut file. */
function share(read: number, total: number): string {
  const percent = Math.min(99, Math.round((read / total) * 100));
  return percent < 1 ? '<1%' : `${percent}%`;
}

function count(tokens: number): string {
  return tokens.toLocaleString('en-US');
}
