/**
 * Prompt import (POST /import/prompts): prompts from this app's account export (with their
 * versions and labels) or from other tools (a title and a template), written as the caller so
 * RLS, the tables' checks and the row quotas apply as to any other write.
 *
 * Each item is checked on its own and written inside its own savepoint: an item that is not a
 * prompt, or that the database refuses, is reported as skipped with the reason, and the other
 * items of the request are imported all the same. Versions are replayed in order through the
 * versioning trigger (version 1 on insert, one per changed title, template or settings), so the
 * history is the source's texts and notes, numbered from 1, each dated as the source dates it
 * (`created_at`, checked here and by the trigger: not in the future, not before 2000, not before
 * the version before it); an undated version is dated as the nearest dated one before it (or,
 * for the first ones, after it), and one of a history with no dates at all, now. An imported prompt
 * is always private (is_public false): publishing is the owner's choice in this account.
 */
import { z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import postgres from 'postgres';
import { jsonbText } from '../jsonb.ts';
import { labelName, trimmed } from '../inputs.ts';
import { promptFields } from '../../routes/prompts/model.ts';

/** The earliest a version may be dated (private.record_prompt_version checks the same). */
const EARLIEST_VERSION = Date.parse('2000-01-01T00:00:00Z');

/** A version's date in the source: an ISO 8601 time with its offset, from 2000 until now. */
const versionTime = z.iso
  .datetime({ offset: true, error: 'must be a date and time such as 2024-05-01T12:00:00Z' })
  .refine((t) => Date.parse(t) >= EARLIEST_VERSION, 'may not be before 2000')
  .refine((t) => Date.parse(t) <= Date.now(), 'may not be in the future')
  .nullish();

const ImportVersion = z.object({
  version: z.number().int().min(1).optional(),
  title: promptFields.title,
  content: promptFields.content,
  config: promptFields.config.optional(),
  commit_message: z.string().nullish().transform((m) => (m ?? '').trim().slice(0, 500)),
  created_at: versionTime,
});

const ImportLabel = z.object({ label: labelName, version: z.number().int().min(1), locked: z.boolean().optional() });

/** One prompt as a source gives it: unknown fields (ids, owners, dates) are ignored. */
export const ImportPromptItem = z
  .object({
    name: z.string().nullish(),
    title: promptFields.title,
    description: z.string().nullish().transform((d) => d ?? '').pipe(promptFields.description),
    content: promptFields.content.optional(),
    tags: promptFields.tags.nullish().transform((t) => t ?? []),
    config: promptFields.config.nullish(),
    versions: z.array(ImportVersion).max(10_000).optional(),
    // A prompt holds at most 50 labels (prompt_labels_enforce_quota).
    labels: z.array(ImportLabel).max(50).optional(),
  })
  .refine((p) => p.content !== undefined || (p.versions?.length ?? 0) > 0, { message: 'has no template (content or versions)' })
  .superRefine((p, ctx) => {
    // A history whose dates go back as its numbers rise is misnumbered or misdated: which one
    // is right cannot be told, so the prompt is skipped with both versions named.
    let previous: { name: string; at: number; text: string } | null = null;
    for (const [i, v] of inVersionOrder(p.versions ?? []).entries()) {
      if (!v.created_at) continue;
      const at = Date.parse(v.created_at);
      const name = `version ${v.version ?? i + 1}`;
      if (previous && at < previous.at) {
        ctx.addIssue({ code: 'custom', path: ['versions'], message: `${name} is dated ${v.created_at}, before ${previous.name} (${previous.text}): dates must not go back as versions rise` });
        return;
      }
      previous = { name, at, text: v.created_at };
    }
  });

export type ImportedPrompt =
  | { index: number; status: 'imported'; prompt_id: string; name: string; title: string; versions: number; renamed_from: string | null }
  | { index: number; status: 'skipped'; title: string | null; reason: string; prompt_id?: string };

const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';
// private.enforce_row_quota (20261130234451_create_row_quotas.sql).
const ROW_QUOTA = '54000';
// private.record_prompt_version: a version's created_at out of range (its message says which way).
const INVALID_PARAMETER = '22023';

/** Imports each item, in order; never throws for one item's fault. */
export async function importPrompts(sql: TransactionSql, userId: string, items: unknown[]): Promise<ImportedPrompt[]> {
  const results: ImportedPrompt[] = [];
  for (const [index, raw] of items.entries()) {
    const title = titleOf(raw);
    const parsed = ImportPromptItem.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      results.push({ index, status: 'skipped', title, reason: `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` });
      continue;
    }
    try {
      const held = await alreadyHeld(sql, userId, parsed.data);
      if (held) {
        results.push({ index, status: 'skipped', title, prompt_id: held, reason: 'already in your library: a prompt with the same name, title and text' });
        continue;
      }
      results.push({ index, status: 'imported', ...(await sql.savepoint((sp) => writePrompt(sp, userId, parsed.data))) });
    } catch (error) {
      results.push({ index, status: 'skipped', title, reason: refusal(error) });
    }
  }
  return results;
}

