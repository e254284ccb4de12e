/**
 * What a file really is, decided from its bytes (file-type's magic numbers), never from its
 * name or the type the browser claimed: images a vision model can read, PDFs, and text (valid
 * UTF-8 without NUL bytes). The name only picks the flavour of text (Markdown, CSV, JSON, code).
 */
export type AttachmentKind = 'image' | 'pdf' | 'text';

export interface SniffedType {
  kind: AttachmentKind;
  /** The type the bytes show (for text: refined by the file extension). */
  mime: string;
  /** Text that is not UTF-8: UTF-16 with its byte-order mark (absent for UTF-8). */
  encoding?: 'utf-16le' | 'utf-16be';
}

/** Image formats every vision-capable OpenAI-compatible API accepts. */
export const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

const TEXT_TYPES: Record<string, string> = {
  md: 'text/markdown', markdown: 'text/markdown', csv: 'text/csv', tsv: 'text/tab-separated-values',
  json: 'application/json', jsonl: 'application/x-ndjson', ndjson: 'application/x-ndjson',
  yaml: 'application/yaml', yml: 'application/yaml', xml: 'application/xml', toml: 'application/toml',
  html: 'text/html', htm: 'text/html', css: 'text/css', js: 'text/javascript', mjs: 'text/javascript',
  ts: 'text/x-typescript', tsx: 'text/x-typescript', jsx: 'text/javascript', py: 'text/x-python',
  rb: 'text/x-ruby', go: 'text/x-go', rs: 'text/x-rust', java: 'text/x-java', kt: 'text/x-kotlin',
  c: 'text/x-c', h: 'text/x-c', cpp: 'text/x-c++', cs: 'text/x-csharp', php: 'text/x-php',
  sh: 'text/x-shellscript', sql: 'text/x-sql', swift: 'text/x-swift', svelte: 'text/x-svelte',
};

/** The sniffed type, or null when the bytes are neither a supported image, a PDF nor text. */
export async function sniffType(bytes: Uint8Array, name: string): Promise<SniffedType | null> {
  // UTF-16 with a byte-order mark (Excel's "Unicode text", PowerShell's `>`, Notepad's
  // "Unicode"): text all the same, though every other byte is NUL.
  const utf16 = utf16Encoding(bytes);
  if (utf16) return { kind: 'text', mime: textMime(name), encoding: utf16 };
  // Loaded on first use, like the other heavy parsers: most requests carry no file.
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    if (IMAGE_TYPES.has(detected.mime)) return { kind: 'image', mime: detected.mime };
    if (detected.mime === 'application/pdf') return { kind: 'pdf', mime: detected.mime };
    // file-type recognises some text-based formats (e.g. XML); text still counts as text.
    if (!isText(bytes)) return null;
  }
  if (!isText(bytes)) return null;
  return { kind: 'text', mime: textMime(name) };
}

/** The flavour of text the name says (Markdown, CSV, JSON, code), else plain. */
function textMime(name: string): string {
  const extension = name.toLowerCase().split('/').pop()!.split('.').slice(1).pop() ?? '';
  return TEXT_TYPES[extension] ?? 'text/plain';
}

/** The UTF-16 flavour of bytes that start with its byte-order mark and decode cleanly, else null. */
function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  if (!encoding || bytes.length % 2 !== 0) return null;
  try {
    const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    return text.includes('\0') ? null : encoding;
  } catch {
    return null;
  }
}

/**
 * Bytes that read as text in some legacy encoding (Windows-1252, Latin-1, Shift-JIS…) but not
 * as UTF-8: no NUL and hardly any control bytes. Worth its own refusal — "save it as UTF-8"
 * is something the user can act on; guessing the encoding would hand the model garbled text.
 */
export function isLegacyText(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.includes(0) || isText(bytes)) return false;
  let controls = 0;
  for (const byte of bytes) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) controls++;
  return controls <= bytes.length / 100;
}

/** Valid UTF-8 (BOM allowed) with no NUL byte: what we can put into a prompt as text. */
export function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
