/**
 * What a sent file's chip says about what the model got of it, after its size: how much of a
 * cut file the model read, or that an image was not sent. Read from the stored attachment row,
 * so a reload or another device says the same as the live turn.
 */
import { MAX_IMAGE_BYTES } from '../../../../supabase/functions/api/lib/attachments/image-limits.ts';

export interface SentFile {
  type: string;
  size: number;
  truncated?: boolean;
  tokens?: number;
}

export function chipNote(file: SentFile): string {
  // The API refuses a new image over its cap, so a stored one is from before it: Regenerate and
  // Edit leave it out of what the model is sent (and the answer's notes say so).
  if (file.type.startsWith('image/') && file.size > MAX_IMAGE_BYTES) return ' · not sent to the model: too large';
  if (!file.truncated) return '';
  return file.tokens ? ` · cut to fit: the model read its first ${count(file.tokens)} tokens` : ' · cut to fit';
}

function count(tokens: number): string {
  return tokens.toLocaleString('en-US');
}
