/**
 * /api/prompts/{id}/test-cases: named variable sets (and a message) the owner keeps with a
 * prompt, so the playground can rerun them against every new version.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/context.ts';
import { notFound } from '../../lib/errors.ts';
import { storedVariableValues, text, trimmed } from '../../lib/inputs.ts';
import { jsonbText } from '../../lib/jsonb.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security } from '../../lib/openapi.ts';
import { loadOwnPrompt } from './model.ts';

const TestCase = z
  .object({ id: z.uuid(), name: z.string(), variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])), message: z.string(), updated_at: z.string() })
  .openapi('PromptTestCase');

const SaveTestCase = z
  .strictObject({
    name: trimmed(1, 100),
    variables: storedVariableValues().default({}),
    message: text(20_000).default(''),
  })
  .openapi('SavePromptTestCase');

const idParam = z.uuid().openapi({ param: { name: 'id', in: 'path' } });
const tags = ['prompts'];
const routes = {
  list: createRoute({
    method: 'get', path: '/{id}/test-cases', tags, security,
    summary: "A prompt's saved test cases",
    request: { params: z.object({ id: idParam }) },
    responses: { 200: jsonResponse(z.object({ test_cases: z.array(TestCase) }).openapi('PromptTestCaseList'), 'By name'), ...errorResponses(400, 401, 403, 404) },
  }),
  save: createRoute({
    method: 'post', path: '/{id}/test-cases', tags, security,
    summary: 'Save a test case (a case with the same name is replaced)',
    request: { params: z.object({ id: idParam }), body: jsonBody(SaveTestCase) },
    responses: { 200: jsonResponse(TestCase, 'The case'), ...errorResponses(400, 401, 403, 404) },
  }),
  delete: createRoute({
    method: 'delete', path: '/{id}/test-cases/{case_id}', tags, security,
    summary: 'Remove a test case',
    request: { params: z.object({ id: idParam, case_id: z.uuid().openapi({ param: { name: 'case_id', in: 'path' } }) }) },
    responses: { 204: { description: 'Removed' }, ...errorResponses(400, 401, 403, 404) },
  }),
};

interface Row {
  id: string;
  name: string;
  variables: Record<string, string | number | boolean>;
  message: string;
  updated_at: Date;
}
const present = (r: Row) => ({ ...r, updated_at: r.updated_at.toISOString() });

export const promptTestCaseRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

promptTestCaseRoutes.openapi(routes.list, async (c) => {
  const { id } = c.req.valid('param');
  const rows = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await loadOwnPrompt(sql, id);
    return await sql<Row[]>`select id, name, variables, message, updated_at from public.prompt_test_cases where prompt_id = ${id} order by name`;
  });
  return c.json({ test_cases: rows.map(present) }, 200);
});

promptTestCaseRoutes.openapi(routes.save, async (c) => {
  const { id } = c.req.valid('param');
  const input = c.req.valid('json');
  const row = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await loadOwnPrompt(sql, id);
    const [saved] = await sql<Row[]>`
      insert into public.prompt_test_cases (prompt_id, user_id, name, variables, message)
      values (${id}, ${c.var.user.id}, ${input.name}, ${jsonbText(input.variables)}::text::jsonb, ${input.message})
      on conflict (prompt_id, name) do update set variables = excluded.variables, message = excluded.message
      returning id, name, variables, message, updated_at`;
    return saved!;
  });
  return c.json(present(row), 200);
});

promptTestCaseRoutes.openapi(routes.delete, async (c) => {
  const { id, case_id } = c.req.valid('param');
  await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await loadOwnPrompt(sql, id);
    const deleted = await sql`delete from public.prompt_test_cases where id = ${case_id} and prompt_id = ${id} returning id`;
    if (deleted.length === 0) throw notFound('Test case');
  });
  return c.body(null, 204);
});