/**
 * The caller's prompt this item already is (its newest title and text, and its name when it
 * has one), if any: importing the same file twice adds nothing the second time.
 */
async function alreadyHeld(sql: TransactionSql, userId: string, item: z.infer<typeof ImportPromptItem>): Promise<string | null> {
  const newest = item.versions?.length ? inVersionOrder(item.versions).at(-1)! : { title: item.title, content: item.content! };
  const name = item.name && promptFields.name.safeParse(item.name).success ? item.name : null;
  const [held] = await sql<{ id: string }[]>`
    select id from public.prompts
     where user_id = ${userId} and title = ${newest.title} and content = ${newest.content} and (${name}::text is null or name = ${name})
     limit 1`;
  return held?.id ?? null;
}

async function writePrompt(sql: TransactionSql, userId: string, item: z.infer<typeof ImportPromptItem>) {
  const versions = item.versions?.length
    ? datedInOrder(inVersionOrder(item.versions))
    : [{ title: item.title, content: item.content!, config: item.config ?? undefined, commit_message: 'Imported' }];
  // The source's name if it is one and free here; otherwise the database suggests one from the title.
  const wanted = item.name && promptFields.name.safeParse(item.name).success ? item.name : null;
  const [taken] = wanted ? await sql`select 1 from public.prompts where user_id = ${userId} and name = ${wanted}` : [];
  const name = taken ? null : wanted;

  const [first, ...later] = versions;
  // Read by private.record_prompt_version for the version each statement makes.
  const dated = (v: { created_at?: string | null }) => sql`select set_config('mrprompt.version_created_at', ${v.created_at ?? ''}, true)`;
  await sql`select set_config('mrprompt.commit_message', ${first.commit_message || 'Imported'}, true)`;
  await dated(first);
  const [{ id }] = await sql<{ id: string }[]>`
    insert into public.prompts (user_id, name, title, description, content, tags, is_public, config)
    values (${userId}, ${name}, ${first.title}, ${item.description}, ${first.content}, ${item.tags}::text[], false,
            ${jsonbText(first.config ?? {})}::text::jsonb)
    returning id`;
  // The source's version numbers, mapped to the ones they get here (for its labels).
  const numbers = new Map<number, number>([[first.version ?? 1, 1]]);
  let latest = 1;
  for (const v of later) {
    await sql`select set_config('mrprompt.commit_message', ${v.commit_message}, true)`;
    await dated(v);
    const [row] = await sql<{ latest_version: number }[]>`
      update public.prompts set title = ${v.title}, content = ${v.content}, config = ${jsonbText(v.config ?? {})}::text::jsonb
       where id = ${id} returning latest_version`;
    latest = row.latest_version;
    if (v.version !== undefined) numbers.set(v.version, latest);
  }
  await dated({});
  for (const label of item.labels ?? []) {
    const version = numbers.get(label.version);
    if (version === undefined) continue;
    await sql`insert into public.prompt_labels (prompt_id, label, version, locked) values (${id}, ${label.label}, ${version}, ${label.locked ?? false})`;
  }
  const [saved] = await sql<{ name: string; title: string }[]>`select name, title from public.prompts where id = ${id}`;
  return { prompt_id: id, name: saved.name, title: saved.title, versions: latest, renamed_from: wanted && wanted !== saved.name ? wanted : null };
}

/** The versions by their number (those without one first, in the file's order). */
function inVersionOrder<V extends { version?: number }>(versions: V[]): V[] {
  return [...versions].sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
}

/**
 * A version without a date takes the date of the nearest dated version before it (the first
 * ones, of the first dated one), so the history's dates still rise with its numbers and none
 * claims to have been written today; with no date at all, each is dated at the import.
 */
function datedInOrder<V extends { created_at?: string | null }>(versions: V[]): V[] {
  let last = versions.find((v) => v.created_at)?.created_at ?? null;
  return versions.map((v) => {
    if (v.created_at) last = v.created_at;
    return { ...v, created_at: v.created_at || last };
  });
}

/** The item's title, for the report, when it has a readable one. */
function titleOf(raw: unknown): string | null {
  const title = trimmed(1, 200).safeParse(typeof raw === 'object' && raw !== null && 'title' in raw ? raw.title : undefined);
  return title.success ? title.data : null;
}

/** Why the database refused an item, in words (never the SQL or its values). */
function refusal(error: unknown): string {
  if (error instanceof postgres.PostgresError) {
    if (error.code === ROW_QUOTA) return 'your account already holds as many prompts as it may (10,000): delete some first';
    if (error.code === UNIQUE_VIOLATION) return 'a label appears twice';
    if (error.code === CHECK_VIOLATION) return 'a field is outside what a prompt may hold';
    if (error.code === INVALID_PARAMETER && /^a version's created_at /.test(error.message)) return error.message;
    return 'the database refused it';
  }
  throw error;
}
