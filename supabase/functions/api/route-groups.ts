/**
 * The API's resources, grouped by the first path segment under /api, each group loaded on
 * its first request: a cold function evaluates only the route modules (and their zod
 * schemas) of what it is asked for. The imports are literal, so they are part of the
 * deployed bundle like static ones (https://supabase.com/docs/guides/functions/dependencies).
 *
 * The order is the order of the OpenAPI document. Keep it in sync with the OpenAPI test
 * (every route listed).
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import type { AppEnv } from './lib/context.ts';

/** Sub-apps and the path each is mounted at (after /api). */
export type Mounts = [path: string, routes: OpenAPIHono<AppEnv> | Hono<AppEnv>][];

/**
 * Route modules describe their zod schemas with `.openapi()`, which @hono/zod-openapi adds to
 * zod when it is evaluated. Each imports `z` from there, which puts it first in the source's
 * order; a code-split bundle can lose that order (esbuild binds a re-exported `z` straight to
 * zod, https://esbuild.github.io/api/#splitting), so a group loads once the extension is in place.
 */
const described = (load: () => Promise<Mounts>) => async (): Promise<Mounts> => {
  await import('@hono/zod-openapi');
  return await load();
};

/** Every group but health, whose served sub-app has no schemas (see DOCUMENTED below). */
const DESCRIBED_GROUPS: Record<string, () => Promise<Mounts>> = {
  chat: async () => {
    const [chat, turns] = await Promise.all([import('./routes/chat.ts'), import('./routes/chat-turns.ts')]);
    return [['/chat', chat.chatRoutes], ['/chat', turns.chatTurnRoutes]];
  },
  credentials: async () => [['/credentials', (await import('./routes/credentials.ts')).credentialsRoutes]],
  providers: async () => [['/providers', (await import('./routes/providers.ts')).providersRoutes]],
  me: async () => [['/me', (await import('./routes/me.ts')).meRoutes]],
  projects: async () => {
    const [projects, files] = await Promise.all([import('./routes/projects.ts'), import('./routes/project-files.ts')]);
    return [['/projects', projects.projectsRoutes], ['/projects', files.projectFilesRoutes]];
  },
  sessions: async () => {
    const [sessions, bulkDelete, messages, attachments, shares, branches, members, invitations, exports, titles, usage] = await Promise.all([
      import('./routes/sessions.ts'),
      import('./routes/sessions-delete.ts'),
      import('./routes/session-messages.ts'),
      import('./routes/session-attachments.ts'),
      import('./routes/shares.ts'),
      import('./routes/session-branches.ts'),
      import('./routes/members.ts'),
      import('./routes/invitations.ts'),
      import('./routes/session-export.ts'),
      import('./routes/session-title.ts'),
      import('./routes/session-usage.ts'),
    ]);
    return [
      ['/sessions', sessions.sessionsRoutes],
      ['/sessions', bulkDelete.sessionsDeleteRoutes],
      ['/sessions', messages.sessionMessagesRoutes],
      ['/sessions', attachments.sessionAttachmentsRoutes],
      ['/sessions', shares.sessionSharesRoutes],
      ['/sessions', branches.sessionBranchesRoutes],
      ['/sessions', members.membersRoutes],
      ['/sessions', invitations.sessionInvitationsRoutes],
      ['/sessions', exports.sessionExportRoutes],
      ['/sessions', titles.sessionTitleRoutes],
      ['/sessions', usage.sessionUsageRoutes],
    ];
  },
  invitations: async () => [['/invitations', (await import('./routes/invitations.ts')).invitationsRoutes]],
  shared: async () => [['/shared', (await import('./routes/shares.ts')).sharedChatRoutes]],
  public: async () => [['/public', (await import('./routes/public-prompts.ts')).publicRoutes]],
  prompts: async () => [['/prompts', (await import('./routes/prompts/index.ts')).promptsRoutes]],
  search: async () => [['/search', (await import('./routes/search.ts')).searchRoutes]],
  import: async () => [['/import', (await import('./routes/import.ts')).importRoutes]],
  usage: async () => [['/usage', (await import('./routes/usage.ts')).usageRoutes]],
  budget: async () => [['/budget', (await import('./routes/budget.ts')).budgetRoutes]],
  'api-keys': async () => [['/api-keys', (await import('./routes/api-keys.ts')).apiKeysRoutes]],
  scores: async () => [['/scores', (await import('./routes/scores.ts')).scoresRoutes]],
  v1: async () => [['/v1', (await import('./routes/gateway.ts')).gatewayRoutes]],
};

export const ROUTE_GROUPS: Record<string, () => Promise<Mounts>> = {
  health: async () => [['/health', (await import('./routes/health.ts')).healthRoutes]],
  ...Object.fromEntries(Object.entries(DESCRIBED_GROUPS).map(([group, load]) => [group, described(load)])),
};

/**
 * Groups whose served sub-app carries no OpenAPI description (health: a cold start's usual
 * first request, kept free of zod), and the documented sub-app the document mounts instead.
 */
const DOCUMENTED: Record<string, () => Promise<Mounts>> = {
  health: described(async () => [['/health', (await import('./routes/health-openapi.ts')).documentedHealthRoutes]]),
};

/** Every group, in document order (the OpenAPI document and the docs page need them all). */
export async function allRouteGroups(): Promise<Mounts> {
  return (await Promise.all(Object.entries(ROUTE_GROUPS).map(([group, load]) => (DOCUMENTED[group] ?? load)()))).flat();
}
