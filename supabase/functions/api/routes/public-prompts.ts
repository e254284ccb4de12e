/**
 * GET /api/public/prompts/{id}: a public prompt for anyone with its link, signed out included —
 * the read a prompt's public page makes. It reads exactly what the Data API gives the `anon`
 * role: public.read_public_prompt, one public prompt by id at the version its owner shares.
 * `anon` may read no prompt table or view (20261208460000), and the library's search stays for
 * signed-in users (20261206090000_bound_prompt_search.sql), so a signed-out visitor can open a
 * prompt they were sent, never list or search them. Forking it needs a session
 * (POST /prompts/{id}/fork).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { publicReadRateLimit } from '../lib/address-rate-limit.ts';
import type { AppEnv } from '../lib/context.ts';
import { notFound } from '../lib/errors.ts';
import { defaultHook, errorResponses, jsonResponse, UuidParam } from '../lib/openapi.ts';
import { extractVariables } from '../lib/prompt-template.ts';
import { PromptConfigSchema, TemplateVariableSchema } from '../lib/resource-schemas.ts';

// What a visitor needs to read and use the prompt; not who owns it, nor what it was forked from
// (someone's prompt they may not read), nor its labels and history.
const PublicPrompt = z
  .object({
    id: z.uuid(),
    name: z.string(),
    title: z.string(),
    description: z.string(),
    content: z.string().openapi({ description: 'The template of the shared version' }),
    tags: z.array(z.string()),
    latest_version: z.number().int().openapi({ description: 'The shared version: the one visitors see (and a fork copies), not necessarily the newest the owner saved' }),
    shared_label: z.string().nullable().openapi({ description: 'The label that version is shared at (`production`, say); null: the owner shares each version as it is saved' }),
    config: PromptConfigSchema,
    variables: z.array(TemplateVariableSchema),
    updated_at: z.string().openapi({ format: 'date-time', description: 'When what visitors see was last shared (its version saved, its label moved, or the prompt made public); the owner\'s unshared drafts do not move it' }),
  })
  .openapi('PublicPrompt');
type PublicPromptRow = Omit<z.infer<typeof PublicPrompt>, 'variables' | 'updated_at'> & { updated_at: Date };

const read = createRoute({
  method: 'get', path: '/prompts/{id}', tags: ['prompts'],
  middleware: [publicReadRateLimit] as const,
  summary: 'Read a public prompt (no sign-in needed)',
  description: 'Its shared version (its shared label\'s, else its newest), as anyone may read it; 404 for a prompt that is private or does not exist (the two look the same). Counted per client address (PUBLIC_READ_RATE_CAPACITY); past it, 429 with Retry-After.',
  request: { params: UuidParam() },
  responses: { 200: jsonResponse(PublicPrompt, 'The public prompt'), ...errorResponses(400, 404, 429) },
});

export const publicRoutes = new OpenAPIHono<AppEnv>({ defaultHook }).openapi(read, async (c) => {
  const { id } = c.req.valid('param');
  const [row] = await c.var.db.withAnonTransaction((sql) => sql<PublicPromptRow[]>`
    select id, name, title, description, content, tags, version as latest_version, shared_label, config, updated_at
      from public.read_public_prompt(${id})`);
  if (!row) throw notFound('Prompt');
  return c.json({ ...row, variables: extractVariables(row.content), updated_at: row.updated_at.toISOString() }, 200);
});
