// The prompt library list: mine or public, with text search, a tag filter, an order and paging
// (summaries: the list shows no template).
import { z } from 'zod';
import { ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { searchRefusal } from '$lib/search-refusal';
import type { PageServerLoad } from './$types';
import { listed, SORTS } from './listed';

const query = z.object({
  scope: z.enum(['mine', 'public']).catch('mine'),
  q: z.string().max(200).catch(''),
  tag: z.string().max(40).catch(''),
  // An order the API does not know (an old bookmark) lists by change, as no order does.
  sort: z.enum(SORTS).catch('updated'),
  cursor: z.string().max(500).catch(''),
});

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  const params = query.parse(Object.fromEntries(event.url.searchParams));
  try {
    const { scope, q, tag, sort, cursor } = params;
    const query = { scope, q: q || undefined, tag: tag || undefined, sort, cursor: cursor || undefined };
    const { prompts, next_cursor } = await ok(api.GET('/api/prompts/summaries', { params: { query } }));
    return {
      params,
      nextCursor: next_cursor,
      prompts: prompts.map(listed),
      searchError: null,
    };
  } catch (err) {
    // A search the API refused (too slow, too many): the library stays, saying why.
    const refusal = params.q ? searchRefusal(err) : null;
    if (refusal) return { params, nextCursor: null, prompts: [], searchError: refusal };
    loadFailed(err);
  }
};
