/**
 * /api/projects: folders of chats with an active system prompt. Owner-only (RLS); another
 * user's project is indistinguishable from a missing one (404). A prompt with `{{variables}}`
 * gets its values here, once, kept with the project: a project whose prompt would need a value
 * it does not have is not saved (422), so every chat in it can render its prompt.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { cursorTimestampSql, decodeCursor, timeIdCursor } from '../lib/cursor.ts';
import { rethrowDatabaseError } from '../lib/db-errors.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { labelName, nonEmpty, NOTHING_TO_UPDATE, optionalQuery, storedVariableValues, text, trimmed } from '../lib/inputs.ts';
import { jsonbText } from '../lib/jsonb.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../lib/openapi.ts';
import { cursorParam, limitParam, takePage } from '../lib/pagination.ts';
import { ProjectSchema, type ProjectRow } from '../lib/resource-schemas.ts';
import { resolvePromptTemplate, type ResolvedPrompt } from '../lib/chat/system-prompt.ts';
import { MissingVariablesError, renderTemplate } from '../lib/prompt-template.ts';

const fields = {
  name: trimmed(1, 100),
  description: text(2000),
  // Null means the project has no system prompt; a label pins a labelled version of it.
  system_prompt_id: z.uuid().nullable(),
  system_prompt_label: labelName.nullable(),
  system_prompt_variables: storedVariableValues().openapi({
    description: "Values of the system prompt's `{{variables}}`, rendered into it for every chat in the project (a chat request's " +
      '`variables` override them). Every variable without a default needs one: else 422 `missing_variables`, naming them. ' +
      'Changing the prompt without sending these clears them.',
    example: { language: 'French' },
  }),
};

const CreateProject = z
  .strictObject({
    name: fields.name,
    description: fields.description.default(''),
    system_prompt_id: fields.system_prompt_id.optional(),
    system_prompt_label: fields.system_prompt_label.optional(),
    system_prompt_variables: fields.system_prompt_variables.optional(),
  })
  .openapi('CreateProject');

const UpdateProject = z.strictObject(fields).partial().refine(nonEmpty, NOTHING_TO_UPDATE).openapi('UpdateProject');

// Up to 500 a page (the row quota is 1,000): the chat screen reads every project at once to
// group the sidebar; lists page through them 50 at a time.
const ListQuery = z.strictObject({
  limit: limitParam(50, 500),
  cursor: optionalQuery(cursorParam).openapi({ param: { name: 'cursor', in: 'query' } }),
});
// With the system prompt's title, read as the caller: the list and the project's page name the
// prompt without fetching the caller's whole library (which they page through 20 at a time).
const ProjectWithPrompt = ProjectSchema.extend({
  system_prompt_title: z.string().nullable().openapi({
    description: "The system prompt's title; null without one, or when the caller can no longer read it (made private)",
  }),
}).openapi('ProjectWithPrompt');
type ProjectWithPromptRow = ProjectRow & { system_prompt_title: string | null };

const ProjectList = z
  .object({ projects: z.array(ProjectWithPrompt), next_cursor: z.string().nullable() })
  .openapi('ProjectList');

const tags = ['projects'];
const IdParams = UuidParam();

const listProjects = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: "List the caller's projects, most recently changed first (keyset pages)",
  security,
  request: { query: ListQuery },
  responses: { 200: jsonResponse(ProjectList, 'A page of projects'), ...errorResponses(400, 401) },
});

const createProject = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create a project',
  security,
  request: { body: jsonBody(CreateProject) },
  responses: { 201: jsonResponse(ProjectWithPrompt, 'The new project'), ...errorResponses(400, 401, 404, 422) },
});

const getProject = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'Get a project',
  security,
  request: { params: IdParams },
  responses: { 200: jsonResponse(ProjectWithPrompt, 'The project'), ...errorResponses(400, 401, 404) },
});

const updateProject = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Change a project',
  security,
  request: { params: IdParams, body: jsonBody(UpdateProject) },
  responses: { 200: jsonResponse(ProjectWithPrompt, 'The updated project'), ...errorResponses(400, 401, 404, 422) },
});

const deleteProject = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a project and its files (its chats stay, unfiled)',
  security,
  request: { params: IdParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 404) },
});

const COLUMNS = `id, name, description, system_prompt_id, system_prompt_label, system_prompt_variables, created_at, updated_at,
  coalesce((select p.title from public.prompts p where p.id = system_prompt_id),
           (select s.title from public.shared_prompts s where s.id = system_prompt_id)) as system_prompt_title`;

export const projectsRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
projectsRoutes.use('*', requireUser);

projectsRoutes.openapi(listProjects, async (c) => {
  const { limit, cursor } = c.req.valid('query');
  const after = cursor ? decodeCursor(cursor, timeIdCursor) : null;
  const rows = await c.var.db.withUserTransaction(
    c.var.user,
    (sql) => sql<(ProjectWithPromptRow & { cursor_t: string })[]>`
      select ${sql.unsafe(COLUMNS)}, ${sql.unsafe(cursorTimestampSql('updated_at'))} as cursor_t from public.projects
       where user_id = ${c.var.user.id}
         ${after ? sql`and (updated_at, id) < (${after.t}::text::timestamptz, ${after.id}::uuid)` : sql``}
       order by updated_at desc, id desc
       limit ${limit + 1}`,
  );
  const page = takePage(rows, limit, (row) => ({ t: row.cursor_t, id: row.id }));
  return c.json({ projects: page.items.map(({ cursor_t: _, ...project }) => project), next_cursor: page.next_cursor }, 200);
});

projectsRoutes.openapi(createProject, async (c) => {
  const input = c.req.valid('json');
  const project = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const promptId = input.system_prompt_id ?? null;
    const variables = promptId === null ? {} : input.system_prompt_variables ?? {};
    await assertSystemPrompt(sql, promptId, input.system_prompt_label ?? null, variables);
    const [row] = await sql<ProjectWithPromptRow[]>`
      insert into public.projects (user_id, name, description, system_prompt_id, system_prompt_label, system_prompt_variables)
      values (${c.var.user.id}, ${input.name}, ${input.description}, ${promptId}, ${input.system_prompt_label ?? null},
              ${jsonbText(variables)}::text::jsonb)
      returning ${sql.unsafe(COLUMNS)}`;
    return row;
  }).catch(rethrowDatabaseError);
  return c.json(project, 201);
});

projectsRoutes.openapi(getProject, async (c) => {
  const { id } = c.req.valid('param');
  const [project] = await c.var.db.withUserTransaction(
    c.var.user,
    (sql) => sql<ProjectWithPromptRow[]>`select ${sql.unsafe(COLUMNS)} from public.projects where id = ${id}`,
  );
  if (!project) throw notFound('Project');
  return c.json(project, 200);
});

projectsRoutes.openapi(updateProject, async (c) => {
  const { id } = c.req.valid('param');
  const patch = c.req.valid('json');
  const project = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const [current] = await sql<Pick<ProjectRow, 'name' | 'description' | 'system_prompt_id' | 'system_prompt_label' | 'system_prompt_variables'>[]>`
      select id, name, description, system_prompt_id, system_prompt_label, system_prompt_variables from public.projects where id = ${id} for update`;
    if (!current) throw notFound('Project');
    const promptId = patch.system_prompt_id === undefined ? current.system_prompt_id : patch.system_prompt_id;
    // Clearing the prompt clears its label too, unless a new label comes with the patch.
    const label =
      patch.system_prompt_label !== undefined ? patch.system_prompt_label : promptId === null ? null : current.system_prompt_label;
    // Another prompt's variables are not this one's: they go with it unless new values come along.
    const variables =
      promptId === null ? {} : patch.system_prompt_variables ?? (promptId === current.system_prompt_id ? current.system_prompt_variables : {});
    // A rename alone does not ask again about a prompt that changed since (the project's page says so).
    const promptChanged = patch.system_prompt_id !== undefined || patch.system_prompt_label !== undefined || patch.system_prompt_variables !== undefined;
    await assertSystemPrompt(sql, promptId, label, promptChanged ? variables : null);
    const [row] = await sql<ProjectWithPromptRow[]>`
      update public.projects set
        name = ${patch.name ?? current.name},
        description = ${patch.description ?? current.description},
        system_prompt_id = ${promptId},
        system_prompt_label = ${label},
        system_prompt_variables = ${jsonbText(variables)}::text::jsonb
       where id = ${id}
      returning ${sql.unsafe(COLUMNS)}`;
    return row;
  }).catch(rethrowDatabaseError);
  return c.json(project, 200);
});

projectsRoutes.openapi(deleteProject, async (c) => {
  const { id } = c.req.valid('param');
  const deleted = await c.var.db.withUserTransaction(c.var.user, (sql) => sql`delete from public.projects where id = ${id} returning id`);
  if (deleted.length === 0) throw notFound('Project');
  return c.body(null, 204);
});

type Values = Record<string, string | number | boolean>;

/**
 * The system prompt must be one the caller can read (their own or a public one, as the
 * table's policy says); otherwise it is "not found" like any other id. A label needs a prompt.
 * With `variables` (null: not asked), the version a chat would use must render with them, as a
 * prompt's own template is checked when it is saved: the mistake is the author's 422 now, not
 * every message's later. A label no version has yet cannot be checked (the project's page
 * warns about it); a chat then renders whichever version gets it.
 */
