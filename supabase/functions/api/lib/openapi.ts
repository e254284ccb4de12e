/**
 * Shared building blocks for route modules: the validation hook every sub-app uses (zod
 * failures → 400 invalid_request with a readable message), the error schemas, small helpers
 * so route definitions stay short, and withSharedErrors, which adds to the built document
 * the errors shared middleware answers (401/403, 413/415, 503), so routes list only their own.
 *
 *   export const thingsRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
 *   const route = createRoute({ method: 'put', path: '/{id}', request: { params: IdParams, body: jsonBody(Input) },
 *     responses: { 200: jsonResponse(Thing, 'The thing'), ...errorResponses(400, 401, 404) }, security });
 */
import { z, type Hook } from '@hono/zod-openapi';
import type { ZodError, ZodType } from 'zod';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

// What an issue about the whole input is about, by the part of the request that was checked.
const WHOLE: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'headers', form: 'body' };

/** Turns zod issues into one sentence a client developer can act on. */
export function describeZodError(error: ZodError, target = 'json'): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : (WHOLE[target] ?? target);
    return `${where}: ${issue.message}`;
  });
  return parts.join('; ') || 'Invalid request';
}

// biome-ignore lint: the hook is generic over every route's input
export const defaultHook: Hook<any, AppEnv, any, any> = (result) => {
  if (result.success) return;
  const error = new ApiError(400, 'invalid_request', describeZodError(result.error as ZodError, result.target));
  const named = (result.error as ZodError).issues.find((issue) => issue.path.length);
  throw named ? error.about(named.path.join('.')) : error;
};

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }).catchall(z.unknown()) })
  .openapi('Error');

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input',
  401: 'Missing or invalid access token',
  402: 'Monthly budget used up (budget_exceeded, with spent_usd and resets_at)',
  403: 'Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required)',
  404: 'Not found (or not yours)',
  409: 'Conflict',
  413: 'Request body too large (MAX_BODY_BYTES, 256 KiB by default)',
  415: 'The body is not sent as content-type: application/json',
  422: 'Cannot be processed',
  428: 'Precondition required (revision_required: send expected_revision to change what makes no new version)',
  429: 'Rate limited; see Retry-After',
  502: 'The provider failed',
  503: 'Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After',
};

/** The gateway's errors (/v1), as OpenAI shapes them: what the openai SDK reads as `err.type` and `err.param`. */
export const OpenAiErrorSchema = z
  .object({
    error: z
      .object({
        message: z.string(),
        type: z.string().openapi({ example: 'invalid_request_error' }),
        param: z.string().nullable().openapi({ description: 'The request field at fault, if one is', example: 'messages.0.role' }),
        code: z.string(),
      })
      .catchall(z.unknown()),
  })
  .openapi('OpenAiError');

const errorEntries = (schema: ZodType, statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: ERROR_TEXT[s] ?? 'Error', content: { 'application/json': { schema } } }]));

/** Error response entries for createRoute's `responses`. */
export const errorResponses = (...statuses: number[]) => errorEntries(ErrorSchema, statuses);

/** The same for the OpenAI-compatible gateway's routes. */
export const openAiErrorResponses = (...statuses: number[]) => errorEntries(OpenAiErrorSchema, statuses);

// What the shared middleware can answer on any route of a kind, added once to the document
// (withSharedErrors) rather than to every route: a token's 401 and 403 where one is needed,
// the body limit's 413 and the JSON check's 415 where a JSON body is taken, and 503 anywhere.
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
type Operation = { security?: unknown[]; requestBody?: { content?: Record<string, unknown> }; responses?: Record<string, unknown> };

/** Adds the shared errors to each operation of a generated document that does not list them (the gateway's in OpenAI's shape). */
export function withSharedErrors<D extends { paths?: Record<string, object> }>(document: D): D {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const schema = { $ref: `#/components/schemas/${path.startsWith('/api/v1/') ? 'OpenAiError' : 'Error'}` };
    for (const [method, value] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const operation: Operation = value ?? {};
      const statuses = [
        ...(operation.security?.length ? [401, 403] : []),
        ...(operation.requestBody?.content?.['application/json'] ? [413, 415] : []),
        503,
      ];
      operation.responses ??= {};
      for (const status of statuses) {
        operation.responses[status] ??= { description: ERROR_TEXT[status], content: { 'application/json': { schema } } };
      }
    }
  }
  return document;
}

export function jsonResponse<T extends ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A required JSON body (so a missing or non-JSON body is a 400/415, never an empty object). */
export function jsonBody<T extends ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

/** Marks a route as needing the Bearer token (shown in the OpenAPI document). */
export const security = [{ bearerAuth: [] }];

export const UuidParam = (name = 'id') =>
  z.object({ [name]: z.uuid().openapi({ param: { name, in: 'path' } }) });
