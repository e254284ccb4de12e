/**
 * A chat message's attachments, as the chat route uses them: `prepareAttachments` reads them
 * (as the caller, within their quota) before the context is built; `attachmentParts` makes
 * the outgoing user message carry its images; `recordAttachments` stores what the message
 * carried, so the chat shows its chips after a reload; `filesMeta` is what the answer's
 * `meta` says about files (project files come from lib/chat/turn-inputs.ts).
 */
import type { Sql, TransactionSql } from 'postgres';
import type { AuthUser } from '../context.ts';
import type { UsedFile } from './project-files.ts';
import { assertWithinQuota } from './quota.ts';
import { attachmentsPrompt, resolveAttachments, truncationNotes, type ResolvedAttachment } from './resolve.ts';
import type { StorageAccess } from './storage-client.ts';

/** Share of the window (after the answer's reserve) a message's files may take. */
export const ATTACHMENT_SHARE = 0.5;
/** Share of the window a project's files may take. */
export const PROJECT_FILES_SHARE = 0.3;

export interface PreparedAttachments {
  attachments: ResolvedAttachment[];
  /** Appended to the user's text in the prompt (never stored in the message). */
  text: string;
  notes: string[];
}

export const NO_ATTACHMENTS: PreparedAttachments = { attachments: [], text: '', notes: [] };

/** A file a message carries: its object, and the name the person gave it when known. */
export interface AttachmentRef {
  path: string;
  name?: string;
}

/** A request's attachment: a bare path (older clients; its last part names the file) or `{path, name}`. */
export function attachmentRef(item: string | AttachmentRef): AttachmentRef {
  return typeof item === 'string' ? { path: item } : item;
}

export function attachmentPath(item: string | AttachmentRef): string {
  return typeof item === 'string' ? item : item.path;
}

export interface AttachmentsRequest {
  user: AuthUser;
  userToken: string | null;
  files: AttachmentRef[];
  model: string;
  vision: boolean;
  room: number;
  maxCount: number;
  quotaBytes: number;
  /** Chat uploads nothing refers to and older than this are not counted (they are swept). */
  orphanGraceSeconds: number;
  /** The paths are a stored message's files (see ResolveOptions.stored). */
  stored?: boolean;
  /** Paths the edited question already carries (see ResolveOptions.alreadyStored). */
  alreadyStored?: ReadonlySet<string>;
}

export async function prepareAttachments(
  access: StorageAccess,
  withUser: <T>(fn: (sql: TransactionSql) => Promise<T>) => Promise<T>,
  req: AttachmentsRequest,
): Promise<PreparedAttachments> {
  if (req.files.length === 0) return NO_ATTACHMENTS;
  await withUser((sql) => assertWithinQuota(sql, req.quotaBytes, req.orphanGraceSeconds));
  const attachments = await resolveAttachments(access, {
    userId: req.user.id,
    userToken: req.userToken,
    paths: req.files.map((f) => f.path),
    names: new Map(req.files.flatMap((f) => (f.name ? [[f.path, f.name] as const] : []))),
    vision: req.vision,
    textBudget: Math.floor(Math.max(0, req.room) * ATTACHMENT_SHARE),
    maxCount: req.maxCount,
    model: req.model,
    stored: req.stored,
    alreadyStored: req.alreadyStored,
  });
  return { attachments, text: attachmentsPrompt(attachments), notes: truncationNotes(attachments) };
}

export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** Content parts for the outgoing user message: its text, then each image; null without images. */
export function attachmentParts(text: string, prepared: PreparedAttachments): ContentPart[] | null {
  const images = prepared.attachments.filter((a) => a.dataUrl);
  if (images.length === 0) return null;
  return [{ type: 'text', text }, ...images.map((a): ContentPart => ({ type: 'image_url', image_url: { url: a.dataUrl! } }))];
}

/**
 * Records what the user message carried, on the function's privileged connection: the API roles
 * may not write message_attachments (its extracted text goes back into later prompts, also other
 * people's in a group chat, so only text the function extracted itself may stand there). Bound to
 * the caller as the question's *author*: in a group chat a member's question belongs to the
 * owner (messages.user_id) and is written by the member (messages.author_id), and its files are
 * in the member's folder. The row is written only onto a question the caller wrote, and only for
 * files in their folder (the database checks the same: message_attachments_guard_author).
 */
export async function recordAttachments(sql: Sql, user: AuthUser, messageId: string, prepared: PreparedAttachments): Promise<void> {
  const rows = prepared.attachments.filter((a) => a.path.startsWith(`${user.id}/`));
  if (rows.length === 0) return;
  await sql.begin(async (tx) => {
    const [own] = await tx`
      select 1 from public.messages where id = ${messageId} and author_id = ${user.id} and sender = 'user' for share`;
    if (!own) throw new Error('attachments can only be recorded on the caller\'s own question');
    await tx`
      insert into public.message_attachments ${tx(rows.map((a) => ({
        message_id: messageId, user_id: user.id, storage_path: a.path, name: a.name, type: a.mime, size: a.size,
        token_count: a.tokens, total_tokens: a.totalTokens, total_estimated: a.totalEstimated ?? false, truncated: a.truncated, extracted_text: a.text ?? '',
      })))}
      on conflict (message_id, storage_path) do nothing`;
  });
}

/**
 * Which project files an answer was given with (answer_sources), so the chat shows its sources
 * after a reload and on other devices: the rows belong to the chat's owner, whose project and
 * files they are. Written on the privileged connection once the answer's row exists.
 */
export async function recordAnswerSources(sql: Sql, ownerId: string, messageId: string, used: UsedFile[]): Promise<void> {
  if (used.length === 0) return;
  await sql`
    insert into public.answer_sources ${sql(used.map((file, position) => ({
      message_id: messageId, position, user_id: ownerId, file_id: file.file_id, name: file.name, chunks: file.chunks,
    })))}
    on conflict (message_id, position) do nothing`;
}

/** The stored attachments of a message, with their names (regenerate answers the same files again). */
export async function attachmentsOf(sql: TransactionSql, messageId: string): Promise<AttachmentRef[]> {
  return await sql<AttachmentRef[]>`
    select storage_path as path, name from public.message_attachments where message_id = ${messageId} order by created_at, name`;
}

/** `attachments`, `files_used` and `notes` for the answer's `meta` event. */
export function filesMeta(prepared: PreparedAttachments, projectFiles: UsedFile[]) {
  const notes = [...prepared.notes];
  if (projectFiles.some((f) => f.chunks !== null)) notes.push("The project's files are larger than this model's context allows; the most relevant excerpts were used");
  return {
    attachments: prepared.attachments.map((a) => ({
      path: a.path, name: a.name, type: a.mime, size: a.size, tokens: a.tokens, total_tokens: a.totalTokens, total_estimated: a.totalEstimated ?? false, truncated: a.truncated,
    })),
    files_used: projectFiles,
    notes,
  };
}
