/**
 * The models a provider lists for the user's key, asked for once per provider while the app is
 * open (the API keeps them ten minutes too). A failure — no key, a refused key, a provider with no
 * list — is not kept: the picker falls back to the catalog and a typed id, and asks again next time.
 */
import { browserApi, ok } from '$lib/api';

export type ListedModel = { id: string; name: string | null };

const asked = new Map<string, Promise<ListedModel[]>>();

export function providerModels(providerId: string): Promise<ListedModel[]> {
  let pending = asked.get(providerId);
  if (!pending) {
    pending = ok(browserApi().GET('/api/providers/{id}/models', { params: { path: { id: providerId } } })).then(
      ({ models }) => models,
      () => {
        asked.delete(providerId);
        return [];
      },
    );
    asked.set(providerId, pending);
  }
  return pending;
}
