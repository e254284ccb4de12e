/**
 * What the prompt routes share: input fields mirroring the table's checks, the SQL that
 * loads a prompt as the caller sees it, and the access rules. RLS decides visibility
 * (own or public); changing a prompt additionally needs ownership — a public prompt of
 * someone else is visible, so refusing it is a 403 rather than a 404.
 */
import { z } from '@hono/zod-openapi';
import postgres, { type TransactionSql } from 'postgres';
import type { Config } from '../../config.ts';
import { rethrowDatabaseError } from '../../lib/db-errors.ts';
import { ApiError, notFound } from '../../lib/errors.ts';
import { codePoints, labelName, modelName, NO_NUL, NUL_MESSAGE, providerId, text, trimmed } from '../../lib/inputs.ts';
import { tooLongText } from '../../lib/too-long.ts';
import { extractVariables, templateProblems } from '../../lib/prompt-template.ts';
import { listProviders } from '../../lib/providers.ts';
import type { PromptLabelRow, PromptRow, PromptVersionRow } from '../../lib/resource-schemas.ts';

export const TAG = /^[a-z0-9][a-z0-9_.+#-]{0,31}$/;

const tag = z.string().trim().toLowerCase().regex(TAG, 'tags are 1-32 of a-z 0-9 _ . + # - (starting with a letter or digit)');

/** prompts.name: a slug, unique per owner (the database checks the same pattern). */
export const PROMPT_NAME = /^[a-z0-9][a-z0-9-]{0,79}$/;
export const promptName = z.string().regex(PROMPT_NAME, 'names are 1-80 of a-z 0-9 - (starting with a letter or digit)');

/** The model settings a version carries (prompts.config / prompt_versions.config). */
export const promptConfig = z
  .strictObject({
    provider: providerId.optional(),
    // As a chat takes it: a model a message could not record (a control character) is refused here.
    model: modelName.optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).max(200_000).optional(),
  })
  .openapi('PromptConfigInput');

/**
 * A prompt's model settings name a provider this server offers: a typo (`opnai`) would
 * otherwise be found only when the prompt is used, as "no key for opnai". `kept`: the provider
 * the prompt has now, which an edit may leave as it is (saved before this check, or by a server
 * that offered it), so other changes are not refused because of it. Imports are not checked:
 * a library brought from elsewhere keeps what it said.
 */
export function assertKnownProvider(config: Config, provider: string | undefined, kept?: string) {
  if (provider === undefined || provider === kept) return;
  const offered = listProviders(config).map((p) => p.id);
  if (offered.includes(provider)) return;
  throw new ApiError(400, 'invalid_request', `config.provider: "${provider}" is not a provider this server offers; use one of ${offered.join(', ')}, or leave it out`)
    .about('config.provider');
}

/** The most characters a template may have (prompts.content checks the same); the prompt editor shows it. */
export const PROMPT_CONTENT_CHARS = 100_000;

/** A version number as the database stores it (int): a bigger one is a 400, not a 500 from Postgres. */
export const versionNumber = z.number().int().min(1).max(2_147_483_647);

