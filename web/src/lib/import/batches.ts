/**
 * Cuts parsed conversations into POST /api/import bodies that stay under a byte budget (the
 * API's and the web server's body limits), whole conversations together where they fit, a
 * long one split into ordered parts (`offset`, `total`), and a message longer than a request
 * may be (a chat holds 200 000 characters: 600 KB of CJK, 800 KB of emoji) sent in pieces
 * (`content_offset`, `content_total`), one per request. Only a message longer than a chat
 * can hold is counted as skipped.
 */
import { skip, type Conversation, type ImportConversation, type ImportMessage, type ImportPiece, type Skipped } from './conversations';

/** Under the API's default MAX_BODY_BYTES (256 KiB), with room for the envelope. */
export const BATCH_BYTES = 200_000;

/** What one message of a chat may hold (messages.content), in characters (code points). */
export const MESSAGE_CHARS = 200_000;

export interface Batch {
  conversations: ImportConversation[];
  /** How many whole conversations this batch finishes (for the progress bar). */
  finishes: number;
}

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** Whether a message (or piece) ends its message, rather than leaving more to come. */
const endsMessage = (m: ImportPiece) => m.content_total == null || m.content_offset + codePoints(m.content) >= m.content_total;

/** Whether a part is its conversation's last: its last message whole, none after it. */
export function endsConversation(part: ImportConversation): boolean {
  const last = part.messages.at(-1);
  return (!last || endsMessage(last)) && part.offset + part.messages.length >= part.total;
}

export function toBatches(conversations: Conversation[], skipped: Skipped, budget = BATCH_BYTES): Batch[] {
  const batches: Batch[] = [];
  let current: Batch = { conversations: [], finishes: 0 };
  let size = 0;
  const flush = () => {
    if (current.conversations.length) batches.push(current);
    current = { conversations: [], finishes: 0 };
    size = 0;
  };
  for (const conversation of conversations) {
    const messages = conversation.messages.filter((m) => {
      const fits = codePoints(m.content) <= MESSAGE_CHARS;
      if (!fits) skip(skipped, 'too_large');
      return fits;
    });
    if (!messages.length) {
      skip(skipped, 'no_messages');
      continue;
    }
    const total = messages.length;
    // Room for a piece's text: the budget less the part's envelope at its largest.
    const envelope = bytes({ conversations: [{ ...conversation, offset: total, total, messages: [] }] });
    const units = messages.flatMap((message, index) => toPieces(message, budget - envelope - 16).map((piece) => ({ index, piece })));
    let u = 0;
    while (u < units.length) {
      const head: ImportConversation = { ...conversation, offset: units[u].index, total, messages: [] as ImportPiece[] };
      let partSize = bytes(head);
      if (size + partSize + bytes(units[u].piece) > budget) flush();
      while (u < units.length && size + partSize + bytes(units[u].piece) + 1 <= budget) {
        const { piece } = units[u++];
        partSize += bytes(piece) + 1;
        head.messages.push(piece);
        // The rest of an unfinished message goes first in the next part (the API's rule).
        if (!endsMessage(piece)) break;
      }
      // Unreachable with the pieces sized to fit, but never send (or loop on) an empty part.
      if (!head.messages.length) head.messages.push(units[u++].piece);
      current.conversations.push(head);
      size += partSize;
      if (u === units.length) current.finishes++;
      else flush();
    }
  }
  flush();
  return batches;
}

/**
 * The message whole when it fits in `room` bytes with its fields, else its text cut into
 * pieces that do (at code point boundaries, counting the bytes JSON gives each character).
 */
function toPieces(message: ImportMessage, room: number): ImportPiece[] {
  const whole: ImportPiece = { ...message, content_offset: 0 };
  if (bytes(whole) <= room) return [whole];
  const length = codePoints(message.content);
  const fields = bytes({ ...message, content: '', content_offset: length, content_total: length });
  const textRoom = Math.max(6, room - fields);
  const pieces: ImportPiece[] = [];
  let text = '';
  let textBytes = 0;
  let offset = 0;
  let count = 0;
  const cut = () => {
    pieces.push({ ...message, content: text, content_offset: offset, content_total: length });
    offset += count;
    text = '';
    textBytes = 0;
    count = 0;
  };
  for (const char of message.content) {
    const size = jsonBytes(char);
    if (textBytes + size > textRoom) cut();
    text += char;
    textBytes += size;
    count++;
  }
  if (count) cut();
  return pieces;
}

/** Bytes JSON.stringify gives one code point in UTF-8 (escapes included). */
function jsonBytes(char: string): number {
  const cp = char.codePointAt(0) ?? 0;
  if (cp < 0x20) return '\b\f\n\r\t'.includes(char) ? 2 : 6;
  if (char === '"' || char === '\\') return 2;
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp >= 0xd800 && cp <= 0xdfff) return 6; // a lone surrogate, escaped as \udxxx
  return cp < 0x10000 ? 3 : 4;
}

/** Characters as the API and Postgres's char_length count them (code points). */
function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}
