/**
 * Fits parsed conversations to what POST /api/import accepts, so that no chat is refused (and
 * its whole request with it) for a cosmetic field: a title longer than a chat's is shortened
 * at a word with an ellipsis, as chat titles are; a model name loses its control characters
 * and is shortened; a time before 2000 or after now (a tampered file, milliseconds read as
 * seconds) is left out, and the API dates that message just after the one before it;
 * NUL characters, which Postgres text cannot hold, are dropped; ids are cut to the API's 200
 * characters. What was changed is counted for the report, as what was left out is.
 */
import { shortTitle } from '../../../../supabase/functions/api/lib/plain-title.ts';
import type { Conversation, ImportMessage, Skipped } from './conversations';
import { skip } from './conversations';

/** Chat titles are shortened one way, here as in the API (at a word, with an ellipsis). */
export { shortTitle };

/** What a chat's title holds (chat_sessions.title), and a model name (messages.model). */
export const TITLE_CHARS = 200;
export const MODEL_CHARS = 200;
const ID_CHARS = 200;
/** The earliest time the API takes (2000), for chats as for prompt versions. */
export const EARLIEST = Date.parse('2000-01-01T00:00:00Z');

/** What may be changed, in the order the report lists it. */
export const ADJUSTMENTS = ['long_title', 'model_name', 'odd_time'] as const;
export type Adjustment = (typeof ADJUSTMENTS)[number];
export type Adjusted = Partial<Record<Adjustment, number>>;

const ADJUSTMENT_LABELS: Record<Adjustment, [one: string, many: string]> = {
  long_title: [`title shortened to ${TITLE_CHARS} characters`, `titles shortened to ${TITLE_CHARS} characters`],
  model_name: ['model name shortened or cleaned of control characters', 'model names shortened or cleaned of control characters'],
  odd_time: [
    'date in the future or before 2000 left out (the message is dated just after the one before it)',
    'dates in the future or before 2000 left out (each such message is dated just after the one before it)',
  ],
};

/** "2 titles shortened to 200 characters": a count of what was changed on the way in, in `labels`' words (one, many). */
export function countedText<K extends string>(labels: Record<K, [one: string, many: string]>, what: K, count: number): string {
  return `${count} ${labels[what][count === 1 ? 0 : 1]}`;
}

export const adjustedText = (what: Adjustment, count: number): string => countedText(ADJUSTMENT_LABELS, what, count);

export function fitForImport(conversations: Conversation[], skipped: Skipped, now = Date.now()): { conversations: Conversation[]; adjusted: Adjusted } {
  const adjusted: Adjusted = {};
  const count = (what: Adjustment) => (adjusted[what] = (adjusted[what] ?? 0) + 1);
  const time = (value: string | null | undefined) => {
    if (!value) return null;
    const at = Date.parse(value);
    if (at >= EARLIEST && at <= now) return value;
    count('odd_time');
    return null;
  };
  const fitted = conversations.map((c) => {
    const messages: ImportMessage[] = [];
    for (const m of c.messages) {
      const content = withoutNul(m.content);
      if (!content.trim()) {
        skip(skipped, 'empty');
        continue;
      }
      messages.push({ ...m, content, created_at: time(m.created_at), model: modelName(m.model, count), source_id: m.source_id ? withoutNul(m.source_id).slice(0, ID_CHARS) : m.source_id });
    }
    return { ...c, source_id: withoutNul(c.source_id).slice(0, ID_CHARS), title: title(c.title, count), created_at: time(c.created_at), messages };
  });
  return { conversations: fitted, adjusted };
}

function title(value: string | null | undefined, count: (what: Adjustment) => void): string | null {
  if (value == null) return null;
  const line = withoutNul(value).replace(/\s+/g, ' ').trim();
  if (line.length <= TITLE_CHARS) return line;
  count('long_title');
  return shortTitle(line, TITLE_CHARS);
}

function modelName(value: string | null | undefined, count: (what: Adjustment) => void): string | null {
  if (value == null) return null;
  const fitted = fittedModelName(value);
  // Trimming is not a change worth reporting: the API trims too.
  if (fitted !== value.trim()) count('model_name');
  return fitted || null;
}

/** A model name as the API takes it (lib/inputs.ts modelName): no control characters, trimmed, at most MODEL_CHARS characters. */
export function fittedModelName(value: string): string {
  const clean = value.replace(/\p{Cc}/gu, '').trim();
  const chars = [...clean];
  return chars.length <= MODEL_CHARS ? clean : `${chars.slice(0, MODEL_CHARS - 1).join('').trimEnd()}…`;
}

/** Text as Postgres can hold it: without NUL characters. */
export const withoutNul = (value: string) => (value.includes('\u0000') ? value.replaceAll('\u0000', '') : value);
