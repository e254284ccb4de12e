// The first-run screen's facts: which providers a signed-in user without chats can use now
// (the server's demo, their saved keys, keyless endpoints they configured) and whether any
// need a key. Read only while the user has no chats, so it costs nothing afterwards.
import { ok, type Api } from '$lib/api';
import { loadProviders } from './providers';

export interface ReadyProvider {
  id: string;
  name: string;
  /** demo: the server's offline demo; key: the user's saved key (its last four); endpoint: a keyless URL they set. */
  source: 'demo' | 'key' | 'endpoint';
  hint: string | null;
  model: string | null;
}

export interface FirstRun {
  ready: ReadyProvider[];
  /** Saved keys their provider refused when last checked: not ready, and said so. */
  refused: ReadyProvider[];
  /** Providers that would work once the user adds a key. */
  needKey: number;
}

/** Null when the user has archived chats (not a first run), else what the welcome shows. */
export async function loadFirstRun(api: Api): Promise<FirstRun | null> {
  const [{ all, credentials }, archived] = await Promise.all([
    loadProviders(api),
    ok(api.GET('/api/sessions', { params: { query: { archived: 'true', limit: 1 } } })),
  ]);
  if (archived.sessions.length > 0) return null;
  const ready: ReadyProvider[] = [];
  const refused: ReadyProvider[] = [];
  for (const provider of all) {
    const credential = credentials.find((c) => c.provider === provider.id);
    const model = provider.models[0]?.id ?? null;
    if (provider.id === 'demo') ready.push({ id: provider.id, name: provider.name, source: 'demo', hint: null, model });
    else if (credential) {
      const keyless = !provider.requires_key && !credential.key_hint;
      const entry: ReadyProvider = { id: provider.id, name: provider.name, source: keyless ? 'endpoint' : 'key', hint: keyless ? null : credential.key_hint, model };
      (credential.check_status === 'invalid' ? refused : ready).push(entry);
    }
  }
  return { ready, refused, needKey: all.filter((p) => p.requires_key && !credentials.some((c) => c.provider === p.id)).length };
}
