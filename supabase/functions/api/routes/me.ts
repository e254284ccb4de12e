/**
 * /api/me: the caller's profile (name, avatar, custom instructions injected into every chat,
 * preferences), what every page of a client shows about them (theme and budget, /me/summary),
 * a full JSON export of their data, what deleting the account would do to others, and account
 * deletion.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { deleteOwnAccount, PROFILE_COLUMNS, type ProfileRow } from '../lib/account.ts';
import { streamAccountExport } from '../lib/account-export.ts';
import { signAttachmentUrls } from '../lib/attachments/storage-client.ts';
import { requireUser } from '../lib/auth.ts';
import { readBudgetAndTheme } from '../lib/budget.ts';
import { heavyRateLimit } from '../lib/rate-limit.ts';
import type { AppEnv } from '../lib/context.ts';
import { notFound } from '../lib/errors.ts';
import { nonEmpty, NOTHING_TO_UPDATE, providerId, text, trimmed } from '../lib/inputs.ts';
import { jsonbText } from '../lib/jsonb.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security } from '../lib/openapi.ts';
import {
  BudgetSchema,
  MessageSchema,
  ProjectSchema,
  PromptLabelSchema,
  PromptSchema,
  PromptVersionSchema,
  SessionSchema,
  UsageLogSchema,
} from '../lib/resource-schemas.ts';

const Theme = z.enum(['light', 'dark', 'system']);

const Preferences = z.looseObject({
  default_provider: z.string().optional(),
  default_model: z.string().optional(),
  theme: Theme.optional(),
  auto_title: z.boolean().optional().openapi({ description: 'Whether the web app starts new chats with `name_chat`, so each is named by its model after its first answer (absent: yes)' }),
});

const Me = z
  .object({
    id: z.uuid(),
    email: z.string().nullable(),
    display_name: z.string(),
    avatar_url: z.string().nullable(),
    role: z.enum(['user', 'admin']),
    custom_instructions: z.string(),
    preferences: Preferences,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Me');

// Each preference may be set, or cleared with null; the others are kept.
const PreferencesPatch = z
  .strictObject({
    default_provider: providerId.nullable(),
    default_model: trimmed(1, 200).nullable(),
    theme: Theme.nullable(),
    auto_title: z.boolean().nullable(),
  })
  .partial();

const Summary = z
  .object({
    theme: Theme.nullable().openapi({ description: 'The theme saved in the profile (`preferences.theme`); null when none was chosen' }),
    budget: BudgetSchema,
  })
  .openapi('MeSummary');

const Password = z
  .object({
    has_password: z.boolean().openapi({ description: 'Whether the account signs in with a password (Auth has one stored for it); false for an account single sign-on made that never chose one, even once it has an `email` identity' }),
  })
  .openapi('MePassword');

const UpdateMe = z
  .strictObject({
    display_name: trimmed(1, 100),
    avatar_url: z.url({ protocol: /^https?$/ }).max(2048).regex(/^https?:\/\//, 'must start with http:// or https://').nullable(),
    custom_instructions: text(8000),
    preferences: PreferencesPatch,
  })
  .partial()
  .refine(nonEmpty, NOTHING_TO_UPDATE)
  .openapi('UpdateMe');

// A message in the export names its author as the chat's pages do (message_author_names).
const ExportedMessage = MessageSchema.extend({
  author_name: z.string().nullable().openapi({ description: "The author's display name (an answer's: who asked for it); null for a deleted account" }),
});

const Export = z
  .object({
    format: z.literal('mrprompt-export/1'),
    exported_at: z.string(),
    user: z.object({ id: z.uuid(), email: z.string().nullable() }),
    profile: Me.omit({ email: true }).nullable(),
    credentials: z.array(z.record(z.string(), z.unknown())).openapi({ description: 'Provider, key hint, base URL, timestamps — never the key' }),
    projects: z.array(ProjectSchema),
    sessions: z.array(SessionSchema.extend({ messages: z.array(ExportedMessage) })).openapi({ description: "Your chats, with every message and its author's name (a group chat's questions say who asked them)" }),
    group_chats: z.array(z.object({
      id: z.uuid(),
      title: z.string(),
      role: z.enum(['member', 'viewer']),
      joined_at: z.string(),
      owner_name: z.string().nullable(),
      messages: z.array(ExportedMessage),
    })).openapi({ description: "Other people's group chats you take part in, as you can read them: every message, with its author's name" }),
    prompts: z.array(
      PromptSchema.omit({ is_owner: true, variables: true, labels: true, revision: true }).extend({
        versions: z.array(PromptVersionSchema.omit({ variables: true })),
        labels: z.array(PromptLabelSchema),
        test_cases: z.array(z.object({
          name: z.string(),
          variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
          message: z.string(),
          created_at: z.string(),
          updated_at: z.string(),
        })).openapi({ description: "The prompt's saved test cases (the playground's), by name; POST /import/prompts takes them back" }),
      }),
    ),
    usage_logs: z.array(UsageLogSchema.omit({ prompt_title: true, api_key_id: true, api_key_name: true, api_key_prefix: true, api_key_revoked: true })),
    files: z.array(z.object({
      kind: z.enum(['project', 'attachment']),
      id: z.uuid(),
      project_id: z.uuid().nullable(),
      message_id: z.uuid().nullable(),
      name: z.string(),
      type: z.string(),
      size: z.number().int(),
      path: z.string(),
      token_count: z.number().int(),
      extracted_text: z.string().nullable(),
      created_at: z.string(),
      download_url: z.string().nullable().openapi({ description: 'Signed Storage URL for the bytes, valid for 24 hours' }),
    })),
  })
  .openapi('AccountExport');

const DeletionImpact = z
  .object({
    group_chats: z.array(z.object({
      id: z.uuid(),
      title: z.string(),
      people: z.number().int().openapi({ description: 'How many people besides you are in it' }),
      handed_to: z.object({ user_id: z.uuid(), display_name: z.string().nullable() }),
    })).openapi({ description: 'Group chats you own that go to someone in them instead of being deleted: the longest-standing member (people who may post before viewers). Your messages stay, as a former member\'s; the chat leaves your project and your key stops answering in it' }),
    share_links: z.array(z.object({ session_id: z.uuid(), title: z.string() })).openapi({ description: 'Share links of yours that stop working' }),
    public_prompts: z.array(z.object({
      id: z.uuid(),
      title: z.string(),
      forks: z.number().int().openapi({ description: "Other people's forks of it, which they keep" }),
    })).openapi({ description: 'Public prompts of yours that nobody can open any more' }),
  })
  .openapi('DeletionImpact');

const tags = ['me'];
const routes = {
  get: createRoute({
    method: 'get', path: '/', tags, security,
    summary: "The caller's profile",
    responses: { 200: jsonResponse(Me, 'Profile'), ...errorResponses(401, 404) },
  }),
  update: createRoute({
    method: 'patch', path: '/', tags, security,
    summary: 'Change name, avatar, custom instructions or preferences',
    request: { body: jsonBody(UpdateMe) },
    responses: { 200: jsonResponse(Me, 'The updated profile'), ...errorResponses(400, 401, 404) },
  }),
  delete: createRoute({
    method: 'delete', path: '/', tags, security,
    summary: 'Delete the account and everything in it (an account with two-factor sign-in: from an aal2 session)',
    responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404) },
  }),
  deletionImpact: createRoute({
    method: 'get', path: '/deletion-impact', tags, security,
    summary: 'What deleting the account does to other people: group chats handed over, share links and public prompts that go',
    responses: { 200: jsonResponse(DeletionImpact, 'What others would notice'), ...errorResponses(401) },
  }),
  summary: createRoute({
    method: 'get', path: '/summary', tags, security,
    summary: 'What every page shows about the caller, in one read: their theme and their monthly budget',
    description: 'A device that renders the theme itself (the web app mirrors it in a cookie) follows a change made on another device by reading this on each page.',
    responses: { 200: jsonResponse(Summary, 'Theme and budget'), ...errorResponses(401) },
  }),
  password: createRoute({
    method: 'get', path: '/password', tags, security,
    summary: 'Whether the caller has a password, so a client asks for the current one only when there is one',
    description: 'Auth has no such field, and an `email` identity is no sign of one: Auth also adds it when an account made by single sign-on changes its address.',
    responses: { 200: jsonResponse(Password, 'Whether a password is set'), ...errorResponses(401) },
  }),
  export: createRoute({
    method: 'get', path: '/export', tags, security,
    summary: 'Download all of your data as JSON',
    responses: { 200: jsonResponse(Export, 'Everything you own, as an attachment'), ...errorResponses(401, 429) },
  }),
};

export const meRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
meRoutes.use('*', requireUser);
// An export reads everything the user has: it costs a sixth of the heavy bucket.
meRoutes.use('/export', heavyRateLimit(10));

meRoutes.openapi(routes.get, async (c) => {
  const [profile] = await c.var.db.withUserTransaction(
    c.var.user,
    (sql) => sql<ProfileRow[]>`select ${sql.unsafe(PROFILE_COLUMNS)} from public.profiles where id = ${c.var.user.id}`,
  );
  if (!profile) throw notFound('Profile');
  return c.json({ ...profile, email: c.var.user.email }, 200);
});

meRoutes.openapi(routes.summary, async (c) => {
  // One statement on the owner connection, which also refuses a signed-out or aal1 token (as GET /budget).
  const { budget, theme } = await readBudgetAndTheme(c.var.db, c.var.user);
  return c.json({ theme: Theme.nullable().catch(null).parse(theme), budget }, 200);
});

meRoutes.openapi(routes.password, async (c) => {
  // public.has_password answers for the token's own user only (20261208020000_create_has_password.sql).
  const [row] = await c.var.db.withUserTransaction(c.var.user, (sql) => sql<{ has_password: boolean }[]>`select public.has_password() as has_password`);
  return c.json({ has_password: row?.has_password === true }, 200);
});

meRoutes.openapi(routes.update, async (c) => {
  const { preferences, ...patch } = c.req.valid('json');
  const [profile] = await c.var.db.withUserTransaction(
    c.var.user,
    // Preferences merge into what is stored; a null value removes that key.
    (sql) => sql<ProfileRow[]>`
      update public.profiles set
        display_name = coalesce(${patch.display_name ?? null}, display_name),
        avatar_url = ${patch.avatar_url === undefined ? sql`avatar_url` : sql`${patch.avatar_url}::text`},
        custom_instructions = coalesce(${patch.custom_instructions ?? null}, custom_instructions),
        preferences = jsonb_strip_nulls(preferences || ${jsonbText(preferences ?? {})}::text::jsonb)
       where id = ${c.var.user.id}
      returning ${sql.unsafe(PROFILE_COLUMNS)}`,
  );
  if (!profile) throw notFound('Profile');
  return c.json({ ...profile, email: c.var.user.email }, 200);
});

meRoutes.openapi(routes.delete, async (c) => {
  // Nothing undoes it: an account with two-factor sign-in is deleted only from a session that
  // used the second factor, not with the password alone (the sign-in middleware's check for
  // every change, lib/auth.ts).
  const deleted = await deleteOwnAccount(c.var.db, c.var.user.id);
  if (!deleted) throw notFound('Account');
  c.var.log.info('account deleted', { user_id: c.var.user.id });
  return c.body(null, 204);
});

meRoutes.openapi(routes.deletionImpact, async (c) => {
  const rows = await c.var.db.withUserTransaction(c.var.user, (sql) => sql<{
    kind: 'group_chat' | 'share_link' | 'public_prompt'; id: string; title: string; heir_id: string | null; heir_name: string | null; people: number | null;
  }[]>`select kind, id, title, heir_id, heir_name, people from public.my_account_deletion_impact()`, { readOnly: true });
  return c.json({
    group_chats: rows.flatMap((r) => r.kind === 'group_chat' && r.heir_id
      ? [{ id: r.id, title: r.title, people: r.people ?? 0, handed_to: { user_id: r.heir_id, display_name: r.heir_name } }]
      : []),
    share_links: rows.filter((r) => r.kind === 'share_link').map((r) => ({ session_id: r.id, title: r.title })),
    public_prompts: rows.filter((r) => r.kind === 'public_prompt').map((r) => ({ id: r.id, title: r.title, forks: r.people ?? 0 })),
  }, 200);
});

meRoutes.openapi(routes.export, async (c) => {
  const exportedAt = new Date().toISOString();
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="mrprompt-export-${exportedAt.slice(0, 10)}.json"`,
    'cache-control': 'no-store',
  };
  // HEAD: the headers only; a body nobody reads would hold a database connection.
  if (c.req.method === 'HEAD') return c.body(null, 200, headers) as never;
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
  const access = { config: c.var.config, fetch: c.var.deps.fetch };
  // Without Storage the export still completes; the files then come without download URLs.
  const signFiles = (paths: string[]) => signAttachmentUrls(access, token, paths, 24 * 3600).catch((error: unknown) => {
    c.var.log.warn('export: could not sign file URLs', { error: error instanceof Error ? error.message : String(error) });
    return new Map<string, string>();
  });
  return c.body(streamAccountExport(c.var.db, c.var.user, exportedAt, c.var.log, signFiles), 200, headers) as never;
});
