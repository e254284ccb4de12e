/**
 * Prompt import (POST /import/prompts): prompts from this app's account export (with their
 * versions, labels and saved test cases) or from other tools (a title and a template), written
 * as the caller so RLS, the tables' checks and the row quotas apply as to any other write.
 *
 * Each item is checked on its own and written inside its own savepoint: an item that is not a
 * prompt, or that the database refuses, is reported as skipped with the reason, and the other
 * items of the request are imported all the same. The versions are counted against the owner's
 * quota as the request commits (routes/import.ts defers the counts, as a chat import does), so
 * that quota refuses the whole request then, not an item. Versions are replayed in order through the
 * versioning trigger (version 1 on insert, one per changed title, template or settings), so the
 * history is the source's texts and notes, numbered from 1, each dated as the source dates it
 * (`created_at`, checked here and by the trigger: not in the future, not before 2000, not before
 * the version before it); an undated version is dated as the nearest dated one before it (or,
 * for the first ones, after it), and one of a history with no dates at all, now. An imported prompt
 * is always private (is_public false): publishing is the owner's choice in this account.
 *
 * The work of a request is bounded (routes/import.ts): at most MAX_VERSIONS_PER_IMPORT versions
 * and MAX_TEST_CASES_PER_IMPORT test cases in all, each prompt's statements sent together (pipelined: one round trip for a whole
 * history, not three per version), and a deadline after which the items not yet written are
 * reported as skipped, to be sent again.
 */