export const promptFields = {
  name: promptName,
  config: promptConfig,
  title: trimmed(1, 200),
  description: text(2000),
  // Its limit in words, with the lengths (lib/too-long.ts), as the prompt editor shows it.
  content: z
    .string()
    .max(PROMPT_CONTENT_CHARS, { error: (issue) => tooLongText('template', codePoints(String(issue.input)), PROMPT_CONTENT_CHARS) })
    .regex(NO_NUL, NUL_MESSAGE)
    .min(1)
    .refine((s) => s.trim().length > 0, 'must not be blank')
    .superRefine((s, ctx) => {
      for (const problem of templateProblems(s)) ctx.addIssue({ code: 'custom', message: problem });
    }),
  // Stored lower-case and without duplicates, at most 20.
  tags: z.array(tag).max(20).transform((tags) => [...new Set(tags)]),
  is_public: z.boolean(),
  shared_label: labelName.nullable().openapi({
    description: 'While public: the label whose version other people see (`production`, say); null shares the newest version, ' +
      'so every save is public at once. Default when the prompt is made public: `production` if it has that label, else null. ' +
      'Making the prompt private clears it.',
  }),
  // Recorded on the version this write creates (ignored when title and content stay the same).
  commit_message: trimmed(0, 500),
  expected_version: versionNumber.openapi({
    description: 'The version this edit started from (`latest_version` when it was read). If the prompt has a newer ' +
      'version by now — saved from another tab, device or client — nothing is saved: 409 `version_conflict` with the ' +
      'current `latest_version`. Without it the write applies to whatever version is current. Sent without ' +
      '`expected_revision`, an edit that changes the name, description, tags or visibility is refused (428 `revision_required`): ' +
      'those change without a new version, so only `expected_revision` can tell a stale value from a new one.',
  }),
  expected_revision: z.number().int().min(1).max(2_147_483_647).openapi({
    description: 'The `revision` this edit started from. Covers every change (description, tags and visibility as well as ' +
      'new versions): if the prompt changed in any way since, nothing is saved: 409 `version_conflict` with the current ' +
      '`revision` and `latest_version`. The database holds the same check.',
  }),
};

export const tagFilter = tag;

export const PROMPT_COLUMNS = `p.id, p.user_id, p.user_id = (select auth.uid()) as is_owner, p.name, p.title, p.description,
  p.content, p.tags, p.is_public, public.shared_prompt_version(p.id) as published_version, p.shared_label, p.forked_from,
  p.latest_version, p.revision, p.config, p.created_at, p.updated_at`;

/**
 * A public prompt as PROMPT_COLUMNS reads a prompt, from public.shared_prompts: at its shared
 * version, which is all other people may know of it, so that is its `latest_version` too, and
 * the view's `revision` and `updated_at` are that version's, never moved by an unshared draft.
 */
export const SHARED_PROMPT_COLUMNS = `p.id, p.user_id, coalesce(p.user_id = (select auth.uid()), false) as is_owner, p.name, p.title, p.description,
  p.content, p.tags, true as is_public, p.version as published_version, p.shared_label, p.forked_from,
  p.version as latest_version, p.revision, p.config, p.created_at, p.updated_at`;

export const VERSION_COLUMNS = 'v.id, v.prompt_id, v.version, v.title, v.content, v.config, v.commit_message, v.created_at';

/** A prompt row as the API returns it: with the variables its template uses. */
export function presentPrompt(row: PromptRow, labels?: PromptLabelRow[]) {
  return { ...row, variables: extractVariables(row.content), ...(labels ? { labels } : {}) };
}

export function presentVersion(row: PromptVersionRow) {
  return { ...row, variables: extractVariables(row.content) };
}

/**
 * The prompt if the caller may read it, else 404: their own as it is now, or someone else's
 * public one at its shared version (the database shows other people nothing newer).
 */
export async function loadVisiblePrompt(sql: TransactionSql, id: string, lock = false): Promise<PromptRow> {
  const [own] = await sql<PromptRow[]>`
    select ${sql.unsafe(PROMPT_COLUMNS)} from public.prompts p where p.id = ${id} ${lock ? sql`for update` : sql``}`;
  if (own || lock) {
    if (!own) throw notFound('Prompt');
    return own;
  }
  const [shared] = await sql<PromptRow[]>`select ${sql.unsafe(SHARED_PROMPT_COLUMNS)} from public.shared_prompts p where p.id = ${id}`;
  if (!shared) throw notFound('Prompt');
  return shared;
}

/** The prompt if the caller owns it; 404 if they cannot see it, 403 if it is someone else's public one. */
export async function loadOwnPrompt(sql: TransactionSql, id: string): Promise<PromptRow> {
  const row = await loadVisiblePrompt(sql, id);
  if (!row.is_owner) throw new ApiError(403, 'forbidden', 'Only the owner can change this prompt; fork it to make your own copy');
  return await loadVisiblePrompt(sql, id, true);
}

