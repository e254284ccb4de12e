/**
 * Text out of an attachment: UTF-8 text as it is (BOM dropped, line endings normalised), JSON
 * re-indented when it parses, PDF text page by page with unpdf (pdf.js, runs in Deno and
 * Node). A PDF that cannot be read — damaged, encrypted, or scanned images without text —
 * is a clear 422, never an empty context.
 */
import { ApiError } from '../errors.ts';
import type { SniffedType } from './sniff.ts';

export async function extractText(bytes: Uint8Array, type: SniffedType, name: string): Promise<string> {
  if (type.kind === 'pdf') return await pdfText(bytes, name);
  if (type.kind !== 'text') throw new Error('images carry no text');
  const text = new TextDecoder(type.encoding ?? 'utf-8').decode(bytes).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (type.mime === 'application/json') {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text; // Not valid JSON after all: still useful as text.
    }
  }
  return text;
}

async function pdfText(bytes: Uint8Array, name: string): Promise<string> {
  let pages: string[];
  try {
    // Loaded on first use: pdf.js is large and most requests never see a PDF.
    const { extractText: extractPdfText, getDocumentProxy } = await import('unpdf');
    // pdf.js takes ownership of (and detaches) the buffer it is given: hand it a copy.
    const document = await getDocumentProxy(new Uint8Array(bytes));
    ({ text: pages } = await extractPdfText(document, { mergePages: false }));
  } catch (error) {
    const reason = error instanceof Error && /password/i.test(error.message) ? 'it is password-protected' : 'it is damaged or not a PDF';
    throw new ApiError(422, 'unreadable_attachment', `Could not read "${name}": ${reason}`);
  }
  const text = pages.map((page, i) => `[page ${i + 1}]\n${page.trim()}`).join('\n\n');
  if (!pages.some((page) => page.trim())) {
    throw new ApiError(422, 'unreadable_attachment', `"${name}" has no extractable text (a scanned PDF needs OCR first)`);
  }
  return text;
}
