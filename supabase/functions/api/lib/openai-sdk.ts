/**
 * The openai SDK, imported on first use: only provider calls need it, and it is one of the
 * larger modules of the function's graph, so the function boots (and answers its first
 * request of any other kind) without it (issue 9: load heavy modules lazily).
 *
 *   const OpenAI = await loadOpenAI();      // before building a client
 *   const sdk = loadedOpenAI();             // sync: null when no client was ever built
 */
import type OpenAI from 'openai';

export type OpenAISdk = typeof OpenAI;

let loaded: OpenAISdk | null = null;
let loading: Promise<OpenAISdk> | null = null;

export function loadOpenAI(): Promise<OpenAISdk> {
  loading ??= import('openai').then(
    (module) => (loaded = module.default),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** The SDK if it was loaded: an SDK error can only exist once it was. */
export function loadedOpenAI(): OpenAISdk | null {
  return loaded;
}
