/**
 * Attachments and project files for one chat turn, as the chat route uses them:
 * `prepareChatFiles` reads the message's attachments (as the caller) and the project's files
 * before the context is built, and says how many tokens they take; `withAttachmentParts`
 * turns the outgoing user message into content parts with its images; `recordAttachments`
 * stores what the message carried, so the chat shows its chips after a reload.
 */
import type { TransactionSql } from 'postgres';
import type { AuthUser } from '../context.ts';
import { assertWithinQuota } from './quota.ts';
import { projectFilesContext, type ProjectFilesContext, type UsedFile } from './project-files.ts';
import { attachmentsPrompt, resolveAttachments, truncationNotes, type ResolvedAttachment } from './resolve.ts';
import type { StorageAccess } from './storage-client.ts';

/** Share of the window (after the answer's reserve) the message's files may take. */
const ATTACHMENT_SHARE = 0.5;
/** Share of the window project files may take. */
const PROJECT_FILES_SHARE = 0.3;

export interface ChatFiles {
  attachments: ResolvedAttachment[];
  /** Appended to the user's text in the prompt. */
  attachmentText: string;
  /** A system message with the project's files (or their best chunks); '' when none. */
  projectText: string;
  projectFilesUsed: UsedFile[];
  /** What was cut to fit, for the answer's `meta`. */
  notes: string[];
  /** Tokens the files add (images estimated). */
  tokens: number;
}

export interface ChatFilesRequest {
  user: AuthUser;
  userToken: string;
  paths: string[];
  projectId: string | null;
  question: string;
  model: string;
  vision: boolean;
  contextWindow: number;
  reservedForAnswer: number;
  maxCount: number;
  quotaBytes: number;
}

export async function prepareChatFiles(
  access: StorageAccess,
  withUser: <T>(fn: (sql: TransactionSql) => Promise<T>) => Promise<T>,
  req: ChatFilesRequest,
): Promise<ChatFiles> {
  const room = Math.max(0, req.contextWindow - req.reservedForAnswer);
  let project: ProjectFilesContext = { text: '', tokens: 0, used: [] };
  await withUser(async (sql) => {
    if (req.paths.length > 0) await assertWithinQuota(sql, req.quotaBytes);
    if (req.projectId) project = await projectFilesContext(sql, req.projectId, req.question, Math.floor(room * PROJECT_FILES_SHARE));
  });
  const attachments = req.paths.length === 0 ? [] : await resolveAttachments(access, {
    userId: req.user.id,
    userToken: req.userToken,
    paths: req.paths,
    vision: req.vision,
    textBudget: Math.floor(room * ATTACHMENT_SHARE),
    maxCount: req.maxCount,
    model: req.model,
  });
  const notes = truncationNotes(attachments);
  const totalChunks = project.used.some((f) => f.chunks !== null);
  if (totalChunks) notes.push(`Project files are larger than this model's context allows; the most relevant excerpts were used`);
  return {
    attachments,
    attachmentText: attachmentsPrompt(attachments),
    projectText: project.text ? `The project's files (use them to answer; cite file names):\n\n${project.text}` : '',
    projectFilesUsed: project.used,
    notes,
    tokens: attachments.reduce((sum, a) => sum + a.tokens, 0) + project.tokens,
  };
}

/** The user's text followed by the attached files' text. */
export function messageWithAttachments(message: string, files: ChatFiles): string {
  return files.attachmentText ? `${message}\n\n${files.attachmentText}` : message;
}

export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** OpenAI-style content parts for the outgoing user message: its text, then each image. */
export function attachmentParts(text: string, files: ChatFiles): ContentPart[] | null {
  const images = files.attachments.filter((a) => a.dataUrl);
  if (images.length === 0) return null;
  return [{ type: 'text', text }, ...images.map((a): ContentPart => ({ type: 'image_url', image_url: { url: a.dataUrl! } }))];
}

/** Records what the user message carried (as the caller; RLS checks the message is theirs). */
export async function recordAttachments(sql: TransactionSql, user: AuthUser, messageId: string, files: ChatFiles): Promise<void> {
  if (files.attachments.length === 0) return;
  await sql`insert into public.message_attachments ${sql(files.attachments.map((a) => ({
    message_id: messageId, user_id: user.id, storage_path: a.path, name: a.name, type: a.mime, size: a.size,
    token_count: a.tokens, truncated: a.truncated,
  })))} on conflict (message_id, storage_path) do nothing`;
}

/** The `attachments` and `files_used` fields of the answer's `meta` event. */
export function filesMeta(files: ChatFiles) {
  return {
    attachments: files.attachments.map((a) => ({ path: a.path, name: a.name, type: a.mime, size: a.size, tokens: a.tokens, truncated: a.truncated })),
    files_used: files.projectFilesUsed,
    notes: files.notes,
  };
}
