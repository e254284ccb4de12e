/**
 * Builds the API: one Hono app under /api with request ids, a CORS allow-list, structured
 * logs (never secrets), a body-size limit, one error handler producing
 * `{ "error": { "code", "message" } }`, one sub-app per resource, and the OpenAPI 3.1
 * document plus a docs page. Runs unchanged under Deno (index.ts) and Node (tests).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Config } from './config.ts';
import { drainStorageCleanup } from './lib/attachments/cleanup.ts';
import { createTokenVerifier } from './lib/auth.ts';
import { createTurnRuntime } from './lib/chat/runtime.ts';
import type { AppDeps, AppEnv } from './lib/context.ts';
import { createDb, type Db } from './lib/db.ts';
import { databaseUnavailable, isDatabaseUnavailable } from './lib/db-errors.ts';
import { ApiError, errorBody } from './lib/errors.ts';
import { consoleSink, createLogger } from './lib/log.ts';
import { defaultHook } from './lib/openapi.ts';
import { apiKeysRoutes } from './routes/api-keys.ts';
import { budgetRoutes } from './routes/budget.ts';
import { scoresRoutes } from './routes/scores.ts';
import { gatewayRoutes } from './routes/gateway.ts';
import { chatRoutes } from './routes/chat.ts';
import { chatTurnRoutes } from './routes/chat-turns.ts';
import { credentialsRoutes } from './routes/credentials.ts';
import { docsRoutes } from './routes/docs.ts';
import { healthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/import.ts';
import { providersRoutes } from './routes/providers.ts';
import { meRoutes } from './routes/me.ts';
import { projectFilesRoutes } from './routes/project-files.ts';
import { projectsRoutes } from './routes/projects.ts';
import { promptsRoutes } from './routes/prompts/index.ts';
import { searchRoutes } from './routes/search.ts';
import { sessionAttachmentsRoutes } from './routes/session-attachments.ts';
import { sessionsRoutes } from './routes/sessions.ts';
import { membersRoutes } from './routes/members.ts';
import { sessionBranchesRoutes } from './routes/session-branches.ts';
import { sessionSharesRoutes, sharedChatRoutes } from './routes/shares.ts';
import { usageRoutes } from './routes/usage.ts';

export interface CreateAppDeps extends Partial<AppDeps> {
  db?: Db;
}

const HTTP_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export function createApp(config: Config, deps: CreateAppDeps = {}) {
  const resolved: AppDeps = {
    fetch: deps.fetch ?? fetch, log: deps.log ?? consoleSink, lookup: deps.lookup, pinnedFetch: deps.pinnedFetch, waitUntil: deps.waitUntil,
  };
  const db = deps.db ?? createDb(config.dbUrl);
  const logger = createLogger(resolved.log, config.logLevel);
  const verifyToken = createTokenVerifier(config, resolved.fetch);
  const turns = createTurnRuntime(config, db, resolved, logger);

  const app = new OpenAPIHono<AppEnv>({ defaultHook }).basePath('/api');

  app.use('*', requestId({ limitLength: 64 }));
  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('config', config);
    c.set('db', db);
    c.set('deps', resolved);
    c.set('turns', turns);
    c.set('verifyToken', verifyToken);
    c.set('log', logger.child({ request_id: c.var.requestId }));
    await next();
    // Path only: query strings may hold search text, never logged; nor are share tokens.
    c.var.log.info('request', {
      method: c.req.method,
      path: c.req.path.replace(/\/shared\/[^/]+/, '/shared/<token>'),
      status: c.res.status,
      duration_ms: Math.round(performance.now() - started),
      user_id: c.var.user?.id,
    });
  });
  app.use(
    '*',
    cors({
      origin: (origin) => (config.corsOrigins.includes(origin) || config.corsOrigins.includes('*') ? origin : null),
      allowHeaders: ['authorization', 'content-type', 'x-client-info', 'apikey', 'x-request-id'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      exposeHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: config.limits.maxBodyBytes,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `Request body is larger than ${config.limits.maxBodyBytes} bytes`);
      },
    }),
  );

  app.onError((thrown, c) => {
    const unavailable = isDatabaseUnavailable(thrown);
    if (unavailable) c.var.log?.error('database unavailable', { message: thrown.message });
    const error = unavailable ? databaseUnavailable() : thrown;
    if (error instanceof ApiError) {
      if (error.status >= 500) c.var.log?.error('request failed', { code: error.code, message: error.message });
      return c.json(errorBody(error.code, error.message, error.details), error.status as ContentfulStatusCode, error.headers);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = HTTP_CODES[status] ?? 'http_error';
      const message = status === 400 && /json/i.test(error.message) ? 'Request body is not valid JSON' : error.message || code;
      return c.json(errorBody(code, message), status as ContentfulStatusCode);
    }
    c.var.log?.error('unhandled error', { name: error.name, message: error.message, stack: error.stack });
    return c.json(errorBody('internal', 'Something went wrong on our side; try again'), 500);
  });
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));

  // A successful delete (session, project, account…) may have queued Storage objects through
  // cascades; they are removed before the answer, so a deleted thing leaves no file behind.
  app.use('*', async (c, next) => {
    await next();
    if (c.req.method === 'DELETE' && c.res.status < 300) await drainStorageCleanup(db, { config, fetch: resolved.fetch }, c.var.log);
  });

  // One sub-app per resource. Keep in sync with the OpenAPI test (every route listed).
  app.route('/health', healthRoutes);
  app.route('/chat', chatRoutes);
  app.route('/chat', chatTurnRoutes);
  app.route('/credentials', credentialsRoutes);
  app.route('/providers', providersRoutes);
  app.route('/me', meRoutes);
  app.route('/projects', projectsRoutes);
  app.route('/projects', projectFilesRoutes);
  app.route('/sessions', sessionsRoutes);
  app.route('/sessions', sessionAttachmentsRoutes);
  app.route('/sessions', sessionSharesRoutes);
  app.route('/sessions', sessionBranchesRoutes);
  app.route('/sessions', membersRoutes);
  app.route('/shared', sharedChatRoutes);
  app.route('/prompts', promptsRoutes);
  app.route('/search', searchRoutes);
  app.route('/import', importRoutes);
  app.route('/usage', usageRoutes);
  app.route('/budget', budgetRoutes);
  app.route('/api-keys', apiKeysRoutes);
  app.route('/scores', scoresRoutes);
  app.route('/v1', gatewayRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Supabase user access token, or (where a route says so) a Mr.Prompt API key `mrp_…` with the scope it needs',
  });
  app.route('/docs', docsRoutes);
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Mr.Prompt API', version: '1.0.0', description: 'Chat, prompts, projects and usage for Mr.Prompt.' },
    servers: [{ url: `${config.supabaseUrl}/functions/v1`, description: 'Supabase Edge Functions' }],
  });

  /** Stops every running turn (keeping each partial, status stopped with `code`) and waits up to `timeoutMs` for them to be saved. */
  const stopTurns = (code: string, timeoutMs: number) => turns.registry.stopAll(code, timeoutMs);
  return Object.assign(app, { stopTurns });
}

export type App = ReturnType<typeof createApp>;