async function assertSystemPrompt(sql: TransactionSql, promptId: string | null, label: string | null, variables: Values | null) {
  if (promptId === null) {
    if (label !== null) throw new ApiError(400, 'invalid_request', 'system_prompt_label needs a system_prompt_id');
    return;
  }
  const [prompt] = await sql`
    select id from public.prompts where id = ${promptId} union all select id from public.shared_prompts where id = ${promptId}`;
  if (!prompt) throw notFound('Prompt');
  if (variables === null) return;
  const template = await resolvePromptTemplate(sql, { promptId, label }).catch((error: unknown) => {
    if (label !== null && error instanceof ApiError && error.status === 404) return null;
    throw error;
  });
  if (template) assertRenders(template, variables);
}

/** Throws the render's 422 (missing, wrong type, too long), a missing value worded for a project. */
function assertRenders(template: ResolvedPrompt, variables: Values) {
  try {
    renderTemplate(template.content, variables);
  } catch (error) {
    if (!(error instanceof MissingVariablesError)) throw error;
    const names = error.missing.join(', ');
    throw new ApiError(
      422,
      'missing_variables',
      `The system prompt (v${template.version}) needs a value for ${error.missing.length === 1 ? 'the variable' : 'the variables'} ${names}: ` +
        'give it in system_prompt_variables, or choose another prompt',
      undefined,
      error.details,
    );
  }
}
