/**
 * Builds the API: Hono under /api with request ids, a CORS allow-list, structured logs (never
 * secrets), a body-size limit, one error handler producing `{ "error": { "code", "message" } }`
 * (on the OpenAI-compatible /api/v1, OpenAI's shape: `type` and `param` as well),
 * one sub-app per resource — loaded by route group on first use, so a cold start evaluates
 * only what its first request needs — and the OpenAPI 3.1 document plus a docs page. Runs
 * unchanged under Deno (index.ts) and Node (tests).
 *
 * What a health check needs stays free of zod and @hono/zod-openapi (the largest modules a
 * cold start would otherwise load first): the served apps are plain Hono around the route
 * groups' own sub-apps, the token verifier loads with the first request that presents a
 * token, and the OpenAPI machinery only with the document.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Config } from './config.ts';
import { drainStorageCleanup } from './lib/attachments/cleanup.ts';
import type { TokenVerifier } from './lib/auth.ts';
import { bodyLimits } from './lib/body-limits.ts';
import { createTurnRuntime } from './lib/chat/runtime.ts';
import type { AppDeps, AppEnv } from './lib/context.ts';
import { createDb, type Db } from './lib/db.ts';
import { databaseUnavailable, insufficientAal, isDatabaseUnavailable, isInsufficientAal, isSessionSignedOut, rowQuotaReached, sessionEnded } from './lib/db-errors.ts';
import { ApiError, errorBody, openAiErrorBody } from './lib/errors.ts';
import { consoleSink, createLogger } from './lib/log.ts';
import { OPENAI_RATE_LIMIT_HEADERS } from './lib/provider-rate-limit-headers.ts';
import { allRouteGroups, ROUTE_GROUPS, type Mounts } from './route-groups.ts';

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
  let verifier: Promise<TokenVerifier> | undefined;
  const verifyToken = async (token: string) => {
    if (!verifier) {
      verifier = import('./lib/auth.ts').then((auth) => auth.createTokenVerifier(config, resolved.fetch));
      verifier.catch(() => (verifier = undefined));
    }
    return await (await verifier)(token);
  };
  const turns = createTurnRuntime(config, db, resolved, logger);
  // When this instance last drained private.storage_cleanup; its first background drain is one
  // interval after boot, so a cold start's first request has the database to itself.
  let lastDrain = performance.now();

  /** The API's middleware, error shape and not-found answer around `mounts`, on `app`. */
  const wire = <A extends Hono<AppEnv, {}, '/api'>>(app: A, mounts: Mounts): A => {
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
        // Besides supabase-js's headers: what the openai SDK sends from a browser (its
        // preflight fails on any header not listed), the gateway's prompt header, and
        // If-None-Match for revalidating a resolved prompt; exposed, the headers the docs
        // tell a client to read.
        allowHeaders: [
          'authorization', 'content-type', 'x-client-info', 'apikey', 'x-request-id', 'if-none-match', 'x-mrprompt-prompt',
          'openai-organization', 'openai-project', 'x-stainless-arch', 'x-stainless-lang', 'x-stainless-os', 'x-stainless-package-version',
          'x-stainless-retry-count', 'x-stainless-runtime', 'x-stainless-runtime-version', 'x-stainless-timeout',
        ],
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        exposeHeaders: ['x-request-id', 'retry-after', 'etag', 'content-disposition', 'x-mrprompt-usage-log-id', ...OPENAI_RATE_LIMIT_HEADERS],
        maxAge: 600,
      }),
    );
    // One checker per distinct limit, built once; the table (lib/body-limits.ts) says which
    // routes take more than MAX_BODY_BYTES.
    const limits = bodyLimits(config.limits.maxBodyBytes);
    const checkers = new Map(limits.distinct.map((maxSize) => [maxSize, bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `Request body is larger than ${maxSize} bytes`);
      },
    })]));
    app.use('*', (c, next) => checkers.get(limits.limitFor(c.req.method, c.req.path))!(c, next));

    // The OpenAI-compatible gateway answers errors as OpenAI does (its clients read `type`).
    const respond = (c: Context<AppEnv>, status: number, body: ReturnType<typeof errorBody>, headers?: Record<string, string>, param?: string | null) =>
      c.json(c.req.path.startsWith('/api/v1/') ? openAiErrorBody(status, body, param) : body, status as ContentfulStatusCode, headers);
    app.onError((thrown, c) => {
      const unavailable = isDatabaseUnavailable(thrown);
      if (unavailable) c.var.log?.error('database unavailable', { message: thrown.message });
      const error = unavailable ? databaseUnavailable()
        : isSessionSignedOut(thrown) ? sessionEnded()
        : isInsufficientAal(thrown) ? insufficientAal()
        : rowQuotaReached(thrown) ?? thrown;
      if (error instanceof ApiError) {
        if (error.status >= 500) c.var.log?.error('request failed', { code: error.code, message: error.message });
        return respond(c, error.status, errorBody(error.code, error.message, error.details), error.headers, error.param);
      }
      if (error instanceof HTTPException) {
        const status = error.status;
        const code = HTTP_CODES[status] ?? 'http_error';
        // Every body the API takes is JSON (files go to Storage), so a 415 can say what to send.
        const message =
          status === 400 && /json/i.test(error.message) ? 'Request body is not valid JSON'
          : status === 415 ? 'Send the body as JSON, with the header content-type: application/json'
          : error.message || code;
        return respond(c, status, errorBody(code, message));
      }
      c.var.log?.error('unhandled error', { name: error.name, message: error.message, stack: error.stack });
      return respond(c, 500, errorBody('internal', 'Something went wrong on our side; try again'));
    });
    app.notFound((c) => respond(c, 404, errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`)));

    // A successful delete (session, project, account…) may have queued Storage objects through
    // cascades; they are removed before the answer, so a deleted thing leaves no file behind.
    // Objects queued with no request of ours to drain them — an account deleted with the Auth
    // admin API or the dashboard, whose trigger queues its files — go in the background after
    // the next request once the interval has passed since this instance last drained.
    app.use('*', async (c, next) => {
      await next();
      if (c.req.method === 'DELETE' && c.res.status < 300) {
        lastDrain = performance.now();
        await drainStorageCleanup(db, { config, fetch: resolved.fetch }, c.var.log);
      } else if (performance.now() - lastDrain >= config.storage.cleanupIntervalSeconds * 1000) {
        lastDrain = performance.now();
        const work = drainStorageCleanup(db, { config, fetch: resolved.fetch }, c.var.log);
        resolved.waitUntil?.(work);
      }
    });

    for (const [path, routes] of mounts) app.route(path, routes);
    return app;
  };

  /** Every route group, plus the OpenAPI document and the docs page. */
  const documented = async () => {
    const [mounts, { OpenAPIHono }, { defaultHook, withSharedErrors }, { docsRoutes }] = await Promise.all([
      allRouteGroups(),
      import('@hono/zod-openapi'),
      import('./lib/openapi.ts'),
      import('./routes/docs.ts'),
    ]);
    const app = wire(new OpenAPIHono<AppEnv>({ defaultHook }).basePath('/api'), mounts);
    app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'A Supabase user access token, or (where a route says so) a Mr.Prompt API key `mrp_…` with the scope it needs. A revoked, expired or unknown key answers 401; a key without the scope 403 `insufficient_scope`; a key on a route that needs a session 403 `session_required`',
    });
    app.route('/docs', docsRoutes);
    // As app.doc31 serves it, with the errors shared middleware answers on every route.
    app.get('/openapi.json', (c) =>
      c.json(withSharedErrors(app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'Mr.Prompt API', version: '1.0.0', description: 'Chat, prompts, projects and usage for Mr.Prompt.' },
        servers: [{ url: `${config.supabaseUrl}/functions/v1`, description: 'Supabase Edge Functions' }],
      }))),
    );
    return app;
  };

  // One app per route group (route-groups.ts), built on the group's first request; the
  // document and docs page get one with every group. All share the database pool, the
  // token verifier and the running turns.
  const built = new Map<string, Promise<Hono<AppEnv, {}, '/api'>>>();
  const load = <A extends Hono<AppEnv, {}, '/api'>>(key: string, make: () => Promise<A>): Promise<A> => {
    let app = built.get(key) as Promise<A> | undefined;
    if (!app) {
      app = make();
      app.catch(() => built.delete(key));
      built.set(key, app);
    }
    return app;
  };
  /** With every route: what /openapi.json documents. */
  const loadAll = (): Promise<OpenAPIHono<AppEnv, {}, '/api'>> => load('*', documented);
  const appFor = (path: string) => {
    const [, base, segment = ''] = path.split('/');
    if (base === 'api' && (segment === 'openapi.json' || segment === 'docs')) return loadAll();
    const group = base === 'api' && Object.hasOwn(ROUTE_GROUPS, segment) ? segment : '';
    // No group: an app with no routes still answers CORS preflights and the JSON 404.
    return load(group, async () => wire(new Hono<AppEnv>().basePath('/api'), group ? await ROUTE_GROUPS[group]!() : []));
  };

  const front = new Hono();
  front.all('*', async (c) => (await appFor(c.req.path)).fetch(c.req.raw, c.env));
  front.onError((error, c) => {
    logger.error('loading routes failed', { name: error.name, message: error.message });
    return c.json(errorBody('internal', 'Something went wrong on our side; try again'), 500);
  });

  /** Stops every running turn (keeping each partial, status stopped with `code`) and waits up to `timeoutMs` for them to be saved. */
  const stopTurns = (code: string, timeoutMs: number) => turns.registry.stopAll(code, timeoutMs);
  return Object.assign(front, { stopTurns, loadAll });
}

export type App = ReturnType<typeof createApp>;
