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
  if (isOfficeOrArchive(file)) return null;
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

/** Office documents and archives by name: zipped XML or binary, which the API cannot read. */
const OFFICE_OR_ARCHIVE = /\.(docx?|docm|dotx|xlsx?|xlsm|xlsb|pptx?|odt|ods|odp|rtf|pages|numbers|key|epub|zip|rar|7z|gz|tgz|tar|bz2|xz)$/i;
const OFFICE_OR_ARCHIVE_TYPES = /^application\/(vnd\.|msword|zip|x-zip|x-7z|x-rar|gzip|x-gzip|x-tar|x-bzip|rtf|epub)/;

/** Whether the file is a Word, Excel, PowerPoint or OpenDocument file or an archive (not text,
 * though browsers report most of them as `application/…`, which passes for text otherwise). */
export function isOfficeOrArchive(file: { name: string; type: string }): boolean {
  return OFFICE_OR_ARCHIVE.test(file.name) || OFFICE_OR_ARCHIVE_TYPES.test(file.type.toLowerCase());
}

/** Why a file that is neither an image, a PDF nor text cannot be attached, naming what can. */
export function unreadableReason(file: { name: string; type: string }): string {
  return isOfficeOrArchive(file)
    ? `${file.name}: Word, Excel, PowerPoint and archive files can't be read yet. Save it as PDF or text, or attach images (PNG, JPEG, GIF, WebP), PDF or text files`
    : `${file.name}: only images (PNG, JPEG, GIF, WebP), PDF and text files can be attached`;
}

/** An empty file has nothing for the model to read (a project refuses one the same way). */
export function emptyReason(file: { name: string; size: number }): string | null {
  return file.size === 0 ? `${file.name} is empty: there is nothing in it to read` : null;
}
