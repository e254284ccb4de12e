/**
 * What an import carries to POST /api/import: conversations reduced to user and assistant
 * text, and a tally of what was left out and why. The file parsers (chatgpt.ts, chatbot-ui.ts, mrprompt.ts)
 * produce it; batches.ts cuts it into requests.
 */
import type { components } from '../api/schema';

/** A file no import here reads, with the sentence saying why and what to choose instead. */
export class UnknownFormat extends Error {}

export type ImportConversation = components['schemas']['ImportConversation'];
/** A message as a request carries it: whole, or a piece of a long one (batches.ts cuts those). */
export type ImportPiece = components['schemas']['ImportMessage'];
/** A whole message, as the parsers read it from the file. */
export type ImportMessage = Omit<ImportPiece, 'content_offset' | 'content_total'>;
export type Conversation = Omit<ImportConversation, 'offset' | 'total' | 'messages'> & { messages: ImportMessage[] };

/** Why something in the file did not become a message. */
export type SkipReason =
  | 'system' | 'tool' | 'hidden' | 'non_text' | 'other_branch' | 'empty' | 'too_large' | 'no_messages' | 'unreadable'
  | 'chat_system_prompt' | 'temperature' | 'folder';

/** Each reason's label for one and for several, so the report reads "1 hidden message". */
const SKIP_LABELS: Record<SkipReason, [one: string, many: string]> = {
  system: ['system or custom-instruction message', 'system or custom-instruction messages'],
  tool: ['tool call or tool result (browsing, code, plugins)', 'tool calls and tool results (browsing, code, plugins)'],
  hidden: ['hidden message', 'hidden messages'],
  non_text: ['image, file or other non-text part', 'images, files and other non-text parts'],
  other_branch: ['message on another branch (an earlier edit or regeneration)', 'messages on other branches (earlier edits and regenerations)'],
  empty: ['empty message', 'empty messages'],
  too_large: ['message too large to import', 'messages too large to import'],
  no_messages: ['conversation without any text messages', 'conversations without any text messages'],
  unreadable: ['conversation the file did not describe readably', 'conversations the file did not describe readably'],
  // chatbot-ui's per-chat system prompt: a chat here takes its system prompt from a prompt or its project.
  chat_system_prompt: ["chat's own system prompt (a chat here has none of its own: save it as a prompt, and choose it for the chat or its project)", "chats' own system prompts (a chat here has none of its own: save them as prompts, and choose them for the chats or their projects)"],
  temperature: ["chat's temperature outside 0–2 (it answers at the model's default)", "chats' temperatures outside 0–2 (they answer at the model's default)"],
  folder: ['folder the file did not describe readably (its chats come in without a project)', 'folders the file did not describe readably (their chats come in without a project)'],
};

/** "3 hidden messages": a count of what was left out and why. */
export function skippedText(reason: SkipReason, count: number): string {
  return `${count} ${SKIP_LABELS[reason][count === 1 ? 0 : 1]}`;
}

export type Skipped = Partial<Record<SkipReason, number>>;

export interface Parsed {
  format: 'chatgpt' | 'mrprompt' | 'chatbot-ui';
  conversations: Conversation[];
  skipped: Skipped;
  /** Prompts the file also holds: the prompt import reads them, not this one. */
  prompts?: number;
}

export function skip(skipped: Skipped, reason: SkipReason, count = 1): void {
  if (count > 0) skipped[reason] = (skipped[reason] ?? 0) + count;
}

/**
 * Past this, a number is milliseconds since the epoch, not seconds: 10^11 seconds is the year
 * 5138, 10^11 milliseconds March 1973. ChatGPT writes `create_time` in seconds (with a
 * fraction); a file rewritten by another tool may carry milliseconds, which read as seconds
 * would date a chat some 50,000 years ahead.
 */
const MILLISECONDS_FROM = 1e11;

/** Seconds (or milliseconds) since the epoch, or an ISO string, as an ISO string; null when absent or odd. */
export function isoTime(value: unknown): string | null {
  const date =
    typeof value === 'number' ? new Date(Math.abs(value) >= MILLISECONDS_FROM ? value : value * 1000) : typeof value === 'string' ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}
