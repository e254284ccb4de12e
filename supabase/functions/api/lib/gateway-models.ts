/**
 * What the gateway's GET /v1/models lists and GET /v1/models/{id} finds: the `<provider>/<model>`
 * ids the caller can call with POST /v1/chat/completions. Front ends (Open WebUI, LibreChat,
 * Continue…) fill their model pickers from this list, so a model on it must answer and a model
 * that answers must be on it.
 *
 * A provider is the caller's when they stored a credential for it (a key; for Ollama, possibly
 * only a base URL), or when the server set it up and it needs nothing stored (the demo). Ollama's
 * default localhost URL is not the caller's until they save it: nothing may be running there.
 * Where the catalog is only a sample (`listed_by_provider`: custom, OpenRouter, Ollama), the
 * provider's own list for the caller's key is listed instead, through lib/provider-models.ts as
 * the chat's model picker gets it (a list kept ten minutes, a failure two). A provider whose list
 * fails is left out, and the others are listed; while the failure is kept, the provider is left
 * out without being called again, so a front end polling this list with a saved Ollama that is
 * switched off neither calls it on every poll nor uses up the provider-key checks that gate the
 * caller's chats (lib/key-checks.ts).
 */
import type { Context } from 'hono';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';
import { listProviderModels } from './provider-models.ts';
import { findProvider, listProviders, type ProviderInfo } from './providers.ts';

/** `<provider>/<model>`, as POST /v1/chat/completions takes `model`. */
export const GATEWAY_MODEL_ID = /^[a-z][a-z0-9_-]{1,31}\/[^\s\p{Cc}]{1,200}$/u;

export interface GatewayModel {
  id: string;
  object: 'model';
  /**
   * When the caller stored the provider's credential (Unix seconds); 0 for one needing none.
   * OpenAI's is the model's release, which the catalog does not know, and a constant would tell
   * a client nothing.
   */
  created: number;
  owned_by: string;
}

/** Whether POST /v1/chat/completions sends `model` to `provider`: any id where it takes any, else a catalog one. */
export function acceptsModel(provider: ProviderInfo, model: string): boolean {
  return provider.any_model || provider.models.some((m) => m.id === model);
}

/** Set up by the server, with nothing for the caller to store (the demo). */
const serverConfigured = (p: ProviderInfo) => !p.requires_key && p.base_url_mode === 'fixed';

/** When the caller stored each provider's credential, in Unix seconds (a read as the user). */
async function storedSince(c: Context<AppEnv>): Promise<Map<string, number>> {
  const { db, user } = c.var;
  const rows = await db.withUserTransaction(user, (sql) =>
    sql<{ provider: string; created_at: Date }[]>`select provider, created_at from public.api_credentials where user_id = ${user.id}`,
  );
  return new Map(rows.map((r) => [r.provider, Math.floor(r.created_at.getTime() / 1000)]));
}

/** The models of every provider the caller can call, the catalog's order. */
export async function usableModels(c: Context<AppEnv>): Promise<GatewayModel[]> {
  // First, as the user: a transaction refuses a token that may not act before any key is read.
  const since = await storedSince(c);
  const providers = listProviders(c.var.config).filter((p) => since.has(p.id) || serverConfigured(p));
  const ids = await Promise.all(providers.map((p) => modelIdsOf(c, p)));
  return providers.flatMap((p, i) => ids[i].map((id) => ({ id: `${p.id}/${id}`, object: 'model' as const, created: since.get(p.id) ?? 0, owned_by: p.id })));
}

/** A provider's model ids: its own list where the catalog is a sample, else the catalog's. */
async function modelIdsOf(c: Context<AppEnv>, provider: ProviderInfo): Promise<string[]> {
  if (!provider.listed_by_provider) return provider.models.map((m) => m.id);
  const { config, db, deps, user, log } = c.var;
  try {
    const stored = await db.readCredentialCiphertext(user.id, provider.id);
    const listed = await listProviderModels({ config, db, deps, user, log, provider, stored });
    // An id POST /v1/chat/completions would refuse (a space in it) is no model of the caller's.
    return listed.map((m) => m.id).filter((id) => GATEWAY_MODEL_ID.test(`${provider.id}/${id}`));
  } catch (error) {
    // Unreachable, the key refused, no list, the buckets used up: nothing of it can be listed
    // as callable now. A failure the provider answered is kept two minutes (lib/provider-models.ts).
    if (!(error instanceof ApiError)) throw error;
    log.warn('gateway models: a provider left out', { provider: provider.id, code: error.code });
    return [];
  }
}

/**
 * The model `id` names, when POST /v1/chat/completions would send it to one of the caller's
 * providers (any id for a provider that takes any, listed by it or not); else null.
 */
export async function findUsableModel(c: Context<AppEnv>, id: string): Promise<GatewayModel | null> {
  // The caller's credentials are read first, whatever the id: the read as the user is where an
  // account with a second factor, signed in with the password alone, is refused (403
  // insufficient_aal), before the route says anything, as every route does.
  const since = await storedSince(c);
  if (!GATEWAY_MODEL_ID.test(id)) return null;
  const slash = id.indexOf('/');
  const provider = findProvider(c.var.config, id.slice(0, slash));
  if (!provider || !acceptsModel(provider, id.slice(slash + 1))) return null;
  if (!since.has(provider.id) && !serverConfigured(provider)) return null;
  return { id, object: 'model', created: since.get(provider.id) ?? 0, owned_by: provider.id };
}
