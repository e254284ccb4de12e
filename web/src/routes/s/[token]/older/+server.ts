// The page of a shared chat's messages before `?before=` (the oldest shown), as JSON: the share
// page's "Older messages" reads it without navigating, so a refusal (429: too many readers on
// the visitor's network) leaves what is shown in place and the page tries again by itself,
// instead of an error page replacing the chat (QA18 #1). One call, one read of the visitor's
// bucket, counted by their address as the page's own load is ($lib/server/visitor-api).
import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { ApiError, ok } from '$lib/api';
import { visitorApi } from '$lib/server/visitor-api';
import type { RequestHandler } from './$types';

const Query = z.object({ before: z.string().min(1).max(500) });

// The link is the only key: its pages stay out of caches and search engines (as /s/<token> does).
const HEADERS = { 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' };

function refusal(status: number, code: string, message: string, retryAfter?: string): Response {
  return json({ error: { code, message } }, { status, headers: { ...HEADERS, ...(retryAfter ? { 'retry-after': retryAfter } : {}) } });
}

export const GET: RequestHandler = async (event) => {
  const query = Query.safeParse({ before: event.url.searchParams.get('before') });
  if (!query.success) return refusal(400, 'invalid_cursor', 'Which messages? `before` names the oldest one shown.');
  try {
    const path = { token: event.params.token };
    const chat = await ok(visitorApi(event).GET('/api/shared/{token}', { params: { path, query: query.data } }));
    return json({ messages: chat.messages, next_cursor: chat.next_cursor }, { headers: HEADERS });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 404 || err.status === 400) return refusal(404, 'not_found', 'This link does not exist or was revoked.');
    const wait = err.details.retry_after_seconds;
    if (err.status === 429) return refusal(429, err.code, err.message, wait === undefined ? undefined : String(wait));
    return refusal(err.status >= 500 ? 502 : err.status, err.code, err.message);
  }
};
