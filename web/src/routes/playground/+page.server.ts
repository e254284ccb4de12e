// Playground: your prompts to pick from (the most recently changed, or those matching ?q=, so
// every prompt can be reached however many there are); for the picked one (?prompt=<id>) all
// its versions with the variables and model settings of each; the providers you can call, as
// the chat's header offers them (their own model lists and typed ids come from the browser),
// with your default model. Runs happen in the browser (+page.svelte).
import { z } from 'zod';
import { promptChoices } from '$lib/prompts/choice-label';
import type { PromptConfig } from '$lib/chat/prompt-settings';
import type { TemplateVariable } from '$lib/prompt-variables';
import { ok, type Api } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { loadProviders, pickDefaults } from '$lib/server/providers';
import { searchRefusal } from '$lib/search-refusal';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  const chosen = z.uuid().safeParse(event.url.searchParams.get('prompt'));
  // Web-search syntax over title, description and template, as in the library.
  const q = (event.url.searchParams.get('q') ?? '').trim().slice(0, 200);
  try {
    const [{ prompts, next_cursor, searchError }, providers, profile] = await Promise.all([
      pickerPrompts(api, q),
      loadProviders(api),
      ok(api.GET('/api/me')),
    ]);
    let versions: Version[] = [];
    let prompt: { id: string; name: string; title: string; latest_version: number } | null = null;
    let testCases: { id: string; name: string; variables: Record<string, string>; message: string }[] = [];
    if (chosen.success) {
      const path = { id: chosen.data };
      const [p, history, cases] = await Promise.all([
        ok(api.GET('/api/prompts/{id}', { params: { path } })),
        allVersions(api, chosen.data),
        ok(api.GET('/api/prompts/{id}/test-cases', { params: { path } })),
      ]);
      testCases = cases.test_cases.map((c) => ({ id: c.id, name: c.name, message: c.message, variables: Object.fromEntries(Object.entries(c.variables).map(([k, v]) => [k, String(v)])) }));
      prompt = { id: p.id, name: p.name, title: p.title, latest_version: p.latest_version };
      versions = history;
    }
    const listed = prompts.map(({ id, title, name, latest_version }) => ({ id, title, name, latest_version }));
    // The prompt open stays in the list even when it is not among those listed (older, or not
    // matching the search), so the picker shows it.
    if (prompt && !listed.some((p) => p.id === prompt!.id)) listed.unshift(prompt);
    const choices = promptChoices(listed);
    return {
      q,
      searchError,
      // More prompts than listed: the page says to search for the others.
      more: next_cursor !== null,
      matched: prompts.length,
      prompts: choices,
      prompt,
      versions,
      testCases,
      providers: providers.usable.map(({ id, name, models, any_model }) => ({ id, name, models, any_model })),
      // The model a comparison starts with when the prompt saved none: the profile's default.
      defaults: pickDefaults(providers.usable, providers.refused, { provider: profile.preferences.default_provider, model: profile.preferences.default_model }),
    };
  } catch (err) {
    loadFailed(err);
  }
};

const PICKER_SIZE = 100;

/** The prompts to pick from; a search the API refused (too slow, too many) lists none and says why,
 * and the prompt open stays. */
async function pickerPrompts(api: Api, q: string) {
  try {
    const page = await ok(api.GET('/api/prompts/summaries', { params: { query: { scope: 'mine', limit: PICKER_SIZE, ...(q ? { q } : {}) } } }));
    return { ...page, searchError: null };
  } catch (err) {
    const searchError = q ? searchRefusal(err) : null;
    if (searchError === null) throw err;
    return { prompts: [], next_cursor: null, searchError };
  }
}
/** Versions offered (the newest), read without their templates (the history gives each one's variables). */
const MAX_VERSION_PAGES = 10;

type Version = { version: number; variables: TemplateVariable[]; config: PromptConfig };

/** The newest 1,000 versions of a prompt with the variables and model settings of each (the API gives 100 at a time). */
async function allVersions(api: Api, id: string) {
  const versions: Version[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_VERSION_PAGES; page++) {
    const { versions: rows, next_cursor } = await ok(api.GET('/api/prompts/{id}/history', { params: { path: { id }, query: { limit: 100, cursor } } }));
    versions.push(...rows.map((v) => ({ version: v.version, variables: v.variables, config: v.config })));
    if (!next_cursor) break;
    cursor = next_cursor;
  }
  return versions;
}