import { z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import postgres from 'postgres';
import { rowQuotaReached } from '../db-errors.ts';
import { jsonbText } from '../jsonb.ts';
import { labelName, storedVariableValues, text, trimmed } from '../inputs.ts';
import { promptFields } from '../../routes/prompts/model.ts';

/** The earliest a version may be dated (private.record_prompt_version checks the same). */
const EARLIEST_VERSION = Date.parse('2000-01-01T00:00:00Z');

/**
 * The most versions one request may carry, over all its prompts (a prompt without `versions`
 * is one). Each is a write whose triggers record the version and re-index the template, so
 * 30,000 tiny versions in 1 MB held a connection for 86 s; 1,000 take about a second.
 */
export const MAX_VERSIONS_PER_IMPORT = 1_000;

/** The versions an import request carries, as MAX_VERSIONS_PER_IMPORT counts them (before each item is checked). */
export function versionsIn(items: unknown[]): number {
  let total = 0;
  for (const item of items) {
    const versions = typeof item === 'object' && item !== null && 'versions' in item ? item.versions : undefined;
    total += Array.isArray(versions) && versions.length > 0 ? versions.length : 1;
  }
  return total;
}

/**
 * The most saved test cases one request may carry, over all its prompts. The account's quota
 * (10,000) is checked case by case, counting the account's cases under its lock (a count that
 * grows with them), and nothing else bounds a file of empty cases but its 8 MiB: 1,000 cases
 * into an account holding 9,000 took over 5 s (the import's statement timeout); 200 into one
 * holding 9,800, 1.4 s on the test stack.
 */
export const MAX_TEST_CASES_PER_IMPORT = 200;

/** The test cases an import request carries, as MAX_TEST_CASES_PER_IMPORT counts them. */
export function testCasesIn(items: unknown[]): number {
  let total = 0;
  for (const item of items) {
    const cases = typeof item === 'object' && item !== null && 'test_cases' in item ? item.test_cases : undefined;
    if (Array.isArray(cases)) total += cases.length;
  }
  return total;
}

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

// As POST /prompts/{id}/test-cases takes one (its dates are the import's).
const ImportTestCase = z.object({ name: trimmed(1, 100), variables: storedVariableValues().default({}), message: text(20_000).default('') });

/** One prompt as a source gives it: unknown fields (ids, owners, dates) are ignored. */
export const ImportPromptItem = z
  .object({
    name: z.string().nullish(),
    title: promptFields.title,
    description: z.string().nullish().transform((d) => d ?? '').pipe(promptFields.description),
    content: promptFields.content.optional(),
    tags: promptFields.tags.nullish().transform((t) => t ?? []),
    config: promptFields.config.nullish(),
    versions: z.array(ImportVersion).max(MAX_VERSIONS_PER_IMPORT).optional(),
    // A prompt holds at most 50 labels (prompt_labels_enforce_quota).
    labels: z.array(ImportLabel).max(50).optional(),
    test_cases: z.array(ImportTestCase).max(MAX_TEST_CASES_PER_IMPORT).optional(),
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
// A row quota (lib/db-errors.ts rowQuotaReached reads which).
const ROW_QUOTA = '54000';
// private.record_prompt_version: a version's created_at out of range (its message says which way).
const INVALID_PARAMETER = '22023';
// A statement ran past the transaction's statement_timeout.
const QUERY_CANCELED = '57014';

/** The request's time ran out before this item was written (it is reported, not thrown further). */
class DeadlinePassed extends Error {}

/**
 * Imports each item, in order; never throws for one item's fault. Past `deadline` (a
 * Date.now() time), the item being written is rolled back and it and the rest are reported as
 * skipped, to be sent again.
 */
export async function importPrompts(sql: TransactionSql, userId: string, items: unknown[], deadline = Infinity): Promise<ImportedPrompt[]> {
  const results: ImportedPrompt[] = [];
  for (const [index, raw] of items.entries()) {
    const title = titleOf(raw);
    if (Date.now() > deadline) {
      results.push({ index, status: 'skipped', title, reason: OUT_OF_TIME });
      continue;
    }
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
      results.push({ index, status: 'imported', ...(await sql.savepoint((sp) => writePrompt(sp, userId, parsed.data, deadline))) });
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

async function writePrompt(sql: TransactionSql, userId: string, item: z.infer<typeof ImportPromptItem>, deadline: number) {
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
  // The later versions' statements (their note and date, then the update whose triggers record
  // the version) go out together and run in order on the connection: one round trip for the
  // history, not three a version. The first to fail aborts the rest, and Promise.all rejects
  // with its error (the database answers in order).
  const answers = await Promise.all(later.flatMap((v) => [
    sql`select set_config('mrprompt.commit_message', ${v.commit_message}, true)`.execute(),
    dated(v).execute(),
    sql`update public.prompts set title = ${v.title}, content = ${v.content}, config = ${jsonbText(v.config ?? {})}::text::jsonb
         where id = ${id} returning latest_version`.execute(),
  ]));
  const rows = later.map((_, i) => answers[3 * i + 2] as unknown as { latest_version: number }[]);
  if (Date.now() > deadline) throw new DeadlinePassed();
  // The source's version numbers, mapped to the ones they get here (for its labels).
  const numbers = new Map<number, number>([[first.version ?? 1, 1]]);
  let latest = 1;
  for (const [i, [row]] of rows.entries()) {
    latest = row.latest_version;
    const v = later[i];
    if (v.version !== undefined) numbers.set(v.version, latest);
  }
  await dated({});
  const labels = (item.labels ?? []).flatMap((label) => {
    const version = numbers.get(label.version);
    return version === undefined ? [] : [{ label: label.label, version, locked: label.locked ?? false }];
  });
  if (labels.length > 0) {
    await sql`
      insert into public.prompt_labels (prompt_id, label, version, locked)
      select ${id}, l.label, l.version, l.locked
        from unnest(${labels.map((l) => l.label)}::text[], ${labels.map((l) => l.version)}::int[], ${labels.map((l) => l.locked)}::boolean[])
             as l(label, version, locked)`;
  }
  await writeTestCases(sql, userId, id, item.test_cases ?? []);
  const [saved] = await sql<{ name: string; title: string }[]>`select name, title from public.prompts where id = ${id}`;
  return { prompt_id: id, name: saved.name, title: saved.title, versions: latest, renamed_from: wanted && wanted !== saved.name ? wanted : null };
}

/** The prompt's test cases in one statement; of two with one name (a prompt's are unique by name) the later wins, as a save replaces. */
async function writeTestCases(sql: TransactionSql, userId: string, promptId: string, cases: z.infer<typeof ImportTestCase>[]) {
  if (cases.length === 0) return;
  const byName = [...new Map(cases.map((c) => [c.name, c])).values()];
  await sql`
    insert into public.prompt_test_cases (prompt_id, user_id, name, variables, message)
    select ${promptId}, ${userId}, c.name, c.variables, c.message
      from jsonb_to_recordset(${jsonbText(byName)}::text::jsonb) as c(name text, variables jsonb, message text)`;
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

const OUT_OF_TIME = 'not imported: this request ran out of time; send this prompt again';

/** Why the database refused an item, in words (never the SQL or its values). */
function refusal(error: unknown): string {
  if (error instanceof DeadlinePassed) return OUT_OF_TIME;
  if (error instanceof postgres.PostgresError) {
    if (error.code === QUERY_CANCELED) return 'writing it took too long: import it on its own, or with fewer versions';
    // Prompts per account, versions per prompt, or labels per prompt: the quota says which
    // (versions per account are counted at commit, for the whole request).
    if (error.code === ROW_QUOTA) return rowQuotaReached(error)?.message ?? 'your account already holds as many prompts as it may: delete some first';
    if (error.code === UNIQUE_VIOLATION) return 'a label appears twice';
    if (error.code === CHECK_VIOLATION) return 'a field is outside what a prompt may hold';
    if (error.code === INVALID_PARAMETER && /^a version's created_at /.test(error.message)) return error.message;
    return 'the database refused it';
  }
  throw error;
}
