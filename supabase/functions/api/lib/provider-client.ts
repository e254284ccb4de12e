/**
 * Opens a provider for the caller: reads the caller's ciphertext through the one privileged
 * helper, decrypts it in memory, and picks the base URL (fixed, user-given — guarded against
 * private addresses — or the server's demo URL). The key lives only inside the returned
 * endpoint and client; it is never logged or returned. Chat turns stream through the
 * endpoint (lib/chat/provider-stream.ts); the openai SDK client, for everything else, is
 * built on first use.
 */
import type OpenAI from 'openai';
import { loadOpenAI } from './openai-sdk.ts';
import type { Config } from '../config.ts';
import type { AppDeps, AuthUser } from './context.ts';
import type { ProviderEndpoint } from './chat/provider-stream.ts';
import type { Logger } from './log.ts';
import { decryptCredential } from './credentials-crypto.ts';
import type { Db } from './db.ts';
import { ApiError } from './errors.ts';
import { findProvider, resolveBaseUrl, type ProviderInfo } from './providers.ts';
import { assertSafeProviderUrl, guardedFetch } from './url-guard.ts';

export interface ProviderClient {
  /** Base URL, key and transport: what a streamed chat turn needs. */
  endpoint: ProviderEndpoint;
  /** The openai SDK client over the same endpoint, built when first read. */
  readonly client: OpenAI;
  provider: ProviderInfo;
  baseUrl: string;
  hasStoredCredential: boolean;
}

export interface OpenClientOptions {
  config: Config;
  db: Db;
  deps: AppDeps;
  user: AuthUser;
  providerId: string;
  /** Receives the SDK's own diagnostics (message only: its extra arguments hold provider payloads). */
  log?: Logger;
  /** Missing credential: 'not_found' (credential routes) or 'missing_credential' (chat). */
  missing?: 'not_found' | 'missing_credential';
  /** The user's ciphertext for this provider, when already read (a chat turn's gate); null: none stored. */
  stored?: StoredCiphertext | null;
  /**
   * Whether `client` will be used (default true): a chat turn streams through `endpoint` and
   * needs the SDK only for its error classes, which lib/chat/provider-stream.ts loads when a
   * call fails — so a turn that succeeds never loads the SDK (≈ 0.9 MB of heap).
   */
  sdk?: boolean;
}

export interface StoredCiphertext {
  encrypted_key: string;
  base_url: string | null;
}

export function requireProvider(config: Config, id: string): ProviderInfo {
  const provider = findProvider(config, id);
  if (!provider) throw new ApiError(404, 'not_found', `Unknown provider "${id.slice(0, 40)}"`);
  return provider;
}

export async function openProviderClient(options: OpenClientOptions): Promise<ProviderClient> {
  const { config, db, deps, user } = options;
  const provider = requireProvider(config, options.providerId);
  const stored = options.stored !== undefined ? options.stored : await db.readCredentialCiphertext(user.id, provider.id);
  if (!stored && provider.requires_key) {
    if (options.missing === 'not_found') throw new ApiError(404, 'not_found', 'No key stored for this provider');
    throw new ApiError(422, 'missing_credential', `Add your ${provider.name} API key in Settings → API keys first`);
  }
  // Keyless providers (ollama, demo) still need a non-empty string for the SDK.
  const decrypted = stored?.encrypted_key
    ? await decryptCredential(config.encryptionKeys, { userId: user.id, provider: provider.id, baseUrl: stored.base_url }, stored.encrypted_key).catch(() => {
        throw new ApiError(422, 'credential_unreadable', `Your stored ${provider.name} key can no longer be read; save it again in Settings`);
      })
    : '';
  const apiKey = decrypted || 'no-key';
  const baseUrl = resolveBaseUrl(provider, stored?.base_url ?? null);
  if (!baseUrl) throw new ApiError(422, 'missing_base_url', `Save a base URL for ${provider.name} in Settings first`);

  // Only endpoints a user can influence go through the guard; catalog and demo URLs are the server's own.
  const userInfluenced = provider.base_url_mode !== 'fixed';
  if (userInfluenced) await assertSafeProviderUrl(baseUrl, config, deps.lookup);
  const fetchImpl = userInfluenced ? guardedFetch(config, deps.lookup, deps.pinnedFetch) : deps.fetch;

  const OpenAISdk = options.sdk === false ? null : await loadOpenAI();
  let client: OpenAI | null = null;
  return {
    endpoint: { baseUrl, apiKey, fetch: fetchImpl },
    get client() {
      if (!OpenAISdk) throw new Error('openProviderClient: opened with sdk: false, so there is no SDK client');
      client ??= new OpenAISdk({
        apiKey,
        baseURL: baseUrl,
        fetch: fetchImpl,
        // Retrying a streamed chat would double latency and cost; the user can retry.
        maxRetries: 0,
        timeout: config.limits.providerTimeoutMs,
        logLevel: 'warn',
        logger: sdkLogger(options.log),
      });
      return client;
    },
    provider,
    baseUrl,
    hasStoredCredential: Boolean(stored),
  };
}

// The SDK writes diagnostics to the console by default; route them into the structured log.
function sdkLogger(log: Logger | undefined) {
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string) => log?.[level](`openai sdk: ${String(message).slice(0, 200)}`);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
