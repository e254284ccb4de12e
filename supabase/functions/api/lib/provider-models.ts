/**
 * The models a provider itself lists for a key: its OpenAI-compatible `GET /models`
 * (https://platform.openai.com/docs/api-reference/models/list). Providers that take any model
 * id (OpenRouter, Ollama, a custom endpoint…) have far more than the catalog names — for a local
 * Ollama, only this list says what is installed. Answers are kept per user, provider and stored
 * key (a key saved again is a different ciphertext): a list ten minutes, a failure two, so
 * opening the model picker again, or a front end polling GET /v1/models, does not call the
 * provider again — not even a saved Ollama that is switched off. GET /providers/{id}/models (the
 * chat's model picker) and GET /v1/models (the gateway's list) both ask through
 * listProviderModels, so they share the kept answers and the buckets (lib/key-checks.ts).
 */
import type { Config } from '../config.ts';
import type { AppDeps, AuthUser } from './context.ts';
import type { CredentialCheck, Db } from './db.ts';
import { missingV1Hint } from './chat/provider-errors.ts';
import { ApiError } from './errors.ts';
import { assertKeyCheckLeft, chargeKeyRefusal, keyChecksLeft, takeModelListCall } from './key-checks.ts';
import type { Logger } from './log.ts';
import { loadOpenAI } from './openai-sdk.ts';
import { openProviderClient, type StoredCiphertext } from './provider-client.ts';
import type { ProviderInfo } from './providers.ts';

export interface ListedModel {
  id: string;
  /** The provider's display name, where it gives one (OpenRouter does). */
  name: string | null;
  /** Tokens, where the provider says (OpenRouter's `context_length`, some servers' `context_window`). */
  context_window: number | null;
}

export const LISTED_MODELS_TTL_MS = 10 * 60_000;
/**
 * How long a failed list is kept (unreachable, no list, the key refused): a front end polling
 * GET /v1/models then calls a provider that is down once in this time, not on every poll. A key
 * saved again (a new ciphertext) is asked with at once.
 */
export const FAILED_LIST_TTL_MS = 2 * 60_000;
const MAX_ENTRIES = 500;
/**
 * What the kept lists may hold in all, in UTF-16 code units of their ids and names: a custom
 * endpoint may list thousands of long ids, and one user saving keys again and again would
 * otherwise keep one such list per key (the function has 256 MB on hosted Supabase).
 */
export const MAX_CACHED_CHARS = 4_000_000;
/** A list is cut here (OpenRouter lists ≈ 400). */
export const MAX_LISTED_MODELS = 2_000;

/**
 * Why a provider gave no list, as the 502's `code`: the key refused (401/403), no list at all
 * (404), or anything else. The OpenAPI document names them (routes/providers.ts), so a client
 * words the reason from the code and keeps the message for codes it does not know.
 */
export const MODEL_LIST_FAILURE_CODES = ['provider_rejected_key', 'models_unavailable', 'provider_unreachable'] as const;

/** A failed list as it is answered again: 502 with this code and message. */
export interface KeptFailure {
  code: (typeof MODEL_LIST_FAILURE_CODES)[number];
  message: string;
}

type Entry = { at: number; ttl: number; chars: number } & ({ models: ListedModel[]; failure?: undefined } | { models?: undefined; failure: KeptFailure });
const cache = new Map<string, Entry>();
let cachedChars = 0;

const charsOf = (models: ListedModel[]) => models.reduce((sum, m) => sum + m.id.length + (m.name?.length ?? 0) + 16, 0);

function drop(key: string) {
  const entry = cache.get(key);
  if (!entry) return;
  cachedChars -= entry.chars;
  cache.delete(key);
}

/** The kept answer for `key`, list or failure, while it is fresh (an old one is dropped). */
function cachedEntry(key: string, now: number): Entry | null {
  const hit = cache.get(key);
  if (!hit) return null;
  if (now - hit.at > hit.ttl) {
    drop(key);
    return null;
  }
  return hit;
}

export const cachedModels = (key: string, now = Date.now()): ListedModel[] | null => cachedEntry(key, now)?.models ?? null;
export const cachedListFailure = (key: string, now = Date.now()): KeptFailure | null => cachedEntry(key, now)?.failure ?? null;

function keep(key: string, entry: Entry): void {
  drop(key);
  if (entry.chars > MAX_CACHED_CHARS) return;
  // Oldest first (a Map keeps insertion order) until the new entry fits.
  while (cache.size > 0 && (cache.size >= MAX_ENTRIES || cachedChars + entry.chars > MAX_CACHED_CHARS)) drop(cache.keys().next().value!);
  cache.set(key, entry);
  cachedChars += entry.chars;
}

export function cacheModels(key: string, models: ListedModel[], now = Date.now()): void {
  keep(key, { at: now, ttl: LISTED_MODELS_TTL_MS, chars: charsOf(models), models });
}

export function cacheListFailure(key: string, failure: KeptFailure, now = Date.now()): void {
  keep(key, { at: now, ttl: FAILED_LIST_TTL_MS, chars: failure.message.length + 16, failure });
}

/** How much the kept lists hold (for tests). */
export const cacheSize = () => ({ entries: cache.size, chars: cachedChars });

const text = (value: unknown, max: number) => (typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : null);
const tokens = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null);

