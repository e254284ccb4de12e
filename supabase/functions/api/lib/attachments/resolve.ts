/**
 * Turns the object paths a chat message names into what the provider sees: each file read
 * from Storage as the caller, its type sniffed from the bytes, images as image parts (a model
 * known not to read them gets a 422; their bytes are capped in image-limits.ts, and a stored
 * question's image over the caps is left out with a note), text and PDFs extracted and fitted
 * into a token budget shared by all of the message's files, with a note of what was cut.
 */
import { ApiError } from '../errors.ts';
import { charsFor, fitText, shareBudget, yieldToEventLoop } from './budget.ts';
import { extractTextStart, textByteLimit } from './extract.ts';
import { fileBlock } from './file-block.ts';
import { imageRefusal, leftOutReason } from './image-limits.ts';
import { isLegacyText, sniffType, type AttachmentKind, type SniffedType } from './sniff.ts';
import { assertOwnPath, isObjectPath, readAttachment, type StorageAccess } from './storage-client.ts';

/** What one image costs in a prompt, roughly (OpenAI: 85 + 170 per 512-px tile, ~4 tiles). */
export const IMAGE_TOKENS = 765;
/** The largest file read into a prompt (the bucket's own limit). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export interface ResolvedAttachment {
  path: string;
  name: string;
  kind: AttachmentKind;
  mime: string;
  size: number;
  /** Text that goes into the prompt (text and PDF). */
  text?: string;
  /** `data:` URL for an image part. */
  dataUrl?: string;
  /** Why a stored image is not sent (see `alreadyStored`); the model reads this in its place. */
  leftOut?: string;
  tokens: number;
  totalTokens: number;
  /** `totalTokens` is an estimate: the file was longer than its budget was worth counting. */
  totalEstimated?: boolean;
  truncated: boolean;
}

export interface ResolveOptions {
  userId: string;
  /** The caller's JWT; null for an API-key caller (see readAttachment). */
  userToken: string | null;
  paths: string[];
  /** The names people gave the files, by path; a path without one is named by its last part. */
  names?: ReadonlyMap<string, string>;
  vision: boolean;
  /** Tokens all text attachments of the message may use together. */
  textBudget: number;
  maxCount: number;
  model: string;
  /**
   * The paths come from message_attachments rows the caller can read (regenerate, edit), not
   * from the request: in a group chat they may be in another participant's folder, and Storage's
   * policies for chat files decide the read.
   */
  stored?: boolean;
  /**
   * Paths among the request's that the edited question already carries (an edit naming the
   * files it keeps). With `stored`, these files were taken before and are read again as they
   * are: an image over today's limits is left out with a note rather than failing the turn,
   * and an empty text file is not refused again.
   */
  alreadyStored?: ReadonlySet<string>;
}

export async function resolveAttachments(access: StorageAccess, options: ResolveOptions): Promise<ResolvedAttachment[]> {
  const paths = [...new Set(options.paths)];
  if (paths.length > options.maxCount) {
    throw new ApiError(400, 'too_many_attachments', `At most ${options.maxCount} attachments per message; this one has ${paths.length}`);
  }
  for (const path of paths) {
    if (!options.stored) assertOwnPath(options.userId, path);
    else if (!isObjectPath(path)) throw new ApiError(400, 'invalid_attachment_path', `"${path}" is not an attachment path`);
  }
  // A few files in flight, taken in order, a turn of the event loop after each: a message may
  // carry 10 files of 20 MB, and neither all of them in memory at once nor one long stretch of
  // CPU is needed, while several small files should not cost a Storage round trip each.
  // Text keeps only the start the whole budget could use (extract.ts, budget.ts).
  const textBytes = (type: SniffedType) => textByteLimit(type, charsFor(options.textBudget));
  const reads = readsInOrder(paths, READS_IN_FLIGHT, (path) => readAttachment(access, options.userToken, path, MAX_ATTACHMENT_BYTES));
  const loaded: LoadedFile[] = [];
  const takenBefore = (path: string) => options.stored === true || options.alreadyStored?.has(path) === true;
  let imageBytes = 0;
  for (const path of paths) {
    const bytes = await reads.next();
    const name = options.names?.get(path) ?? path.split('/').pop()!;
    const type = await sniffType(bytes, name);
    if (!type && isLegacyText(bytes)) {
      throw new ApiError(415, 'not_utf8_text', `"${name}" is text in an encoding other than UTF-8: save it as UTF-8 and attach it again`, undefined, { attachment: path });
    }
    if (!type) throw new ApiError(415, 'unsupported_attachment', `"${name}" is not a supported file: images (PNG, JPEG, GIF, WebP), PDF or text`, undefined, { attachment: path });
    if (type.kind === 'image' && !options.vision) {
      // `attachment` names the file at fault, so a client can keep the others and flag that one.
      throw new ApiError(422, 'model_cannot_see_images', `${options.model} cannot read images; pick a vision-capable model or remove "${name}".`, undefined, { attachment: path });
    }
    // A file with nothing to read is refused by name before anything is stored, as the web tray
    // and a project do; a stored question's file was taken once and is read again as it is.
    if (type.kind === 'text' && !takenBefore(path) && isBlankText(bytes, type)) {
      throw new ApiError(422, 'empty_attachment', `"${name}" is empty: there is nothing in it to read. Remove it or attach it again with some text.`, undefined, { attachment: path });
    }
    if (type.kind === 'image') {
      const refusal = imageRefusal(imageBytes, { name, path, size: bytes.length });
      if (refusal && !takenBefore(path)) throw refusal;
      if (refusal) {
        loaded.push({ path, name, type, bytes: new Uint8Array(0), size: bytes.length, leftOut: leftOutReason(refusal, bytes.length) });
        continue;
      }
      imageBytes += bytes.length;
    }
    const kept = type.kind === 'text' && bytes.length > textBytes(type) ? bytes.slice(0, textBytes(type)) : bytes;
    loaded.push({ path, name, type, bytes: kept, size: bytes.length });
    await yieldToEventLoop();
  }

  // Images go as they are; text shares the budget, smallest file first (budget.ts, shareBudget).
  const texts = loaded.filter((f) => f.type.kind !== 'image');
  const fitted = await shareBudget(texts.map((f) => f.size), options.textBudget, async (index, share) => {
    const file = texts[index]!;
    const extracted = await extractTextStart(file.bytes, file.type, file.name, charsFor(share), file.size);
    file.bytes = new Uint8Array(0); // read: its bytes may go
    const result = await fitText(extracted.text, share, { fraction: extracted.fraction });
    await yieldToEventLoop();
    return result;
  });
  const resolved: ResolvedAttachment[] = [];
  for (const file of loaded) {
    const base = { path: file.path, name: file.name, kind: file.type.kind, mime: file.type.mime, size: file.size };
    if (file.leftOut) {
      resolved.push({ ...base, leftOut: file.leftOut, tokens: 0, totalTokens: 0, truncated: false });
      continue;
    }
    if (file.type.kind === 'image') {
      const dataUrl = `data:${file.type.mime};base64,${toBase64(file.bytes)}`;
      resolved.push({ ...base, dataUrl, tokens: IMAGE_TOKENS, totalTokens: IMAGE_TOKENS, truncated: false });
      continue;
    }
    const text = fitted[texts.indexOf(file)]!;
    resolved.push({
      ...base, text: text.text, tokens: text.tokens, totalTokens: text.totalTokens, truncated: text.truncated,
      ...(text.estimated ? { totalEstimated: true } : {}),
    });
  }
  return resolved;
}

