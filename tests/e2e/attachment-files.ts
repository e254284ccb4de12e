// Files in browser journeys: dropped onto a form as a real drag and drop does, and the user's
// chat folder as the official Storage client lists it.
import type { Page } from 'playwright-core';
import { signedInClient, type E2E } from './helpers.ts';

/** Drops files (name, MIME type, base64 bytes) onto the composer (or another form), as a real drag and drop does. */
export async function drop(page: Page, files: [string, string, string][], form = 'textarea#composer') {
  await page.evaluate(([list, selector]) => {
    const transfer = new DataTransfer();
    for (const [name, type, b64] of list) transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }));
    const target = document.querySelector(selector)!.closest('form')!;
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, [files, form] as const);
}

/** The names of the files in the user's chat folder, listed through the official Storage client as the user. */
export async function chatFolder(e2e: E2E, email: string) {
  const { client, user } = await signedInClient(e2e, email);
  const bucket = client.storage.from('attachments');
  return async () => {
    const root = `${user.id}/chat`;
    const { data: folders } = await bucket.list(root);
    const names: string[] = [];
    for (const folder of folders ?? []) {
      const { data: files } = await bucket.list(`${root}/${folder.name}`);
      names.push(...(files ?? []).map((f) => f.name));
    }
    return names.sort();
  };
}

export const b64 = (text: string) => Buffer.from(text).toString('base64');
