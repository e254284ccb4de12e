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
  const extension = name.toLowerCase().split('/').pop()!.split('.').slice(1).pop() ?? '';
  return { kind: 'text', mime: TEXT_TYPES[extension] ?? 'text/plain' };
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
