/**
 * Writes imported conversations (POST /import) in one privileged transaction: the API roles
 * may not insert messages, and imported rows keep their own times, which the row-time trigger
 * would replace for a user's write. Every statement is filtered by the verified user's id and
 * only ever creates sessions for that user, so nothing lands in anyone else's account.
 *
 * Imported rows are plain history: messages `complete`, no provider, no token counts, no
 * usage log and no cost; the session says where it came from (`metadata.imported`), keeps the
 * temperature the chat had at its source as its setting, and is filed in the project of the
 * source's folder (lib/import/import-folders.ts), or in none when the account has no room for
 * that project (the folder is reported, and the chat still comes in). The
 * ledger private.chat_imports remembers each source conversation: a conversation already
 * imported whole is a `duplicate`; one sent in parts resumes at the first message it lacks,
 * and a message sent in pieces (longer than a request may be) grows piece by piece: the
 * ledger's `partial_chars` says how much of it is stored, so a repeated piece adds nothing.
 * The row quotas of chats and messages hold here as for any writer (checkRoom): a request that
 * would pass one writes nothing. Its rows are counted against them once, as it commits (private.defer_row_counts,
 * 20261207140000): the owner's quota counter is locked only then, not for the whole import,
 * so the person's chat turns go on meanwhile.
 */
import type { Sql, TransactionSql } from 'postgres';
import { ApiError } from '../errors.ts';
import { codePoints } from '../inputs.ts';
import { plainTitle, shortTitle } from '../plain-title.ts';
import { FolderProjects, type FolderNotMade, type ImportFolder } from './import-folders.ts';

export interface ImportMessage {
  sender: 'user' | 'assistant';
  /** The text, or a piece of it. */
  content: string;
  /** Characters (code points) of the message before this piece; 0 for a whole message. */
  content_offset: number;
  /** The whole message's characters when this is a piece of it; absent: it ends here. */
  content_total?: number | null;
  created_at?: string | null;
  model?: string | null;
  source_id?: string | null;
}

export interface ImportConversation {
  source: 'chatgpt' | 'mrprompt' | 'chatbot-ui';
  source_id: string;
  title?: string | null;
  created_at?: string | null;
  /** Index of this part's first message in the whole conversation. */
  offset: number;
  /** Messages in the whole conversation (all parts). */
  total: number;
  messages: ImportMessage[];
  /** The chat's own temperature at its source, kept as the chat's setting (metadata.temperature) when the chat is made. */
  temperature?: number | null;
  /** The source's folder it was in: the chat is made in that folder's project, if there is room for it (lib/import/import-folders.ts). */
  folder?: ImportFolder | null;
}

export interface ImportResult {
  source_id: string;
  /** imported: complete now; partial: more parts to come; duplicate: it was all here already. */
  status: 'imported' | 'partial' | 'duplicate';
  session_id: string;
  /** Messages this request added (one sent in pieces counts with its first). */
  messages: number;
}

/** What a chat's title holds (chat_sessions.title). */
const TITLE_CHARS = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ImportOutcome {
  results: ImportResult[];
  /** Folders whose chats came in without a project, since the account had no room for one more. */
  folders_not_made: FolderNotMade[];
}

export async function writeImport(sql: Sql, userId: string, conversations: ImportConversation[]): Promise<ImportOutcome> {
  return await sql.begin(async (tx) => {
    await tx`select private.defer_row_counts(${userId})`;
    const results: ImportResult[] = [];
    const folders = new FolderProjects(tx, userId);
    for (const conversation of conversations) results.push(await importOne(tx, userId, conversation, folders));
    return { results, folders_not_made: [...folders.notMade] };
  });
}

