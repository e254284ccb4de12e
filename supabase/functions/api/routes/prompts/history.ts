/**
 * A prompt's history: versions (list, get), restore (a new version equal to an old one)
 * and labels (named pointers such as `production` → a version). Versions are written only
 * by the database trigger, so the history cannot be rewritten through the API.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/context.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { ApiError, notFound } from '../../lib/errors.ts';
import { labelName, optionalQuery } from '../../lib/inputs.ts';
import { extractVariables } from '../../lib/prompt-template.ts';
import { jsonbText } from '../../lib/jsonb.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../../lib/openapi.ts';
import { cursorParam, limitParam } from '../../lib/pagination.ts';
import { PromptConfigSchema, PromptLabelSchema, PromptSchema, PromptVersionSchema, TemplateVariableSchema, type PromptLabelRow, type PromptVersionRow } from '../../lib/resource-schemas.ts';
import {
  checkExpectedVersion,
  loadLabels,
  loadOwnPrompt,
  loadVersion,
  loadVisiblePrompt,
  presentPrompt,
  presentVersion,
  promptFields,
  rethrowNameTaken,
  revisionToWrite,
  setCommitMessage,
  VERSION_COLUMNS,
  versionNumber,
} from './model.ts';

const versionParam = z.coerce.number().int().min(1).max(2_147_483_647);

const idParam = z.uuid().openapi({ param: { name: 'id', in: 'path' } });
const VersionParams = z.object({
  id: idParam,
  version: versionParam.openapi({ param: { name: 'version', in: 'path' }, example: 1 }),
});
const LabelParams = z.object({
  id: idParam,
  label: labelName.openapi({ param: { name: 'label', in: 'path' }, example: 'production' }),
});

const VersionsQuery = z.strictObject({
  limit: limitParam(50, 100),
  cursor: optionalQuery(cursorParam).openapi({ param: { name: 'cursor', in: 'query' } }),
});
const versionCursor = z.strictObject({ v: versionNumber });

// A template's first non-blank line (Postgres regular expression: from the first non-space character to the line's end).
const FIRST_LINE = String.raw`[^\s][^\r\n]*`;

type PromptVersionSummary = z.infer<typeof PromptVersionSummarySchema>;

/** A version as the history lists it: what tells versions apart, without their text (fetch one for that). */
const PromptVersionSummarySchema = z
  .object({
    id: z.uuid(),
    prompt_id: z.uuid(),
    version: z.number().int(),
    title: z.string(),
    commit_message: z.string().nullable(),
    created_by: z.uuid().nullable().openapi({ description: 'Who saved it (null once that account is deleted)' }),
    created_at: z.string().openapi({ format: 'date-time' }),
    chars: z.number().int().openapi({ description: "The template's length in characters" }),
    first_line: z.string().openapi({ description: "The template's first non-blank line, cut to 120 characters" }),
    labels: z.array(z.string()).openapi({ description: 'The labels pointing at this version' }),
    variables: z.array(TemplateVariableSchema),
    // The model settings saved with it: the playground runs each version with its own.
    config: PromptConfigSchema,
  })
  .openapi('PromptVersionSummary');
const VersionSummaryList = z
  .object({ versions: z.array(PromptVersionSummarySchema).openapi({ description: 'Newest first' }), next_cursor: z.string().nullable() })
  .openapi('PromptVersionSummaryList');

const VersionList = z
  .object({ versions: z.array(PromptVersionSchema).openapi({ description: 'Newest first' }), next_cursor: z.string().nullable() })
  .openapi('PromptVersionList');

const RestoreInput = z
  .strictObject({
    version: versionNumber,
    commit_message: promptFields.commit_message.optional(),
    expected_version: promptFields.expected_version.optional(),
    expected_revision: promptFields.expected_revision.optional(),
  })
  .openapi('RestorePromptVersion');
const LabelInput = z
  .strictObject({
    version: versionNumber,
    locked: z.boolean().optional().openapi({ description: 'Lock or unlock the label (default: unchanged; new labels unlocked)' }),
    force: z.boolean().optional().openapi({ description: 'Required to move a locked label (it stays locked unless `locked: false`)' }),
  })
  .openapi('SetPromptLabel');
