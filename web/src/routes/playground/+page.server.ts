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
    let testCases: { id: string; name: string; variables: Record<string, string>; message: string }[] = [];
    if (chosen.success) {
      const path = { id: chosen.data };
      const [p, history, cases] = await Promise.all([
        ok(api.GET('/api/prompts/{id}', { params: { path } })),
        ok(api.GET('/api/prompts/{id}/versions', { params: { path, query: { limit: 100 } } })),
        ok(api.GET('/api/prompts/{id}/test-cases', { params: { path } })),
      ]);
      testCases = cases.test_cases.map((c) => ({ id: c.id, name: c.name, message: c.message, variables: Object.fromEntries(Object.entries(c.variables).map(([k, v]) => [k, String(v)])) }));
      prompt = { id: p.id, name: p.name, title: p.title, latest_version: p.latest_version };
      versions = history.versions.map((v) => ({ version: v.version, variables: extractVariables(v.content) }));
    }
    return {
      prompts: prompts.map((p) => ({ id: p.id, title: p.title })),
      prompt,
      versions,
      testCases,
      models: providers.usable.flatMap((p) => p.models.map((m) => ({ id: `${p.id}/${m.id}`, name: `${p.name ?? p.id} · ${m.name ?? m.id}` }))),
    };
  } catch (err) {
    loadFailed(err);
  }
};
