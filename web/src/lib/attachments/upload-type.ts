// The type an attachment is stored with in the `attachments` bucket (no imports, so it is
// unit-tested on its own). The bucket takes images, PDF and four text types
// (supabase/migrations/20261206081000_narrow_attachment_types.sql); every other text file —
// code, YAML, XML, HTML, SVG… — goes as text/plain: a type such as text/html, application/xml
// or image/svg+xml is one a browser runs as a page when the file is opened. The API never
// trusts this type: it sniffs the bytes and takes the flavour of text from the name.

const IMAGE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Text kept with its own type (the bucket allows them besides text/plain). */
const TEXT = new Set(['text/plain', 'text/markdown', 'text/csv', 'application/json']);
const BY_EXTENSION: Record<string, string> = { md: 'text/markdown', markdown: 'text/markdown', csv: 'text/csv', json: 'application/json' };

/** The type to store the file as, or null when it cannot be attached: images and PDF as the
 * browser reports them, Markdown, CSV and JSON by name or type, other text as text/plain
 * (browsers report nothing, or video/mp2t, for many code files). The server still sniffs the
 * bytes. */
export function uploadType(file: { name: string; type: string }): string | null {
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  const type = file.type.toLowerCase().split(';')[0]!.trim();
  if (IMAGE.has(type) || type === 'application/pdf') return type;
  if (BY_EXTENSION[extension]) return BY_EXTENSION[extension];
  if (TEXT.has(type)) return type;
  if (type === 'image/svg+xml') return 'text/plain';
  if (type.startsWith('image/') || type.startsWith('video/') || type.startsWith('audio/')) {
    return extension === 'ts' ? 'text/plain' : null;
  }
  return type === '' || type.startsWith('text/') || type.startsWith('application/') ? 'text/plain' : null;
}

export function isImage(file: { type: string }): boolean {
  return IMAGE.has(file.type);
}

/** Whether an uploaded object is an image, by its name (a file put back into the tray has only its path). */
export function isImagePath(path: string): boolean {
  return /\.(png|jpe?g|gif|webp)$/i.test(path);
}