const ForceQuery = z.strictObject({
  force: optionalQuery(z.enum(['true', 'false'])).openapi({ param: { name: 'force', in: 'query' }, description: '`true` to remove a locked label' }),
});

const tags = ['prompts'];

const routes = {
  versions: createRoute({
    method: 'get', path: '/{id}/versions', tags, security,
    summary: "A prompt's versions, newest first",
    request: { params: UuidParam(), query: VersionsQuery },
    responses: { 200: jsonResponse(VersionList, 'Versions'), ...errorResponses(400, 401, 404) },
  }),
  history: createRoute({
    method: 'get', path: '/{id}/history', tags, security,
    summary: "A prompt's versions without their text (number, labels, author, time, size, first line), newest first",
    description: 'The light form of `/versions` for a history list: the same pages and cursors. Read one version in full with `/versions/{version}`.',
    request: { params: UuidParam(), query: VersionsQuery },
    responses: { 200: jsonResponse(VersionSummaryList, 'Version summaries'), ...errorResponses(400, 401, 404) },
  }),
  version: createRoute({
    method: 'get', path: '/{id}/versions/{version}', tags, security,
    summary: 'One version of a prompt',
    request: { params: VersionParams },
    responses: { 200: jsonResponse(PromptVersionSchema, 'The version'), ...errorResponses(400, 401, 404) },
  }),
  restore: createRoute({
    method: 'post', path: '/{id}/restore', tags, security,
    summary: 'Make an old version (title, template and model settings) current again, recorded as a new version',
    request: { params: UuidParam(), body: jsonBody(RestoreInput) },
    responses: { 200: jsonResponse(PromptSchema, 'The prompt after the restore'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  putLabel: createRoute({
    method: 'put', path: '/{id}/labels/{label}', tags, security,
    summary: 'Point a label at a version (creates or moves it; a locked label needs force), lock or unlock it',
    request: { params: LabelParams, body: jsonBody(LabelInput) },
    responses: { 200: jsonResponse(PromptLabelSchema, 'The label'), ...errorResponses(400, 401, 403, 404, 409, 422) },
  }),
  deleteLabel: createRoute({
    method: 'delete', path: '/{id}/labels/{label}', tags, security,
    summary: 'Remove a label (a locked one needs ?force=true)',
    request: { params: LabelParams, query: ForceQuery },
    responses: { 204: { description: 'Removed' }, ...errorResponses(400, 401, 403, 404, 409) },
  }),
};

export const promptHistoryRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

promptHistoryRoutes.openapi(routes.versions, async (c) => {
  const { id } = c.req.valid('param');
  const { limit, cursor } = c.req.valid('query');
  const below = cursor ? decodeCursor(cursor, versionCursor).v : null;
  const rows = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await loadVisiblePrompt(sql, id);
    return await sql<PromptVersionRow[]>`
      select ${sql.unsafe(VERSION_COLUMNS)} from public.prompt_versions v
       where v.prompt_id = ${id} ${below ? sql`and v.version < ${below}` : sql``}
       order by v.version desc
       limit ${limit + 1}`;
  });
  const items = rows.slice(0, limit);
  const next_cursor = rows.length > limit ? encodeCursor({ v: items[items.length - 1].version }) : null;
  return c.json({ versions: items.map(presentVersion), next_cursor }, 200);
});

promptHistoryRoutes.openapi(routes.history, async (c) => {
  const { id } = c.req.valid('param');
  const { limit, cursor } = c.req.valid('query');
  const below = cursor ? decodeCursor(cursor, versionCursor).v : null;
  const rows = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await loadVisiblePrompt(sql, id);
    // The text is read here only for its variables (the one template parser is in TypeScript);
    // it does not leave the function.
    return await sql<(Omit<PromptVersionSummary, 'variables'> & { content: string })[]>`
      select v.id, v.prompt_id, v.version, v.title, v.commit_message, v.created_by, v.created_at, v.config,
             char_length(v.content) as chars,
             left(coalesce(substring(v.content from ${FIRST_LINE}), ''), 120) as first_line,
             coalesce((select array_agg(l.label order by l.label) from public.prompt_labels l
                        where l.prompt_id = v.prompt_id and l.version = v.version), '{}') as labels,
             v.content
        from public.prompt_versions v
       where v.prompt_id = ${id} ${below ? sql`and v.version < ${below}` : sql``}
       order by v.version desc
       limit ${limit + 1}`;
  });
  const items = rows.slice(0, limit);
  const next_cursor = rows.length > limit ? encodeCursor({ v: items[items.length - 1].version }) : null;
  return c.json({
    versions: items.map(({ content, ...row }) => ({ ...row, variables: extractVariables(content) })),
    next_cursor,
  }, 200);
});

