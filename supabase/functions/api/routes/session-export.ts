/**
 * GET /api/sessions/{id}/export: the conversation's active branch (what the chat shows) as a
 * download — Markdown by default, JSON with `?format=json` (lib/chat-export.ts). Anyone who can
 * read the chat may export it: its owner and the members of a group chat (RLS decides; anyone
 * else gets 404). An answer still being written is exported as far as its last checkpoint. Each
 * message lists the files attached to it (name, type, size, tokens; not their text or where
 * they are stored) that the reader may read.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import { readBranchPage, type BranchMessage } from '../lib/chat/branch.ts';
import { chatJson, chatMarkdown, exportDisposition, type ExportedAttachment, type ExportedMessage } from '../lib/chat-export.ts';
import type { AppEnv } from '../lib/context.ts';
import { notFound } from '../lib/errors.ts';
import { defaultHook, errorResponses, security, UuidParam } from '../lib/openapi.ts';
import { heavyRateLimit } from '../lib/rate-limit.ts';
import { withCheckpoint } from './session-messages.ts';

/** Messages read per statement while walking the branch from its leaf. */
const PAGE = 500;

const ExportQuery = z.object({
  format: z.enum(['markdown', 'json']).default('markdown').openapi({ param: { name: 'format', in: 'query' }, description: 'markdown (default) or json' }),
});

const routes = {
  export: createRoute({
    method: 'get', path: '/{id}/export', tags: ['sessions'], security,
    summary: 'Download the conversation (its active branch) as Markdown or JSON',
    request: { params: UuidParam(), query: ExportQuery },
    responses: {
      200: {
        description: 'The conversation as an attachment named after its title',
        content: {
          'text/markdown': { schema: z.string() },
          'application/json': { schema: z.object({ format: z.literal('mrprompt-chat/1') }).passthrough() },
        },
      },
      ...errorResponses(400, 401, 404, 429),
    },
  }),
};

export const sessionExportRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionExportRoutes.use('*', requireUser);
// It reads the whole conversation: 6 of the heavy bucket's 60 (the account export takes 10).
sessionExportRoutes.use('/:id/export', heavyRateLimit(6));

sessionExportRoutes.openapi(routes.export, async (c) => {
  const { id } = c.req.valid('param');
  const { format } = c.req.valid('query');
  const { user } = c.var;
  const found = await c.var.db.withUserTransaction(user, async (sql) => {
    const [session] = await sql<{ id: string; title: string; created_at: Date; user_id: string }[]>`
      select id, title, created_at, user_id from public.chat_sessions where id = ${id}`;
    if (!session) return null;
    // From the leaf towards the root, a page at a time, all in this one snapshot.
    const rows: BranchMessage[] = [];
    for (let before: string | null = null; ;) {
      const page = await readBranchPage(sql, id, PAGE, before);
      rows.push(...page.slice(0, PAGE));
      if (page.length <= PAGE) break;
      before = page[PAGE - 1].id;
    }
    const authors = [...new Set(rows.map((r) => r.author_id).filter((a): a is string => a !== null))];
    const names = authors.length === 0 ? [] : await sql<{ user_id: string; display_name: string }[]>`
      select user_id, display_name from public.message_author_names(${id}, ${authors}::uuid[])`;
    // The files each message carried, as the reader may see them: message_attachments' RLS
    // lets the uploader, the chat's owner and a group chat's members read them, nobody else.
    const files = rows.length === 0 ? [] : await sql<(ExportedAttachment & { message_id: string })[]>`
      select a.message_id, a.name, a.type, a.size::integer as size, a.token_count as tokens, a.truncated
        from public.message_attachments a
       where a.message_id = any(${rows.map((r) => r.id)}::uuid[])
       order by a.created_at, a.name`;
    const attachments = new Map<string, ExportedAttachment[]>();
    for (const { message_id, ...file } of files) attachments.set(message_id, [...(attachments.get(message_id) ?? []), file]);
    return { session, rows: rows.reverse(), names: new Map(names.map((n) => [n.user_id, n.display_name])), attachments };
  }, { readOnly: true });
  if (!found) throw notFound('Session');
  const { session, rows, names, attachments } = found;
  const messages: ExportedMessage[] = await Promise.all(rows.map(async (row) => {
    const m = await withCheckpoint(c.var.turns, session.user_id, row);
    return {
      id: m.id, parent_id: m.parent_id, sender: m.sender, author_id: m.author_id,
      author_name: m.author_id ? (names.get(m.author_id) ?? null) : null,
      content: m.content, reasoning: m.reasoning, status: m.status, error: m.error, error_code: m.error_code,
      provider: m.provider, model: m.model, prompt_tokens: m.prompt_tokens, completion_tokens: m.completion_tokens,
      latency_ms: m.latency_ms, created_at: new Date(m.created_at).toISOString(), attachments: attachments.get(m.id) ?? [],
    };
  }));
  const chat = {
    session: { id: session.id, title: session.title, created_at: session.created_at.toISOString() },
    messages, exportedAt: new Date().toISOString(), viewerId: user.id,
  };
  const markdown = format === 'markdown';
  return c.body(markdown ? chatMarkdown(chat) : chatJson(chat), 200, {
    'content-type': markdown ? 'text/markdown; charset=utf-8' : 'application/json; charset=utf-8',
    'content-disposition': exportDisposition(session.title, markdown ? 'md' : 'json'),
    'cache-control': 'no-store',
  }) as never;
});