export async function loadLabels(sql: TransactionSql, promptId: string): Promise<PromptLabelRow[]> {
  return await sql<PromptLabelRow[]>`
    select label, version, locked, updated_at from public.prompt_labels where prompt_id = ${promptId} order by label`;
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

/** What an edit says it started from: a version (`latest_version`) and/or a revision (any change). */
export interface EditBase {
  expected_version?: number;
  expected_revision?: number;
}

/**
 * Refuses a write based on an older state than the current one (optimistic concurrency):
 * two tabs editing v3 must not silently make the second save replace the first one's v4,
 * nor a stale tab's description, tags or visibility replace newer ones (`expected_revision`).
 * Call it on a row read `for update` (loadOwnPrompt), and write `revisionToWrite` back in the
 * update: the database trigger refuses the write too if the row moved on (SQLSTATE MRP01).
 */
export function checkExpectedVersion(current: PromptRow, base: EditBase) {
  const { expected_version, expected_revision } = base;
  const staleVersion = expected_version !== undefined && expected_version !== current.latest_version;
  const staleRevision = expected_revision !== undefined && expected_revision !== current.revision;
  if (!staleVersion && !staleRevision) return;
  throw versionConflict(
    staleVersion
      ? `This prompt changed since you read it: it is now version ${current.latest_version}, and your edit started from version ${expected_version}. Nothing was saved.`
      : `This prompt changed since you read it (its description, tags, visibility or text were saved elsewhere). Nothing was saved.`,
    { latest_version: current.latest_version, revision: current.revision, expected_version, expected_revision },
  );
}

/** What a prompt holds besides its versions: changing these makes a new revision but no new version. */
const UNVERSIONED = ['name', 'description', 'tags', 'is_public', 'shared_label'] as const;
type Unversioned = Partial<Pick<PromptRow, (typeof UNVERSIONED)[number]>>;

const sameValue = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) ? [...a].sort().join('\n') === [...b].sort().join('\n') && a.length === b.length : a === b;

/**
 * A client from before `expected_revision` (it sends only `expected_version`) cannot say which
 * description, tags, visibility or name it read: another tab may have changed them since
 * without making a version, and its edit would put the old ones back. Such an edit keeps its
 * version check for the template, and goes through as long as it leaves those fields as they
 * are now; if it would change one, nothing is saved: 428 `revision_required`, naming the fields,
 * with the current `revision` to send back. Call it on the row read `for update`, after
 * checkExpectedVersion, so the comparison is with what the update will replace.
 */
export function checkUnversionedEdit(current: PromptRow, patch: Unversioned, base: EditBase) {
  if (base.expected_version === undefined || base.expected_revision !== undefined) return;
  const changed = UNVERSIONED.filter((field) => patch[field] !== undefined && !sameValue(patch[field], current[field]));
  if (changed.length === 0) return;
  throw new ApiError(
    428,
    'revision_required',
    `This edit changes the ${changed.join(', ')} but names only the version it started from (expected_version). ` +
      `Those can change without a new version, so send expected_revision (the prompt's \`revision\` when you read it) ` +
      `to change them safely. Nothing was saved.`,
    undefined,
    { fields: changed, revision: current.revision, latest_version: current.latest_version },
  );
}

/** The revision an update writes back: the one the edit started from, so the database checks it. */
export function revisionToWrite(current: PromptRow, base: EditBase): number {
  return base.expected_revision ?? current.revision;
}

const versionConflict = (message: string, details: Record<string, unknown>) =>
  new ApiError(409, 'version_conflict', message, undefined, details);

// Raised by private.check_prompt_revision (20261204022644_add_prompts_revision.sql).
const STALE_REVISION = 'MRP01';

const UNIQUE_VIOLATION = '23505';

/** A taken name is a 409 the user can act on; other errors go to rethrowDatabaseError. */
export function rethrowNameTaken(error: unknown): never {
  if (error instanceof postgres.PostgresError && error.code === UNIQUE_VIOLATION && error.constraint_name === 'prompts_user_id_name_key') {
    throw new ApiError(409, 'name_taken', 'You already have a prompt with this name; pick another');
  }
  if (error instanceof postgres.PostgresError && error.code === STALE_REVISION) {
    throw versionConflict('This prompt changed since you read it. Nothing was saved.', { revision: Number(error.detail) });
  }
  return rethrowDatabaseError(error);
}
