/**
 * Text out of an attachment: UTF-8 text as it is (BOM dropped, line endings normalised), JSON
 * re-indented when it parses, PDF text page by page with unpdf (pdf.js, runs in Deno and
 * Node). A PDF that cannot be read — damaged, encrypted, or scanned images without text —
 * is a clear 422, never an empty context.
 *
 * A prompt takes only the start of a long file (lib/attachments/budget.ts): `extractTextStart`
 * decodes only as many bytes, or reads only as many pages, as give `maxChars` characters, and
 * says what share of the file that is, for the estimate of its whole length.
 */
import { ApiError } from '../errors.ts';
import { yieldToEventLoop } from './budget.ts';
import type { SniffedType } from './sniff.ts';

export interface ExtractedText {
  text: string;
  /** The share of the file the text stands for: 1 when whole, less when only its start was read. */
  fraction: number;
}

/** All of a file's text. */
export async function extractText(bytes: Uint8Array, type: SniffedType, name: string): Promise<string> {
  return (await extractTextStart(bytes, type, name, Infinity)).text;
}

/**
 * The file's text, or its start when the whole would be much longer than `maxChars` characters.
 * `size` is the file's: text's `bytes` may be only its start already (textByteLimit).
 */
export async function extractTextStart(bytes: Uint8Array, type: SniffedType, name: string, maxChars: number, size = bytes.length): Promise<ExtractedText> {
  if (type.kind === 'pdf') return await pdfText(bytes, name, maxChars);
  if (type.kind !== 'text') throw new Error('images carry no text');
  const whole = size <= textByteLimit(type, maxChars) && bytes.length === size;
  const read = whole ? bytes : bytes.subarray(0, textByteLimit(type, maxChars));
  // `stream`: a character cut at the end of the bytes read is left out, not a U+FFFD.
  const text = new TextDecoder(type.encoding ?? 'utf-8').decode(read, { stream: !whole }).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!whole) return { text, fraction: read.length / size };
  if (type.mime === 'application/json') {
    try {
      return { text: JSON.stringify(JSON.parse(text), null, 2), fraction: 1 };
    } catch {
      // Not valid JSON after all: still useful as text.
    }
  }
  return { text, fraction: 1 };
}

/** Bytes of text that hold at least `maxChars` UTF-16 units: 3 a unit in UTF-8, 4 in UTF-16 (CRLF). */
export function textByteLimit(type: SniffedType, maxChars: number): number {
  return (type.encoding ? 4 : 3) * maxChars + 8;
}

async function pdfText(bytes: Uint8Array, name: string, maxChars: number): Promise<ExtractedText> {
  const pages: string[] = [];
  let numPages: number;
  try {
    // Loaded on first use: pdf.js is large and most requests never see a PDF.
    const { getDocumentProxy } = await import('unpdf');
    // pdf.js takes ownership of (and detaches) the buffer it is given: hand it a copy.
    const document = await getDocumentProxy(new Uint8Array(bytes));
    numPages = document.numPages;
    // Page by page, as unpdf's extractText reads each, until there is text enough; other
    // requests run between pages.
    let chars = 0;
    for (let number = 1; number <= numPages && chars < maxChars; number++) {
      const content = await (await document.getPage(number)).getTextContent();
      const text = content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
      pages.push(text);
      chars += text.length;
      await yieldToEventLoop();
    }
  } catch (error) {
    const reason = error instanceof Error && /password/i.test(error.message) ? 'it is password-protected' : 'it is damaged or not a PDF';
    throw new ApiError(422, 'unreadable_attachment', `Could not read "${name}": ${reason}`);
  }
  const text = pages.map((page, i) => `[page ${i + 1}]\n${page.trim()}`).join('\n\n');
  if (!pages.some((page) => page.trim())) {
    throw new ApiError(422, 'unreadable_attachment', `"${name}" has no extractable text (a scanned PDF needs OCR first)`);
  }
  return { text, fraction: pages.length / numPages };
}
