/**
 * What the prompt routes share: input fields mirroring the table's checks, the SQL that
 * loads a prompt as the caller sees it, and the access rules. RLS decides visibility
 * (own or public); changing a prompt additionally needs ownership — a public prompt of
 * someone else is visible, so refusing it is a 403 rather than a 404.
 */
import { z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import { ApiError, notFound } from '../../lib/errors.ts';
import { text, trimmed } from '../../lib/inputs.ts';
import { extractVariables } from '../../lib/prompt-template.ts';
import type { PromptLabelRow, PromptRow, PromptVersionRow } from '../../lib/resource-schemas.ts';

export const TAG = /^[a-z0-9][a-z0-9_.+#-]{0,31}$/;

const tag = z.string().trim().toLowerCase().regex(TAG, 'tags are 1-32 of a-z 0-9 _ . + # - (starting with a letter or digit)');

export const promptFields = {
  title: trimmed(1, 200),
  description: text(2000),
  content: text(100_000).min(1).refine((s) => s.trim().length > 0, 'must not be blank'),
  // Stored lower-case and without duplicates, at most 20.
  tags: z.array(tag).max(20).transform((tags) => [...new Set(tags)]),
  is_public: z.boolean(),
  // Recorded on the version this write creates (ignored when title and content stay the same).
  commit_message: trimmed(0, 500),
};

export const tagFilter = tag;

export const PROMPT_COLUMNS = `p.id, p.user_id, p.user_id = (select auth.uid()) as is_owner, p.title, p.description,
  p.content, p.tags, p.is_public, p.forked_from, p.latest_version, p.created_at, p.updated_at`;

export const VERSION_COLUMNS = 'v.id, v.prompt_id, v.version, v.title, v.content, v.commit_message, v.created_at';

/** A prompt row as the API returns it: with the variables its template uses. */
export function presentPrompt(row: PromptRow, labels?: PromptLabelRow[]) {
  return { ...row, variables: extractVariables(row.content), ...(labels ? { labels } : {}) };
}

export function presentVersion(row: PromptVersionRow) {
  return { ...row, variables: extractVariables(row.content) };
}

/** The prompt if the caller may read it (own or public), else 404. */
export async function loadVisiblePrompt(sql: TransactionSql, id: string, lock = false): Promise<PromptRow> {
  const [row] = await sql<PromptRow[]>`
    select ${sql.unsafe(PROMPT_COLUMNS)} from public.prompts p where p.id = ${id} ${lock ? sql`for update` : sql``}`;
  if (!row) throw notFound('Prompt');
  return row;
}

/** The prompt if the caller owns it; 404 if they cannot see it, 403 if it is someone else's public one. */
export async function loadOwnPrompt(sql: TransactionSql, id: string): Promise<PromptRow> {
  const row = await loadVisiblePrompt(sql, id);
  if (!row.is_owner) throw new ApiError(403, 'forbidden', 'Only the owner can change this prompt; fork it to make your own copy');
  // Lock only after the ownership check: `for update` also applies the update policy, so
  // on someone else's public prompt it would find nothing and read as a 404.
  return await loadVisiblePrompt(sql, id, true);
}

export async function loadLabels(sql: TransactionSql, promptId: string): Promise<PromptLabelRow[]> {
  return await sql<PromptLabelRow[]>`
    select label, version, updated_at from public.prompt_labels where prompt_id = ${promptId} order by label`;
}

export async function loadVersion(sql: TransactionSql, promptId: string, version: number): Promise<PromptVersionRow | null> {
  const [row] = await sql<PromptVersionRow[]>`
    select ${sql.unsafe(VERSION_COLUMNS)} from public.prompt_versions v
     where v.prompt_id = ${promptId} and v.version = ${version}`;
  return row ?? null;
}

/** The commit message the versioning trigger reads for the write that follows (this transaction only). */
export async function setCommitMessage(sql: TransactionSql, message: string | null | undefined) {
  await sql`select set_config('mrprompt.commit_message', ${message ?? ''}, true)`;
}
