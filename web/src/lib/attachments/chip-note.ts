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

export function chipNote(file: SentFile): string {
  // The API refuses a new image over its cap, so a stored one is from before it: Regenerate and
  // Edit leave it out of what the model is sent (and the answer's notes say so).
  if (file.type.startsWith('image/') && file.size > MAX_IMAGE_BYTES) return ' · not sent to the model: too large';
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
