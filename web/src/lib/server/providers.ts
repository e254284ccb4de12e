// Which providers a user can call right now: the catalog from /api/providers, minus the
// ones that need a key the user hasn't stored.
import { rows, type ApiClient } from '$lib/api';
import type { Credential, Provider } from '$lib/types';

function needsKey(p: Provider): boolean {
  const flag: unknown = Reflect.get(p, 'requires_key') ?? Reflect.get(p, 'key_required') ?? Reflect.get(p, 'needs_key');
  return flag !== false;
}

export async function loadProviders(api: ApiClient): Promise<{ all: Provider[]; usable: Provider[]; credentials: Credential[] }> {
  const [catalog, stored] = await Promise.all([api.get<unknown>('/providers'), api.get<unknown>('/credentials')]);
  const all = rows<Provider>(catalog, 'providers');
  const credentials = rows<Credential>(stored, 'credentials');
  const keyed = new Set(credentials.map((c) => c.provider));
  const usable = all.filter((p) => (!needsKey(p) || keyed.has(p.id)) && p.models?.length);
  return { all, usable, credentials };
}

/** The session's last choice, else the profile default, else the first usable model. */
export function pickDefaults(
  usable: Provider[],
  ...choices: Array<{ provider?: unknown; model?: unknown } | undefined>
): { provider: string; model: string } {
  for (const choice of choices) {
    const provider = usable.find((p) => p.id === choice?.provider);
    if (!provider) continue;
    const model = provider.models.find((m) => m.id === choice?.model) ?? provider.models[0];
    return { provider: provider.id, model: model?.id ?? '' };
  }
  const first = usable[0];
  return { provider: first?.id ?? '', model: first?.models[0]?.id ?? '' };
}