/** Blank text is at most this long: a longer file of whitespace alone is not worth decoding to tell. */
const BLANK_TEXT_BYTES = 64 * 1024;

/** Text with no characters but whitespace (a byte-order mark counts as one). */
function isBlankText(bytes: Uint8Array, type: SniffedType): boolean {
  if (bytes.length > BLANK_TEXT_BYTES) return false;
  return new TextDecoder(type.encoding ?? 'utf-8').decode(bytes).trim() === '';
}

/** Files read at once: 3 × the 20 MB a file may weigh stays well inside a function's memory. */
const READS_IN_FLIGHT = 3;

/**
 * Reads `paths` with at most `inFlight` reads pending, handed out in order by `next()` (the one
 * handed out last counts until the next call). A read that fails is reported when its turn comes (never as an unhandled rejection meanwhile).
 */
export function readsInOrder<T>(paths: string[], inFlight: number, read: (path: string) => Promise<T>) {
  const pending: Promise<T>[] = [];
  let started = 0;
  const fill = () => {
    while (started < paths.length && pending.length < inFlight) {
      const promise = read(paths[started++]);
      promise.catch(() => {});
      pending.push(promise);
    }
  };
  return {
    next(): Promise<T> {
      fill();
      const promise = pending.shift();
      if (!promise) throw new Error('readsInOrder: no file left to read');
      return promise;
    },
  };
}

interface LoadedFile {
  path: string;
  name: string;
  type: SniffedType;
  /** The file's bytes (text: only its start when that is all the budget could use). */
  bytes: Uint8Array;
  size: number;
  leftOut?: string;
}

/** The text the model reads for the message's files, each in a labelled block. */
export function attachmentsPrompt(attachments: ResolvedAttachment[]): string {
  return attachments
    .filter((a) => a.text !== undefined || a.leftOut)
    .map((a) => {
      if (a.leftOut) return fileBlock('attachment', { name: a.name, type: a.mime, note: a.leftOut });
      const note = a.truncated ? `truncated: ${a.tokens} of ${ofTotal(a)} tokens included` : undefined;
      return fileBlock('attachment', { name: a.name, type: a.mime, note }, a.text);
    })
    .join('\n\n');
}

/** Human-readable notes of what was cut or left out, for the answer's `meta`. */
export function truncationNotes(attachments: ResolvedAttachment[]): string[] {
  return attachments.flatMap((a) => {
    if (a.leftOut) return [`"${a.name}" was ${a.leftOut}, so the model did not see it; attach a smaller copy to ask about it`];
    return a.truncated ? [`"${a.name}" was cut to ${a.tokens} of ${ofTotal(a)} tokens to fit the model's context window`] : [];
  });
}

function ofTotal(a: ResolvedAttachment): string {
  return a.totalEstimated ? `about ${a.totalTokens}` : String(a.totalTokens);
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
