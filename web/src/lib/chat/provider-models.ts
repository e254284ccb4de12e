/**
 * The models a provider lists for the user's key, asked for once per provider while the app is
 * open (the API keeps them ten minutes too). A failure — no key, a refused key, a provider with no
 * list — is not kept: the picker falls back to the catalog and a typed id, says why, and asks
 * again next time.
 */
import { ApiError, browserApi, ok, type ListedModel } from '$lib/api';

/** Why the list is not there: the API's code (unreachable when it was not reached) and its message. */
export type ModelListFailure = { code: string; message: string };
export type ProviderModels = { models: ListedModel[]; error: ModelListFailure | null };

const asked = new Map<string, Promise<ProviderModels>>();

export function providerModels(providerId: string): Promise<ProviderModels> {
  let pending = asked.get(providerId);
  if (!pending) {
    pending = ok(browserApi().GET('/api/providers/{id}/models', { params: { path: { id: providerId } } })).then(
      ({ models }) => ({ models, error: null }),
      (error: unknown) => {
        asked.delete(providerId);
        if (error instanceof ApiError) return { models: [], error: { code: error.code, message: error.message } };
        return { models: [], error: { code: 'unknown', message: error instanceof Error ? error.message : 'The models could not be listed' } };
      },
    );
    asked.set(providerId, pending);
  }
  return pending;
}
