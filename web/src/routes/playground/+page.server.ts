// Playground: your prompts to pick from; for the picked one (?prompt=<id>) its versions and
// the variables of each; the models you can call. Runs happen in the browser (+page.svelte).
import { z } from 'zod';
import { extractVariables } from '$lib/prompt-variables';
import { ok } from '$lib/api';
import { loadFailed, requireApi } from '$lib/server/api';
import { loadProviders } from '$lib/server/providers';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const api = await requireApi(event);
  const chosen = z.uuid().safeParse(event.url.searchParams.get('prompt'));
  try {
    const [{ prompts }, providers] = await Promise.all([
      ok(api.GET('/api/prompts', { params: { query: { scope: 'mine', limit: 100 } } })),
      loadProviders(api),
    ]);
    let versions: { version: number; variables: ReturnType<typeof extractVariables> }[] = [];
    let prompt: { id: string; name: string; title: string; latest_version: number } | null = null;
    if (chosen.success) {
      const path = { id: chosen.data };
      const [p, history] = await Promise.all([
        ok(api.GET('/api/prompts/{id}', { params: { path } })),
        ok(api.GET('/api/prompts/{id}/versions', { params: { path, query: { limit: 100 } } })),
      ]);
      prompt = { id: p.id, name: p.name, title: p.title, latest_version: p.latest_version };
      versions = history.versions.map((v) => ({ version: v.version, variables: extractVariables(v.content) }));
    }
    return {
      prompts: prompts.map((p) => ({ id: p.id, title: p.title })),
      prompt,
      versions,
      models: providers.usable.flatMap((p) => p.models.map((m) => ({ id: `${p.id}/${m.id}`, name: `${p.name ?? p.id} · ${m.name ?? m.id}` }))),
    };
  } catch (err) {
    loadFailed(err);
  }
};
