/**
 * Things done with a prompt: fork (a private copy of a public or own prompt that remembers
 * where it came from) and render (fill its `{{variables}}` — the current text, a labelled
 * version or a numbered one).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/context.ts';
import { rethrowDatabaseError } from '../../lib/db-errors.ts';
import { notFound } from '../../lib/errors.ts';
import { labelName } from '../../lib/inputs.ts';
import { defaultHook, errorResponses, jsonResponse, security, UuidParam } from '../../lib/openapi.ts';
import { extractVariables, MAX_RENDERED_CHARS, renderTemplate } from '../../lib/prompt-template.ts';
import { heavyRateLimit } from '../../lib/rate-limit.ts';
import { PromptConfigSchema, PromptSchema, TemplateVariableSchema } from '../../lib/resource-schemas.ts';
import { loadLabels, loadVersion, loadVisiblePrompt, presentPrompt, promptFields, setCommitMessage, versionNumber } from './model.ts';

const ForkInput = z.strictObject({ title: promptFields.title.optional() }).openapi('ForkPrompt');

const variableValue = z.union([z.string().max(100_000), z.number(), z.boolean()]);
const RenderInput = z
  .strictObject({
    variables: z
      .record(z.string().max(64), variableValue)
      .refine((v) => Object.keys(v).length <= 100, 'at most 100 variables')
      .default({}),
    label: labelName.optional(),
    version: versionNumber.optional(),
  })
  .refine((v) => !(v.label && v.version), { message: 'Give a label or a version, not both' })
  .openapi('RenderPrompt');

const Rendered = z
  .object({
    rendered: z.string(),
    version: z.number().int(),
    config: PromptConfigSchema,
    variables: z.array(TemplateVariableSchema),
  })
  .openapi('RenderedPrompt');

const tags = ['prompts'];

const routes = {
  fork: createRoute({
    method: 'post', path: '/{id}/fork', tags, security,
    summary: 'Copy a public (or own) prompt into a new private prompt',
    request: {
      params: UuidParam(),
      body: { required: false, content: { 'application/json': { schema: ForkInput } } },
    },
    responses: { 201: jsonResponse(PromptSchema, 'The fork'), ...errorResponses(400, 401, 404) },
  }),
  render: createRoute({
    method: 'post', path: '/{id}/render', tags, security,
    summary: 'Fill the template with variables (current text, a label or a version)',
    description: `Takes a token of the caller's \`heavy\` bucket (429 with Retry-After past it). A result over ${MAX_RENDERED_CHARS.toLocaleString('en')} ` +
      'characters is refused before it is built: 422 `rendered_too_long`.',
    request: { params: UuidParam(), body: { required: true, content: { 'application/json': { schema: RenderInput } } } },
    responses: { 200: jsonResponse(Rendered, 'The rendered text'), ...errorResponses(400, 401, 404, 422, 429) },
  }),
};

export const promptActionRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
// A render can give up to MAX_RENDERED_CHARS from a small request: each takes a heavy token.
promptActionRoutes.use('/:id/render', heavyRateLimit(1));

promptActionRoutes.openapi(routes.fork, async (c) => {
  const { id } = c.req.valid('param');
  // The body is optional (no body = keep the original title).
  const input = c.req.valid('json');
  const fork = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const source = await loadVisiblePrompt(sql, id);
    await setCommitMessage(sql, `Forked from "${source.title}" version ${source.latest_version}`.slice(0, 500));
    const [{ id: forkId }] = await sql<{ id: string }[]>`
      insert into public.prompts (user_id, title, description, content, tags, is_public, forked_from, config)
      values (${c.var.user.id}, ${input.title ?? source.title}, ${source.description}, ${source.content},
              ${source.tags}::text[], false, ${source.id}, ${JSON.stringify(source.config)}::text::jsonb)
      returning id`;
    return presentPrompt(await loadVisiblePrompt(sql, forkId), await loadLabels(sql, forkId));
  }).catch(rethrowDatabaseError);
  return c.json(fork, 201);
});

promptActionRoutes.openapi(routes.render, async (c) => {
  const { id } = c.req.valid('param');
  const { variables, label, version } = c.req.valid('json');
  const template = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const prompt = await loadVisiblePrompt(sql, id);
    let wanted = version ?? null;
    if (label) {
      const [row] = await sql<{ version: number }[]>`
        select version from public.prompt_labels where prompt_id = ${id} and label = ${label}`;
      if (!row) throw notFound(`Label ${label}`);
      wanted = row.version;
    }
    if (wanted === null || wanted === prompt.latest_version) {
      return { content: prompt.content, version: prompt.latest_version, config: prompt.config };
    }
    const old = await loadVersion(sql, id, wanted);
    if (!old) throw notFound(`Version ${wanted}`);
    return { content: old.content, version: old.version, config: old.config };
  });
  // 422 missing_variables / invalid_variables (naming each variable) / rendered_too_long come from renderTemplate.
  const rendered = renderTemplate(template.content, variables);
  return c.json({ rendered, version: template.version, config: template.config, variables: extractVariables(template.content) }, 200);
});
