/**
 * Media types of stored objects: normalised when an object is written, and decided again when
 * its bytes are served — from an allow-list, so a stored type a browser would execute (HTML,
 * XHTML, SVG, any XML, XSLT, JavaScript, CSS, multipart…), in any spelling, never reaches it.
 *
 * Stricter than hosted on purpose. Hosted's renderer (github.com/supabase/storage,
 * src/storage/renderer/renderer.ts, `normalizeContentType`) changes only a type that contains
 * the lower-case string `text/html` to `text/plain` ("For security, HTML files are returned as
 * plain text": https://supabase.com/docs/guides/storage/quickstart), serves every other stored
 * type as uploaded (`TEXT/HTML`, `application/xml`, `image/svg+xml`…), and sets neither
 * X-Content-Type-Options nor a Content-Security-Policy: hosted serves Storage from the project's
 * own `<ref>.supabase.co` origin, never the app's. Here, behind the README's reverse proxy,
 * `/storage/v1` and the web app share one origin, so an object that runs script runs it as the
 * app. Hosted also stores the uploader's spelling of the type unvalidated (src/storage/uploader.ts
 * checks it only against a bucket's allowed list); here it is lower-cased and must parse.
 */

/** RFC 9110 `token`, lower case (values are lower-cased before they are matched). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** A parsed `type/subtype;name=value…`, all lower case. */
export interface MediaType {
  essence: string;
  params: [string, string][];
}

/**
 * Parses a Content-Type value (RFC 9110 §8.3.1), case-insensitively: null for anything that is
 * not exactly one `type/subtype` with `;name=value` parameters (a token or a quoted string) —
 * so no list (`text/plain, text/html`, which browsers read as its last type), no control or
 * non-ASCII character.
 */
export function parseMediaType(value: string): MediaType | null {
  // eslint-disable-next-line no-control-regex
  if (/[^\x20-\x7e\t]/.test(value)) return null;
  const text = value.toLowerCase();
  const semicolon = text.indexOf(';');
  const essence = (semicolon === -1 ? text : text.slice(0, semicolon)).trim();
  const [type, subtype, extra] = essence.split('/');
  if (extra !== undefined || !type || !subtype || !TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  const params: [string, string][] = [];
  let rest = semicolon === -1 ? '' : text.slice(semicolon);
  while (rest.length > 0) {
    const match = /^;[ \t]*([^=;\s]+)=("(?:[^"\\]|\\.)*"|[^;\s"]+)[ \t]*/.exec(rest);
    if (!match || !TOKEN.test(match[1]!)) return null;
    const raw = match[2]!;
    if (!raw.startsWith('"') && !TOKEN.test(raw)) return null;
    params.push([match[1]!, raw]);
    rest = rest.slice(match[0].length);
  }
  return { essence: `${type}/${subtype}`, params };
}

/** `type/subtype;name=value` (the WHATWG serialisation: no spaces). */
function serialise(type: MediaType): string {
  return [type.essence, ...type.params.map(([name, value]) => `${name}=${value}`)].join(';');
}

/** The type to store for an upload's Content-Type: lower-cased and validated, or null. */
export function normaliseMediaType(value: string): string | null {
  const parsed = parseMediaType(value);
  return parsed ? serialise(parsed) : null;
}

/**
 * Types served as stored: ones no browser executes or renders as a document of the origin —
 * raster images (not SVG), PDF (its viewer's script never runs as the origin), plain text and
 * formats shown as text, audio and video, and archives browsers only download.
 */
const INERT = new Set([
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/apng', 'image/bmp',
  'image/x-icon', 'image/vnd.microsoft.icon', 'image/tiff', 'image/heic', 'image/heif',
  'application/pdf',
  'text/plain', 'text/markdown', 'text/csv', 'text/tab-separated-values', 'application/json',
  'audio/mpeg', 'audio/mp4', 'audio/ogg', 'audio/wav', 'audio/webm', 'audio/aac', 'audio/flac',
  'video/mp4', 'video/webm', 'video/ogg', 'video/quicktime',
  'application/octet-stream', 'application/zip', 'application/gzip',
]);

/** What every other stored type is served as: its text, shown and never run. */
export const SAFE_TEXT = 'text/plain;charset=utf-8';

/**
 * The Content-Type an object is served with: the stored type when it is inert (only its
 * charset kept), otherwise text/plain;charset=utf-8 — as hosted does for text/html, here for
 * everything not on the list, however it is spelled.
 */
export function servedContentType(stored: unknown): string {
  const parsed = typeof stored === 'string' ? parseMediaType(stored) : null;
  if (!parsed || !INERT.has(parsed.essence)) return SAFE_TEXT;
  const charset = parsed.params.find(([name, value]) => name === 'charset' && TOKEN.test(value));
  return charset ? `${parsed.essence};charset=${charset[1]}` : parsed.essence;
}

/**
 * Headers on every object response (download, public, signed, HEAD, 206, 304). nosniff: a
 * browser takes the Content-Type above as final — no sniffing text into HTML, no object
 * loaded as a script or stylesheet. The CSP: were a document ever rendered from an object, it
 * would load nothing and run in a unique opaque origin with scripts, forms and plugins off.
 * Hosted sends neither (see above); a reverse proxy in front should pass them through. Known
 * cost: Safari may show some PDFs blank under `sandbox` (github.com/adobe/aem-core-wcm-components
 * issue 2839); `?download` still saves them.
 */
export const OBJECT_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
};