promptHistoryRoutes.openapi(routes.version, async (c) => {
  const { id, version } = c.req.valid('param');
  const row = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await loadVisiblePrompt(sql, id);
    return await loadVersion(sql, id, version);
  });
  if (!row) throw notFound(`Version ${version}`);
  return c.json(presentVersion(row), 200);
});

promptHistoryRoutes.openapi(routes.restore, async (c) => {
  const { id } = c.req.valid('param');
  const { version, commit_message, expected_version, expected_revision } = c.req.valid('json');
  const prompt = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const current = await loadOwnPrompt(sql, id);
    const base = { expected_version, expected_revision };
    checkExpectedVersion(current, base);
    const old = await loadVersion(sql, id, version);
    if (!old) throw notFound(`Version ${version}`);
    // A version is its title, template and model settings: all three come back. If the prompt
    // already equals that version nothing changes and no version is added.
    await setCommitMessage(sql, commit_message || `Restored version ${version}`);
    await sql`
      update public.prompts set title = ${old.title}, content = ${old.content}, config = ${jsonbText(old.config)}::text::jsonb,
             revision = ${revisionToWrite(current, base)}
       where id = ${id}`;
    return presentPrompt(await loadVisiblePrompt(sql, id), await loadLabels(sql, id));
  }).catch(rethrowNameTaken);
  return c.json(prompt, 200);
});

promptHistoryRoutes.openapi(routes.putLabel, async (c) => {
  const { id, label } = c.req.valid('param');
  const { version, locked, force } = c.req.valid('json');
  const row = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await loadOwnPrompt(sql, id);
    if (!(await loadVersion(sql, id, version))) {
      throw new ApiError(422, 'unknown_version', `This prompt has no version ${version}`);
    }
    const [current] = await sql<{ version: number; locked: boolean }[]>`
      select version, locked from public.prompt_labels where prompt_id = ${id} and label = ${label} for update`;
    if (current?.locked && current.version !== version) {
      if (!force) throw labelLocked(label, 'move');
      // The database refuses to move a locked row: unlock, then move (and relock) below.
      await sql`update public.prompt_labels set locked = false where prompt_id = ${id} and label = ${label}`;
    }
    const [saved] = await sql<PromptLabelRow[]>`
      insert into public.prompt_labels (prompt_id, label, version, locked) values (${id}, ${label}, ${version}, ${locked ?? false})
      on conflict (prompt_id, label) do update set version = excluded.version, locked = ${locked ?? current?.locked ?? false}
      returning label, version, locked, updated_at`;
    return saved;
  });
  return c.json(row, 200);
});

promptHistoryRoutes.openapi(routes.deleteLabel, async (c) => {
  const { id, label } = c.req.valid('param');
  const { force } = c.req.valid('query');
  await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const prompt = await loadOwnPrompt(sql, id);
    // The database refuses it too (prompt_labels_keep_shared): visitors would be left with nothing.
    if (prompt.shared_label === label) {
      throw new ApiError(409, 'label_shared', `The prompt is shared at ${label}: visitors see its version. Share another label (or the newest version) or make the prompt private first`);
    }
    const [current] = await sql<{ locked: boolean }[]>`
      select locked from public.prompt_labels where prompt_id = ${id} and label = ${label} for update`;
    if (current?.locked) {
      if (force !== 'true') throw labelLocked(label, 'remove');
      await sql`update public.prompt_labels set locked = false where prompt_id = ${id} and label = ${label}`;
    }
    const deleted = await sql`delete from public.prompt_labels where prompt_id = ${id} and label = ${label} returning id`;
    if (deleted.length === 0) throw notFound(`Label ${label}`);
  });
  return c.body(null, 204);
});

const labelLocked = (label: string, action: 'move' | 'remove') =>
  new ApiError(409, 'label_locked', `The label ${label} is locked; ${action === 'move' ? 'send `force: true` to move it' : 'add `?force=true` to remove it'}`);
