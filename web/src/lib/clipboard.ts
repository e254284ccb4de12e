// Copying text, also where the async Clipboard API is missing: browsers expose
// navigator.clipboard only in secure contexts (HTTPS or localhost), and a self-hosted
// instance is often opened over plain HTTP on a LAN address. There the older
// execCommand('copy') on a selected, off-screen textarea still works from a click.
// https://developer.mozilla.org/en-US/docs/Web/API/Clipboard_API

/** Puts `text` on the clipboard; false when the browser refused. */
export async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Refused (permissions, focus): try the older way below.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.left = '-9999px';
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
    focused?.focus();
  }
}
