// Uploads a file to the private `attachments` bucket under the user's folder, with progress:
// a signed upload URL from Storage (RLS checked as the user), then one PUT of the bytes
// through XMLHttpRequest, whose upload events fetch cannot give. Limits mirror the bucket's
// (20 MiB, images/PDF/text), so most refusals happen before a byte is sent.
import { browserSupabase } from '$lib/supabase';

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_FILES = 10;
export const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/*,.md,.markdown,.csv,.json,.ts,.tsx,.js,.py,.go,.rs,.java,.rb,.sql,.yaml,.yml,.toml,.sh,.c,.h,.cpp,.css,.html,.svelte';

const IMAGE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const BY_EXTENSION: Record<string, string> = {
  md: 'text/markdown', markdown: 'text/markdown', csv: 'text/csv', json: 'application/json', yaml: 'application/yaml',
  yml: 'application/yaml', toml: 'application/toml', xml: 'application/xml', sql: 'application/sql', sh: 'application/x-sh',
};

/** The type to store the file as: the browser's when the bucket allows it, else one from the
 * name (browsers report nothing, or video/mp2t, for many code files). The server still
 * sniffs the bytes. */
export function uploadType(file: File): string | null {
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  if (IMAGE.has(file.type) || file.type === 'application/pdf') return file.type;
  if (BY_EXTENSION[extension]) return BY_EXTENSION[extension];
  if (file.type.startsWith('text/')) return file.type;
  if (file.type.startsWith('image/') || file.type.startsWith('video/') || file.type.startsWith('audio/')) {
    return extension === 'ts' ? 'text/plain' : null;
  }
  return file.type === '' || file.type === 'application/octet-stream' || file.type.startsWith('application/') ? 'text/plain' : null;
}

export function isImage(file: File): boolean {
  return IMAGE.has(file.type);
}

/** Why a file cannot be attached, or null. */
export function refusal(file: File): string | null {
  if (file.size > MAX_FILE_BYTES) return `${file.name} is larger than 20 MB`;
  if (!uploadType(file)) return `${file.name}: only images (PNG, JPEG, GIF, WebP), PDF and text files can be attached`;
  return null;
}

/** `<user id>/chat/<random>/<name>`: the first folder is what the bucket's policies check. */
export function objectPath(userId: string, file: File): string {
  const safe = file.name.replace(/[^A-Za-z0-9_.() -]/g, '_').replace(/^\.+/, '_').slice(-120) || 'file';
  return `${userId}/chat/${crypto.randomUUID()}/${safe}`;
}

export interface UploadHandle {
  done: Promise<string>;
  abort(): void;
}

export function uploadAttachment(userId: string, file: File, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const path = objectPath(userId, file);
  const done = (async () => {
    const type = uploadType(file);
    if (!type) throw new Error(refusal(file) ?? 'unsupported file');
    const { data, error } = await browserSupabase().storage.from('attachments').createSignedUploadUrl(path);
    if (error || !data) throw new Error(error?.message ?? 'Could not start the upload');
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
        reject(new Error(message));
      };
      xhr.onerror = () => reject(new Error('Upload failed: network error'));
      xhr.onabort = () => reject(new Error('Upload cancelled'));
      xhr.send(file);
    });
    onProgress(1);
    return path;
  })();
  return { done, abort: () => xhr.abort() };
}

/** Removes an upload the user took back before sending (their own folder: RLS allows it). */
export async function discardAttachment(path: string): Promise<void> {
  await browserSupabase().storage.from('attachments').remove([path]);
}
