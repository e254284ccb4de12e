// Adding a tag to, or taking it from, several prompts picked in the library: one PATCH each, a
// few at a time (lib/chat/bulk-requests.ts), each naming the revision the list showed, so a prompt
// edited elsewhere meanwhile is refused (409) rather than its other tags put back as they were.
import { browserApi, ok } from '$lib/api';
import { boundedAll, bulkSummary } from '$lib/chat/bulk-requests';
import { showHidden } from '$lib/invisible-chars';
import { PROMPTS, retagged } from '$lib/prompts/bulk-words';
import type { ListedPrompt } from './listed';

export { TAG } from '$lib/prompts/bulk-words';

/**
 * Adds or removes `tag` on each of `items`; `onChanged` hears each prompt as saved. Returns the
 * toast to show: how many were changed, and which could not be, and why.
 */
export async function retag(items: readonly ListedPrompt[], tag: string, add: boolean, onChanged: (row: ListedPrompt) => void) {
  const outcomes = await boundedAll(items, 4, async (item) => {
    const tags = retagged(item.tags, tag, add);
    if (!tags) return;
    const saved = await ok(browserApi().PATCH('/api/prompts/{id}', {
      params: { path: { id: item.id } },
      body: { tags, expected_revision: item.revision },
    }));
    onChanged({ ...item, tags: saved.tags, revision: saved.revision, updated_at: saved.updated_at });
  });
  return bulkSummary(outcomes, (item) => showHidden(item.title), add ? `tagged #${tag}` : `untagged #${tag}`, PROMPTS);
}
