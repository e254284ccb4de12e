// Uploads a file to the private `attachments` bucket under the user's folder, with progress:
// a signed upload URL from Storage (RLS checked as the user), then one PUT of the bytes
// through XMLHttpRequest, whose upload events fetch cannot give. Limits mirror the bucket's
// (20 MiB, images/PDF/text), so most refusals happen before a byte is sent.
import { env } from '$env/dynamic/public';
import { browserSupabase, cachedAccessToken } from '$lib/supabase';
import { UPLOAD_CANCELLED, UploadError, retryableStatus } from './upload-failure';
import { imageForUpload } from './image-downscale';
import { rememberName } from './names';
import { emptyReason, isImage, isImagePath, isOfficeOrArchive, unreadableReason, uploadType } from './upload-type';

export { isImage, isImagePath, uploadType };
export { canRetryUpload, UploadError } from './upload-failure';

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_FILES = 10;
export const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/*,.md,.markdown,.csv,.json,.ts,.tsx,.js,.py,.go,.rs,.java,.rb,.sql,.yaml,.yml,.toml,.sh,.c,.h,.cpp,.css,.html,.htm,.xml,.svg,.svelte';

/** What a project file may be: text of any kind, or a PDF (the API extracts their text). */
export const PROJECT_ACCEPT = ACCEPT.split(',').filter((type) => !type.startsWith('image/')).join(',');

/** Why a file cannot be a project file, or null. */
export function projectFileRefusal(file: File): string | null {
  if (file.size > MAX_FILE_BYTES) return `${file.name} is larger than 20 MB`;
  if (isImage(file)) return `${file.name}: images cannot be project files (attach them to a message)`;
  if (!uploadType(file)) return isOfficeOrArchive(file) ? unreadableReason(file) : `${file.name}: a project file is text, Markdown, code, CSV, JSON or PDF`;
  return null;
}

/** Why a file cannot be attached, or null. */
export function refusal(file: File): string | null {
  if (file.size > MAX_FILE_BYTES) return `${file.name} is larger than 20 MB`;
  if (!uploadType(file)) return unreadableReason(file);
  return emptyReason(file);
}

/** Where an upload is for: a chat message, or a project's files. */
export type UploadFor = 'chat' | 'project';

/** `<user id>/<chat|project>/<random>/<name>`: the first folder is what the bucket's policies check. */
export function objectPath(userId: string, file: File, purpose: UploadFor = 'chat'): string {
  const safe = file.name.replace(/[^A-Za-z0-9_.() -]/g, '_').replace(/^\.+/, '_').slice(-120) || 'file';
  return `${userId}/${purpose}/${crypto.randomUUID()}/${safe}`;
}

export interface UploadHandle {
  /** Where the object goes (known before the upload ends, so an aborted one can be removed too). */
  path: string;
  done: Promise<string>;
  abort(): void;
}

export function uploadAttachment(userId: string, file: File, onProgress: (fraction: number) => void, purpose: UploadFor = 'chat'): UploadHandle {
  const xhr = new XMLHttpRequest();
  const path = objectPath(userId, file, purpose);
  rememberName(path, file.name);
  const done = (async () => {
    // A photo goes smaller and without its EXIF (image-downscale.ts); other files as they are.
    const sent = isImage(file) ? await imageForUpload(file) : file;
    const type = uploadType(sent);
    if (!type) throw new UploadError(refusal(file) ?? 'unsupported file', false);
    // No signed URL (the network, a Storage hiccup): the same file may well go on a second try.
    const { data, error } = await browserSupabase().storage.from('attachments').createSignedUploadUrl(path);
    if (error || !data) throw new UploadError(error?.message ?? 'Could not start the upload', true);
    await new Promise<void>((resolve, reject) => {
      xhr.open('PUT', data.signedUrl);
      xhr.setRequestHeader('content-type', type);
      xhr.setRequestHeader('x-upsert', 'false');
      xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) return resolve();
        let message = `Upload failed (${xhr.status})`;
        try {
          const body = JSON.parse(xhr.responseText) as { message?: string; statusCode?: string };
          if (body.statusCode === '413') message = `${file.name} is too large`;
          else if (body.statusCode === '415') message = `${file.name}: this type of file cannot be attached`;
          else if (body.message) message = body.message;
        } catch {
          // Keep the generic message.
        }
        reject(new UploadError(message, retryableStatus(xhr.status)));
      };
      xhr.onerror = () => reject(new UploadError('Upload failed: network error', true));
      xhr.onabort = () => reject(new UploadError(UPLOAD_CANCELLED, false));
      xhr.send(sent);
    });
    onProgress(1);
    return path;
  })();
  return { path, done, abort: () => xhr.abort() };
}

/** Removes uploads that will not be sent (their own folder: RLS allows it). Removing a path that
 * holds no object is no error. */
export async function discardAttachments(paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  await browserSupabase().storage.from('attachments').remove(paths);
}

/**
 * The same while the page is going away (tab closed, reload, navigation off the app): a
 * `keepalive` request outlives the page, which an ordinary fetch does not. Best effort — it
 * needs a token the page already holds; what it misses the server's sweep removes later.
 */
export function discardAttachmentsOnUnload(paths: string[]): void {
  const token = cachedAccessToken();
  const base = env.PUBLIC_SUPABASE_URL?.replace(/\/+$/, '');
  if (paths.length === 0 || !token || !base) return;
  void fetch(`${base}/storage/v1/object/attachments`, {
    method: 'DELETE',
    keepalive: true,
    headers: { authorization: `Bearer ${token}`, apikey: env.PUBLIC_SUPABASE_PUBLISHABLE_KEY ?? '', 'content-type': 'application/json' },
    body: JSON.stringify({ prefixes: paths }),
  }).catch(() => {});
}