async function importOne(tx: TransactionSql, userId: string, c: ImportConversation, folders: FolderProjects): Promise<ImportResult> {
  const [ledger] = await tx<{ session_id: string; imported_messages: number; total_messages: number; partial_chars: number }[]>`
    select session_id, imported_messages, total_messages, partial_chars from private.chat_imports
     where user_id = ${userId} and source = ${c.source} and source_id = ${c.source_id}
       for update`;
  if (ledger && ledger.imported_messages >= ledger.total_messages) {
    return { source_id: c.source_id, status: 'duplicate', session_id: ledger.session_id, messages: 0 };
  }
  // An export of this account imported back into it: the chat is still here.
  if (!ledger && c.source === 'mrprompt' && UUID.test(c.source_id)) {
    const [own] = await tx`select id from public.chat_sessions where id = ${c.source_id} and user_id = ${userId}`;
    if (own) return { source_id: c.source_id, status: 'duplicate', session_id: c.source_id, messages: 0 };
  }

  // Parts arrive in order; one that starts past what is stored would leave a hole.
  if (c.offset > (ledger?.imported_messages ?? 0)) {
    throw new ApiError(409, 'import_out_of_order', `Conversation ${c.source_id}: send its parts in order (this one starts at message ${c.offset}, ${ledger?.imported_messages ?? 0} are stored)`);
  }
  // A message without a time (or whose future time a client left out) follows the one before
  // it by a millisecond: an undated first message takes the earliest time the part has, and an
  // undated conversation starts early enough for its last message to land by now (the
  // database refuses times in the future, 20261207110000_refuse_future_chat_times.sql).
  const start = parseTime(c.created_at) ?? earliest(c.messages) ?? new Date(Date.now() - c.total);
  let sessionId = ledger?.session_id;
  let stored = ledger?.imported_messages ?? 0;
  // Characters of message `stored` already in the session (its newest row), when it came in pieces.
  let partial = ledger?.partial_chars ?? 0;
  await checkRoom(tx, userId, c, ledger === undefined, stored, partial > 0);
  let previous = start.getTime() - 1;
  // Each message follows the one before it (messages.parent_id): set here, since in a
  // multi-row insert the database's default (the session's newest message) would give every
  // row the same parent.
  let parent: string | null = null;
  if (!sessionId) {
    const firstUser = c.messages.find((m) => m.sender === 'user')?.content ?? '';
    const title = shortTitle(c.title?.replace(/\s+/g, ' ').trim() || plainTitle(firstUser) || 'Imported chat', TITLE_CHARS);
    // Set only when the chat is made: a chat imported before keeps the settings and project it has now.
    const projectId = c.folder ? await folders.projectFor(c.source, c.folder) : null;
    // The answer settings the chat page restores and sends with the next turn (as a turn's own would be).
    const metadata = { imported: { source: c.source, id: c.source_id }, ...(c.temperature != null ? { temperature: c.temperature } : {}) };
    const [session] = await tx<{ id: string }[]>`
      insert into public.chat_sessions (user_id, title, project_id, metadata, created_at, last_message_at)
      values (${userId}, ${title}, ${projectId}, ${tx.json(metadata)},
              ${start.toISOString()}::text::timestamptz, ${start.toISOString()}::text::timestamptz)
      returning id`;
    sessionId = session.id;
    await tx`
      insert into private.chat_imports (user_id, source, source_id, session_id, total_messages)
      values (${userId}, ${c.source}, ${c.source_id}, ${sessionId}, ${c.total})`;
  } else {
    const [last] = await tx<{ id: string; created_at: Date }[]>`
      select id, created_at from public.messages where session_id = ${sessionId} and user_id = ${userId}
       order by created_at desc, id desc limit 1`;
    if (last) {
      previous = last.created_at.getTime();
      parent = last.id;
    }
  }

  // Only the messages this session lacks; parts that repeat stored ones skip them.
  const fresh = c.messages.slice(Math.max(0, stored - c.offset));
  // A message stored in part: this part's first fresh message carries more of it.
  if (fresh.length && partial > 0) {
    const piece = fresh.shift()!;
    if (piece.content_offset > partial) throw outOfOrderPiece(c.source_id, stored, piece.content_offset, partial);
    const tail = sliceCodePoints(piece.content, partial - piece.content_offset);
    // Counted where it began: `messages` says how many messages a request started.
    if (tail && parent) await tx`update public.messages set content = content || ${tail} where id = ${parent} and user_id = ${userId}`;
    partial += codePoints(tail);
    if (endsMessage(piece)) {
      stored++;
      partial = 0;
    }
  }
  if (fresh[0] && fresh[0].content_offset > 0) throw outOfOrderPiece(c.source_id, stored, fresh[0].content_offset, 0);

  const rows = fresh.map((m) => {
    // Strictly increasing times keep the conversation's order (sources may omit or repeat them).
    const at = Math.max(parseTime(m.created_at)?.getTime() ?? previous + 1, previous + 1);
    previous = at;
    const id = crypto.randomUUID();
    const parent_id = parent;
    parent = id;
    return {
      id,
      parent_id,
      session_id: sessionId,
      user_id: userId,
      sender: m.sender,
      content: m.content,
      status: 'complete',
      model: m.model ?? null,
      provider_message_id: m.source_id ?? null,
      created_at: new Date(at).toISOString(),
      updated_at: new Date(at).toISOString(),
    };
  });
  // Bounded statements: a part may carry thousands of short messages.
  for (let i = 0; i < rows.length; i += 500) {
    await tx`insert into public.messages ${tx(rows.slice(i, i + 500), 'id', 'parent_id', 'session_id', 'user_id', 'sender', 'content', 'status', 'model', 'provider_message_id', 'created_at', 'updated_at')}`;
  }
  const last = fresh.at(-1);
  if (last) {
    // The part's messages are all stored now, its last one perhaps only in part.
    const whole = endsMessage(last);
    stored = c.offset + c.messages.length - (whole ? 0 : 1);
    partial = whole ? 0 : codePoints(last.content);
  }
  stored = Math.min(c.total, stored);
  await tx`
    update private.chat_imports
       set imported_messages = ${stored}, total_messages = ${Math.max(c.total, stored)}, partial_chars = ${partial}
     where user_id = ${userId} and source = ${c.source} and source_id = ${c.source_id}`;
  return { source_id: c.source_id, status: stored >= c.total ? 'imported' : 'partial', session_id: sessionId, messages: rows.length };
}

