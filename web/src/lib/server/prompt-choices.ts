// The caller's own prompts as choices for a picker (a project's system prompt): every one of
// them, not the library's first page, read 100 at a time. Newest change first, as the library.
import { ok, type Api } from '$lib/api';
import { promptChoices, type PromptChoice, type PromptChoiceSource } from '$lib/prompts/choice-label';

/** Enough for any library a person keeps by hand; the row quota allows 10,000. */
const MAX_PAGES = 20;

export async function ownPromptChoices(api: Api): Promise<PromptChoice[]> {
  const choices: PromptChoiceSource[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { prompts, next_cursor } = await ok(api.GET('/api/prompts/summaries', { params: { query: { scope: 'mine', limit: 100, cursor } } }));
    choices.push(...prompts.map(({ id, title, name, latest_version }) => ({ id, title, name, latest_version })));
    if (!next_cursor) break;
    cursor = next_cursor;
  }
  return promptChoices(choices);
}