/** The list entries that name a model, each once, sorted by id; anything else is skipped. */
export function readListedModels(entries: readonly unknown[]): ListedModel[] {
  const byId = new Map<string, ListedModel>();
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    const id = text(e.id, 200);
    if (!id || byId.has(id)) continue;
    const name = text(e.name, 200);
    byId.set(id, { id, name: name === id ? null : name, context_window: tokens(e.context_length) ?? tokens(e.context_window) });
    if (byId.size >= MAX_LISTED_MODELS) break;
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Why a provider's models list could not be read, as both the list and key verification tell it. */
export interface ModelsListFailure {
  /** rejected: the key (401/403); no_list: the provider has no models list (404); unreachable: anything else. */
  kind: 'rejected' | 'no_list' | 'unreachable';
  /** The provider's HTTP status, when it answered. */
  status: number | null;
}

/** What a failed models list says of the key, as api_credentials.check_status records it. */
export const checkOfFailure = (failure: ModelsListFailure): CredentialCheck =>
  failure.kind === 'rejected' ? 'invalid' : failure.kind === 'no_list' ? 'unverified' : 'unreachable';

/** The base URL the user chose (custom, Ollama), else null: where a 404 may mean a missing /v1. */
export const userBaseUrlOf = (provider: ProviderInfo, baseUrl: string): string | null => (provider.base_url_mode === 'fixed' ? null : baseUrl);

/**
 * Records what the provider said of the stored key (Settings and the chat's welcome show it);
 * a failure to record is logged, never thrown: the answer the caller waits for does not depend on it.
 */
export async function recordKeyCheck(db: Db, log: Logger, userId: string, provider: string, stored: StoredCiphertext | null, status: CredentialCheck): Promise<void> {
  if (!stored?.encrypted_key) return;
  await db.recordCredentialCheck(userId, provider, stored.encrypted_key, status).catch((error: unknown) =>
    log.warn('key check not recorded', { message: error instanceof Error ? error.message : String(error) }));
}

export async function modelsListFailure(error: unknown): Promise<ModelsListFailure> {
  const OpenAI = await loadOpenAI(); // already loaded: the caller's client was built with it
  const status = error instanceof OpenAI.APIError ? (error.status ?? null) : null;
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) return { kind: 'rejected', status };
  if (error instanceof OpenAI.NotFoundError) return { kind: 'no_list', status };
  return { kind: 'unreachable', status };
}

export interface ListModelsOptions {
  config: Config;
  db: Db;
  deps: AppDeps;
  user: AuthUser;
  log: Logger;
  provider: ProviderInfo;
  /** The caller's ciphertext for `provider`, read on the owner connection; null: none stored. */
  stored: StoredCiphertext | null;
}

/**
 * The models `provider` lists for the caller's stored key (or none, for a keyless provider). An
 * answer is kept per user, provider and stored key: a list LISTED_MODELS_TTL_MS, a failure
 * FAILED_LIST_TTL_MS (answered again as it was, without calling the provider). A call to the
 * provider (not a kept answer) is made only while the caller has a provider-key check left, as
 * a chat turn (it tells a good key from a refused one), and takes one of their `models` bucket
 * (what the server sends to a base URL the user chose is bounded); it takes a key check only
 * when the provider refuses the key (401/403), as a chat turn does. An unreachable provider or
 * one without a list tells nothing of the key, so polling the list cannot use up the checks
 * that gate the user's chats (lib/key-checks.ts). The caller has already refused a token that
 * may not act (the key is read past RLS).
 * Throws ApiError: 422 missing_credential, 429 rate_limited, 502 provider_rejected_key,
 * models_unavailable (the provider has no models list) or provider_unreachable.
 */
export async function listProviderModels({ config, db, deps, user, log, provider, stored }: ListModelsOptions): Promise<ListedModel[]> {
  const key = `${user.id}\n${provider.id}\n${stored?.encrypted_key ?? ''}\n${stored?.base_url ?? ''}`;
  const kept = cachedEntry(key, Date.now());
  if (kept?.models) return kept.models;
  if (kept?.failure) throw new ApiError(502, kept.failure.code, kept.failure.message);
  assertKeyCheckLeft(await keyChecksLeft(db, user.id));
  await takeModelListCall(db, user.id);
  const { client, baseUrl } = await openProviderClient({ config, db, deps, user, log, providerId: provider.id, stored });
  let entries: unknown[];
  try {
    const page = await client.models.list({ timeout: Math.min(config.limits.providerTimeoutMs, 15_000) });
    entries = Array.isArray(page.data) ? page.data : [];
    await recordKeyCheck(db, log, user.id, provider.id, stored, 'ok');
  } catch (error) {
    const failure = await modelsListFailure(error);
    // Only what tells of the key is recorded: an unreachable server or a missing list leaves a
    // key's last verdict as it was.
    if (failure.kind === 'rejected') await recordKeyCheck(db, log, user.id, provider.id, stored, 'invalid');
    let failed: KeptFailure;
    if (failure.kind === 'rejected') {
      // The answer told the caller the key is refused: one check, as a refused chat turn.
      await chargeKeyRefusal(db, user.id, log);
      failed = { code: 'provider_rejected_key', message: `${provider.name} rejected the key; check it in Settings → API keys` };
    } else if (failure.kind === 'no_list') {
      const hint = missingV1Hint(userBaseUrlOf(provider, baseUrl), '/models');
      failed = { code: 'models_unavailable', message: hint ? `${provider.name} has no models list at this base URL. ${hint}` : `${provider.name} offers no models list; type the model id` };
    } else {
      log.warn('provider models failed', { provider: provider.id, status: failure.status });
      failed = { code: 'provider_unreachable', message: `Could not get the models from ${provider.name}${failure.status ? ` (it answered ${failure.status})` : ''}; try again later` };
    }
    cacheListFailure(key, failed);
    throw new ApiError(502, failed.code, failed.message);
  }
  const listed = readListedModels(entries);
  cacheModels(key, listed);
  return listed;
}
