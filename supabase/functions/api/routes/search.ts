/**
 * GET /api/search: full-text search over what the caller can read — their own chats and the
 * group chats they are a member or viewer of (RLS) — in two groups: chats whose title matches,
 * and messages whose text, reasoning or a carried file's text matches, best first, each with a
 * short snippet.
 * Snippets are plain text with matches wrapped in « and » — never HTML — so clients render
 * them as text and can highlight between markers.
 *
 * Messages come in pages: the RANKED_WINDOW newest matches ranked best first, then older
 * matches newest first, a window at a time (`next_cursor`); the page says how many matches
 * there are (`total`, counted by the index up to TOTAL_CAP). How a page is read:
 * lib/search/message-hits.ts.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import { heavyRateLimit } from '../lib/rate-limit.ts';
import type { AppEnv } from '../lib/context.ts';
import { defaultHook, errorResponses, jsonResponse, security } from '../lib/openapi.ts';
import { trimmed } from '../lib/inputs.ts';
import { cursorParam, limitParam } from '../lib/pagination.ts';
import { decodeCursor, encodeCursor, timeIdCursor } from '../lib/cursor.ts';
import { candidatesQuery, RANK_PREFIX, RANKED_WINDOW, readHitsPage, type PageStart } from '../lib/search/message-hits.ts';

export { candidatesQuery, RANK_PREFIX, RANKED_WINDOW };

/** Matches are counted up to this many ("1,000+"): counting reads each match's row. */
export const TOTAL_CAP = 1000;

/** How many chats whose title matches the first page lists. */
export const CHAT_HITS = 8;

const SearchQuery = z.strictObject({
  q: trimmed(1, 200).openapi({ param: { name: 'q', in: 'query' }, description: 'Web-search syntax: words, "phrases", -excluded, or' }),
  limit: limitParam(20, 50),
  cursor: cursorParam.openapi({ param: { name: 'cursor', in: 'query' }, description: "A previous page's next_cursor" }),
});

const pageCursor = z.union([z.strictObject({ o: z.number().int().min(1).max(RANKED_WINDOW) }), timeIdCursor]);

const SearchHit = z
  .object({
    message_id: z.uuid(),
    session_id: z.uuid(),
    session_title: z.string(),
    sender: z.enum(['user', 'assistant', 'system']),
    snippet: z.string().openapi({ description: 'Plain text; matches between « and »' }),
    in_reasoning: z.boolean().openapi({ description: "The snippet is from the answer's reasoning: only that holds the match" }),
    file_name: z.string().nullable().openapi({ description: "The snippet is from the text of this file the message carried (a PDF's, a text file's): it matched best there" }),
    archived: z.boolean().openapi({ description: 'The caller archived this chat' }),
    shared: z.boolean().openapi({ description: "Someone else's chat the caller is a member or viewer of" }),
    rank: z.number(),
    created_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('SearchHit');

const ChatHit = z
  .object({
    session_id: z.uuid(),
    title: z.string(),
    title_snippet: z.string().openapi({ description: 'The title, matches between « and »' }),
    archived: z.boolean(),
    shared: z.boolean(),
    last_message_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('SearchChatHit');

const SearchResults = z
  .object({
    chats: z.array(ChatHit).openapi({ description: `Chats whose title matches, most recently active first (at most ${CHAT_HITS}; first page only)` }),
    results: z.array(SearchHit),
    total: z.number().int().openapi({ description: 'How many messages match (see total_kind)' }),
    total_kind: z.enum(['exact', 'at_least', 'at_most']).openapi({
      description: `exact; at_least: ${TOTAL_CAP} or more; at_most: a phrase query, whose words match that many and the phrase may match fewer`,
    }),
    next_cursor: z.string().nullable(),
  })
  .openapi('SearchResults');

const search = createRoute({
  method: 'get',
  path: '/',
  tags: ['search'],
  summary: 'Full-text search over the chats and messages the caller can read',
  description: `Finished messages only, in the caller's chats and the group chats they are in; a message matches by its text, its reasoning or the text of a file it carried (file_name names the file a snippet is from). The ${RANKED_WINDOW} newest matches come first, ranked (ts_rank over each one's first ${RANK_PREFIX} characters), then older ones, newest first; \`next_cursor\` reads on. A snippet comes from those characters, or from where a match lies further on.`,
  security,
  request: { query: SearchQuery },
  responses: { 200: jsonResponse(SearchResults, 'Ranked matches'), ...errorResponses(400, 401, 429) },
});

interface ChatRow {
  session_id: string;
  title: string;
  title_snippet: string;
  archived: boolean;
  shared: boolean;
  last_message_at: Date;
}

export const searchRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
searchRoutes.use('*', requireUser);
searchRoutes.use('*', heavyRateLimit(1));

searchRoutes.openapi(search, async (c) => {
  const { q, limit, cursor } = c.req.valid('query');
  const start: PageStart = cursor ? decodeCursor(cursor, pageCursor) : { o: 0 };
  const userId = c.var.user.id;
  const { page, count, chats } = await c.var.db.withUserTransaction(
    c.var.user,
    async (sql) => {
      const page = await readHitsPage(sql, userId, q, start, limit, TOTAL_CAP);
      // Titles are short: the real query, phrases and all, is checked on each.
      const chats = cursor
        ? []
        : await sql<ChatRow[]>`
            select s.id as session_id, s.title,
                   ts_headline('simple', s.title, websearch_to_tsquery('simple', ${q}), 'StartSel=«, StopSel=», HighlightAll=true') as title_snippet,
                   coalesce(k.archived_at is not null, false) as archived, s.user_id <> ${userId} as shared, s.last_message_at
              from public.chat_sessions s
              left join public.session_marks k on k.session_id = s.id and k.user_id = ${userId}
             where s.id in (select public.search_chat_ids(websearch_to_tsquery('simple', ${q}), ${CHAT_HITS}))
             order by s.last_message_at desc, s.id desc`;
      return { page, count: page.count, chats };
    },
    { readOnly: true },
  );

  const last = page.hits.at(-1);
  let next: PageStart | null = null;
  if (page.more && last) next = 'o' in start ? { o: start.o + limit } : { t: last.at, id: last.message_id };
  else if (page.windowSize >= RANKED_WINDOW && page.oldest) next = page.oldest;

  const ranked = 'o' in start;
  const [total, total_kind] =
    count >= TOTAL_CAP
      ? [TOTAL_CAP, 'at_least' as const]
      : page.exact
        ? [count, 'exact' as const]
        : ranked && page.windowSize < RANKED_WINDOW
          ? [page.matched, 'exact' as const]
          : [count, 'at_most' as const];

  return c.json(
    {
      chats: chats.map((chat) => ({ ...chat, last_message_at: chat.last_message_at.toISOString() })),
      results: page.hits.map(({ at: _at, created_at, ...hit }) => ({ ...hit, created_at: created_at.toISOString() })),
      total,
      total_kind,
      next_cursor: next ? encodeCursor(next) : null,
    },
    200,
  );
});
