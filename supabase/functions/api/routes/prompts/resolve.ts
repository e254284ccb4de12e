/**
 * GET /api/prompts/resolve?name=&label=|version=: what another app needs to use a prompt —
 * the template of one version, its typed variables, its model settings, and (with
 * `variables=<json>`) the compiled text. By the caller's own prompt `name`; a label
 * (e.g. `production`) or a version number, else the latest version. Answers carry an ETag;
 * `If-None-Match` with it answers 304, so a client polling for changes moves no body.
 * Works with a session or an API key with `prompts:read`.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import type { AppEnv } from '../../lib/context.ts';
import { notFound } from '../../lib/errors.ts';
import { labelName, optionalQuery } from '../../lib/inputs.ts';
import { defaultHook, errorResponses, jsonResponse, security } from '../../lib/openapi.ts';
import { extractVariables, MAX_RENDERED_CHARS, renderTemplate } from '../../lib/prompt-template.ts';
import { heavyRateLimit } from '../../lib/rate-limit.ts';
import { PromptConfigSchema, TemplateVariableSchema, type PromptConfig } from '../../lib/resource-schemas.ts';
import { promptName } from './model.ts';

const variablesJson = z.string().max(100_000).transform((text, ctx) => {
  try {
    const parsed: unknown = JSON.parse(text);
    const values = z.record(z.string().max(64), z.union([z.string(), z.number(), z.boolean()])).safeParse(parsed);
    if (values.success) return values.data;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'must be a JSON object of strings, numbers and booleans' });
  return z.NEVER;
});

const ResolveQuery = z
  .strictObject({
    name: promptName.openapi({ param: { name: 'name', in: 'query' }, example: 'support-reply' }),
    label: optionalQuery(labelName).openapi({ param: { name: 'label', in: 'query' }, example: 'production' }),
    version: optionalQuery(z.coerce.number().int().min(1).max(1_000_000)).openapi({ param: { name: 'version', in: 'query' } }),
    variables: optionalQuery(variablesJson).openapi({
      param: { name: 'variables', in: 'query' },
      description: 'JSON object of values; when given, `compiled` holds the rendered text (422 names a wrong variable, or `rendered_too_long` ' +
        `past ${MAX_RENDERED_CHARS.toLocaleString('en')} characters) and the request takes a token of the caller's \`heavy\` bucket`,
    }),
  })
  .refine((q) => !(q.label && q.version), { message: 'Give a label or a version, not both' });

const Resolved = z
  .object({
    id: z.uuid(),
    name: z.string(),
    title: z.string(),
    version: z.number().int(),
    label: z.string().nullable(),
    labels: z.array(z.string()).openapi({ description: 'Every label pointing at this version' }),
    prompt: z.string().openapi({ description: 'The template text of this version' }),
    compiled: z.string().nullable().openapi({ description: 'The text rendered with `variables` (null without them)' }),
    variables: z.array(TemplateVariableSchema),
    config: PromptConfigSchema,
    etag: z.string(),
  })
  .openapi('ResolvedPrompt');

const route = createRoute({
  method: 'get', path: '/resolve', tags: ['prompts'], security,
  summary: 'Fetch one of my prompts by name and label (or version) — for other apps; ETag / If-None-Match',
  request: { query: ResolveQuery },
  responses: {
    200: jsonResponse(Resolved, 'The version, its settings and variables'),
    304: { description: 'Not modified since the ETag in If-None-Match' },
    ...errorResponses(400, 401, 403, 404, 422, 429),
  },
});

export const promptResolveRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
// Rendering (`variables`) can give up to MAX_RENDERED_CHARS from a small request: it takes a
// heavy token. A plain resolve (what a client polls with If-None-Match) takes none.
promptResolveRoutes.use('/resolve', heavyRateLimit(1, (c) => Boolean(c.req.query('variables'))));

promptResolveRoutes.openapi(route, async (c) => {
  const { name, label, version, variables } = c.req.valid('query');
  const found = await c.var.db.withUserTransaction(c.var.user, (sql) => resolvePromptVersion(sql, c.var.user.id, name, { label, version }));
  const body = {
    id: found.id,
    name,
    title: found.title,
    version: found.version,
    label: label ?? null,
    labels: found.labels,
    prompt: found.content,
    compiled: variables ? renderTemplate(found.content, variables) : null,
    variables: extractVariables(found.content),
    config: found.config,
  };
  const etag = `"${await sha256Hex(JSON.stringify(body))}"`;
  c.header('etag', etag);
  // Private (per user), and always revalidated: the label may move at any moment.
  c.header('cache-control', 'private, no-cache');
  if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304);
  return c.json({ ...body, etag }, 200);
});

export interface ResolvedVersion {
  id: string;
  title: string;
  version: number;
  content: string;
  config: PromptConfig;
  labels: string[];
}

/**
 * One of the caller's prompts by name: the labelled version, a numbered one, or the latest.
 * Runs as the caller (RLS). 404 names what was not found. Shared with the /v1 gateway.
 */
export async function resolvePromptVersion(
  sql: TransactionSql,
  userId: string,
  name: string,
  pick: { label?: string; version?: number },
): Promise<ResolvedVersion> {
  const [prompt] = await sql<{ id: string; latest_version: number }[]>`
    select id, latest_version from public.prompts where user_id = ${userId} and name = ${name}`;
  if (!prompt) throw notFound(`Prompt ${name}`);
  let wanted = pick.version ?? prompt.latest_version;
  if (pick.label) {
    const [row] = await sql<{ version: number }[]>`select version from public.prompt_labels where prompt_id = ${prompt.id} and label = ${pick.label}`;
    if (!row) throw notFound(`Label ${pick.label} of prompt ${name}`);
    wanted = row.version;
  }
  const [v] = await sql<{ title: string; content: string; config: PromptConfig; labels: string[] }[]>`
    select v.title, v.content, v.config,
           coalesce((select array_agg(l.label order by l.label) from public.prompt_labels l
                      where l.prompt_id = v.prompt_id and l.version = v.version), '{}') as labels
      from public.prompt_versions v where v.prompt_id = ${prompt.id} and v.version = ${wanted}`;
  if (!v) throw notFound(`Version ${wanted} of prompt ${name}`);
  return { id: prompt.id, version: wanted, ...v };
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** RFC 9110 If-None-Match: `*`, or a list of (possibly weak) tags compared weakly. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