/**
 * Refuses (the quotas' own 54000, answered 409 limit_reached) a conversation that would not
 * fit whole — a new chat past the account's chats, more messages than a chat or the account
 * may hold — before any of it is written, so a long one sent in parts is not left half
 * imported by a later part. The room counts what the request wrote before this conversation.
 * The tables' triggers still count every row (a part that says less than it carries) as the
 * request commits, and a refusal then rolls back the whole request.
 */
async function checkRoom(tx: TransactionSql, userId: string, c: ImportConversation, isNew: boolean, stored: number, storedInPart: boolean): Promise<void> {
  const total = Math.max(c.total, stored);
  // A message stored in part has its row already.
  const rowsToCome = total - stored - (storedInPart ? 1 : 0);
  await tx`
    select private.check_row_room(${userId}, 'chat_sessions', ${isNew ? 1 : 0}),
           private.check_row_room(${userId}, 'messages_per_chat', ${total}),
           private.check_row_room(${userId}, 'messages', ${rowsToCome})`;
}

/** Whether this message (or piece) ends the message, rather than leaving more to come. */
export function endsMessage(m: ImportMessage): boolean {
  return m.content_total == null || m.content_offset + codePoints(m.content) >= m.content_total;
}

/** `value` without its first `count` code points. */
function sliceCodePoints(value: string, count: number): string {
  if (count <= 0) return value;
  let index = 0;
  for (const char of value) {
    if (count-- === 0) break;
    index += char.length;
  }
  return count >= 0 ? '' : value.slice(index);
}

function outOfOrderPiece(sourceId: string, message: number, offset: number, stored: number): ApiError {
  return new ApiError(409, 'import_out_of_order', `Conversation ${sourceId}: send a message's pieces in order (message ${message}'s piece starts at character ${offset}, ${stored} are stored)`);
}

/** The earliest time the messages give, if any does. */
function earliest(messages: ImportMessage[]): Date | null {
  const times = messages.map((m) => parseTime(m.created_at)?.getTime()).filter((t): t is number => t !== undefined);
  return times.length ? new Date(Math.min(...times)) : null;
}

function parseTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
