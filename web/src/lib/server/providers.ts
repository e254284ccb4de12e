// Which providers a user can call right now: the catalog from /api/providers, minus the
// ones that need a key the user hasn't stored, and minus a keyless one whose endpoint is the
// user's to give (Ollama) until they save it in Settings › API keys: its default localhost URL
// is a guess, and many servers may not call it at all.
import { ok, type Api, type Credential, type Provider } from '$lib/api';

export async function loadProviders(api: Api): Promise<{ all: Provider[]; usable: Provider[]; credentials: Credential[]; refused: Set<string>; maxMessageChars: number }> {
  const [{ providers: all, max_message_chars: maxMessageChars }, { credentials }] = await Promise.all([ok(api.GET('/api/providers')), ok(api.GET('/api/credentials'))]);
  const keyed = new Set(credentials.map((c) => c.provider));
  const refused = new Set(credentials.filter((c) => c.check_status === 'invalid').map((c) => c.provider));
  // Providers the user set up come first, then keyless ones with a server-chosen URL (the demo),
  // as the chat's first-run screen counts them (lib/server/first-run.ts); a key its provider
  // refused when last checked comes last, so a new chat does not start on it.
  const ready = (p: Provider) => keyed.has(p.id) || (!p.requires_key && p.base_url_mode === 'fixed');
  const rank = (p: Provider) => (refused.has(p.id) ? 2 : keyed.has(p.id) ? 0 : 1);
  const usable = all
    .filter((p) => ready(p) && (p.models.length > 0 || p.any_model))
    .sort((a, b) => rank(a) - rank(b));
  return { all, usable, credentials, refused, maxMessageChars };
}

/**
 * The session's last choice, else the profile default, else the first usable model. A choice
 * naming a provider in `refused` (the user's key it refused when last checked) is passed over,
 * and so is such a provider as the fallback while another works (QA 5 #3: a new chat started on
 * the refused key of the last chat and its first send failed 401).
 */
export function pickDefaults(
  usable: Provider[],
  refused: ReadonlySet<string>,
  ...choices: Array<{ provider?: unknown; model?: unknown } | undefined>
): { provider: string; model: string } {
  for (const choice of choices) {
    const provider = usable.find((p) => p.id === choice?.provider && !refused.has(p.id));
    if (!provider) continue;
    const known = provider.models.find((m) => m.id === choice?.model);
    const free = provider.any_model && typeof choice?.model === 'string' ? choice.model : '';
    return { provider: provider.id, model: known?.id ?? (free || provider.models[0]?.id || '') };
  }
  const first = usable.find((p) => !refused.has(p.id)) ?? usable[0];
  return { provider: first?.id ?? '', model: first?.models[0]?.id ?? '' };
}

/** A provider as a prompt's model settings offer it: whether the user can call it now, and its known models. */
export interface ProviderChoice {
  id: string;
  name: string;
  ready: boolean;
  models: { id: string; name: string }[];
}

/** Every provider this server offers, those the user can call first (as the chat's picker orders them). */
export async function providerChoices(api: Api): Promise<ProviderChoice[]> {
  const { all, usable } = await loadProviders(api);
  const ready = new Set(usable.map((p) => p.id));
  const choice = (p: Provider) => ({ id: p.id, name: p.name, ready: ready.has(p.id), models: p.models.map(({ id, name }) => ({ id, name })) });
  return [...usable.map(choice), ...all.filter((p) => !ready.has(p.id)).map(choice)];
}
