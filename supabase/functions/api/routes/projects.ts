/**
 * /api/projects: folders of chats with an active system prompt. Owner-only (RLS); another
 * user's project is indistinguishable from a missing one (404).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { cursorTimestampSql, decodeCursor, timeIdCursor } from '../lib/cursor.ts';
import { rethrowDatabaseError } from '../lib/db-errors.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { labelName, nonEmpty, NOTHING_TO_UPDATE, optionalQuery, text, trimmed } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../lib/openapi.ts';
import { cursorParam, limitParam, takePage } from '../lib/pagination.ts';
import { ProjectSchema, type ProjectRow } from '../lib/resource-schemas.ts';

const fields = {
  name: trimmed(1, 100),
  description: text(2000),
  // Null means the project has no system prompt; a label pins a labelled version of it.
  system_prompt_id: z.uuid().nullable(),
  system_prompt_label: labelName.nullable(),
};

const CreateProject = z
  .strictObject({
    name: fields.name,
    description: fields.description.default(''),
    system_prompt_id: fields.system_prompt_id.optional(),
    system_prompt_label: fields.system_prompt_label.optional(),
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
  responses: { 201: jsonResponse(ProjectWithPrompt, 'The new project'), ...errorResponses(400, 401, 404) },
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
  responses: { 200: jsonResponse(ProjectWithPrompt, 'The updated project'), ...errorResponses(400, 401, 404) },
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

const COLUMNS = `id, name, description, system_prompt_id, system_prompt_label, created_at, updated_at,
  (select p.title from public.prompts p where p.id = system_prompt_id) as system_prompt_title`;

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
    await assertSystemPrompt(sql, input.system_prompt_id ?? null, input.system_prompt_label ?? null);
    const [row] = await sql<ProjectWithPromptRow[]>`
      insert into public.projects (user_id, name, description, system_prompt_id, system_prompt_label)
      values (${c.var.user.id}, ${input.name}, ${input.description}, ${input.system_prompt_id ?? null}, ${input.system_prompt_label ?? null})
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
    const [current] = await sql<Pick<ProjectRow, 'name' | 'description' | 'system_prompt_id' | 'system_prompt_label'>[]>`select id, name, description, system_prompt_id, system_prompt_label from public.projects where id = ${id} for update`;
    if (!current) throw notFound('Project');
    const promptId = patch.system_prompt_id === undefined ? current.system_prompt_id : patch.system_prompt_id;
    // Clearing the prompt clears its label too, unless a new label comes with the patch.
    const label =
      patch.system_prompt_label !== undefined ? patch.system_prompt_label : promptId === null ? null : current.system_prompt_label;
    await assertSystemPrompt(sql, promptId, label);
    const [row] = await sql<ProjectWithPromptRow[]>`
      update public.projects set
        name = ${patch.name ?? current.name},
        description = ${patch.description ?? current.description},
        system_prompt_id = ${promptId},
        system_prompt_label = ${label}
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

/**
 * The system prompt must be one the caller can read (their own or a public one, as the
 * table's policy says); otherwise it is "not found" like any other id. A label needs a prompt.
 */
async function assertSystemPrompt(sql: TransactionSql, promptId: string | null, label: string | null) {
  if (promptId === null) {
    if (label !== null) throw new ApiError(400, 'invalid_request', 'system_prompt_label needs a system_prompt_id');
    return;
  }
  const [prompt] = await sql`select id from public.prompts where id = ${promptId}`;
  if (!prompt) throw notFound('Prompt');
}
