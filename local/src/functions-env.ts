/**
 * What each Edge Function process receives as its environment: the default secrets hosted
 * Supabase gives every function (https://supabase.com/docs/guides/functions/secrets), the
 * app's own settings the stack derives (allowed web origins, token issuers, the demo provider),
 * and the operator's supabase/functions/.env underneath them.
 *
 * Two of the derived settings are the operator's to change: CREDENTIALS_ENCRYPTION_KEYS
 * (keys.json's list unless the operator sets one, as they do to rotate it) and CORS_ORIGINS
 * (the web app's origins, plus any the operator lists). An explicit value once lost to
 * keys.json without a word: a rotated key list made every stored provider key unreadable.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { ProjectConfig } from './config.ts';
import { functionsJwks, type StackKeys } from './keys/index.ts';
import { SUPABASE_DIR } from './paths.ts';

export interface EnvInputs {
  keys: StackKeys;
  apiUrl: string;
  dbUrl: string;
  config: ProjectConfig;
  webUrl?: string;
  publicUrl?: string;
  demoProviderUrl?: string;
  functionsDir?: string;
}

export interface FunctionsEnv {
  /** Holds secrets: never print it whole. */
  env: Record<string, string>;
  /** What the operator should know at start (never a secret's value). */
  warnings: string[];
  /** Where CREDENTIALS_ENCRYPTION_KEYS came from, as the operator would name it. */
  encryptionKeysFrom: string;
}

/** A setting the operator gave, and where: the environment of `npm start` wins over the file. */
interface Explicit {
  value: string;
  source: string;
}

/** What a function receives (the default secrets of hosted Edge Functions), plus the app's own settings and supabase/functions/.env. */
export function functionsEnv(inputs: EnvInputs): FunctionsEnv {
  const { keys, config } = inputs;
  const dotenvFile = path.join(inputs.functionsDir ?? path.join(SUPABASE_DIR, 'functions'), '.env');
  const userEnv = existsSync(dotenvFile) ? parseEnv(readFileSync(dotenvFile, 'utf8')) : {};
  const explicit = (name: string): Explicit | undefined => {
    const given = process.env[name];
    if (given !== undefined && given !== '') return { value: given, source: `the environment of npm start` };
    const filed = userEnv[name];
    return filed !== undefined && filed !== '' ? { value: filed, source: 'supabase/functions/.env' } : undefined;
  };
  const warnings: string[] = [];
  const givenKeys = explicit('CREDENTIALS_ENCRYPTION_KEYS');
  const encryptionKeys = encryptionKeysSetting(keys, givenKeys, warnings);
  const env: Record<string, string> = {
    ...Object.fromEntries(Object.entries(userEnv).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
    SUPABASE_URL: inputs.apiUrl,
    SUPABASE_DB_URL: inputs.dbUrl,
    SUPABASE_ANON_KEY: keys.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: keys.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: keys.secretKey }),
    SUPABASE_JWKS: JSON.stringify(functionsJwks(keys)),
    SUPABASE_JWT_SECRET: keys.jwtSecret,
    CREDENTIALS_ENCRYPTION_KEYS: encryptionKeys,
    CORS_ORIGINS: corsOrigins(inputs, explicit('CORS_ORIGINS')),
  };
  // Tokens made before a public URL was set (or by a direct call to the gateway) stay valid.
  if (inputs.publicUrl) env.JWT_ISSUER = [`${inputs.publicUrl}/auth/v1`, `${inputs.apiUrl}/auth/v1`].join(',');
  // Private provider URLs (Ollama on localhost) stay refused unless the operator opts in:
  // `ALLOW_PRIVATE_PROVIDER_URLS=true npm start`, or the line in supabase/functions/.env.
  // The demo provider is the server's own URL and needs no opt-in.
  const allowPrivate = process.env.ALLOW_PRIVATE_PROVIDER_URLS ?? userEnv.ALLOW_PRIVATE_PROVIDER_URLS;
  if (allowPrivate !== undefined) env.ALLOW_PRIVATE_PROVIDER_URLS = allowPrivate;
  if (inputs.demoProviderUrl) env.DEMO_PROVIDER_URL = inputs.demoProviderUrl;
  return { env, warnings, encryptionKeysFrom: givenKeys?.source ?? 'keys.json' };
}

/**
 * The operator's list when they set one, else keys.json's. A list that differs from
 * keys.json's is used, and said: `npm run backup` copies keys.json, so a backup would not
 * open what only the other list's keys encrypted. Versions are named, never keys.
 */
function encryptionKeysSetting(keys: StackKeys, given: Explicit | undefined, warnings: string[]): string {
  const stored = keys.credentialsEncryptionKeys;
  if (!given || sameKeyList(given.value, stored)) return stored;
  warnings.push(
    `CREDENTIALS_ENCRYPTION_KEYS from ${given.source} (key ${versionsOf(given.value)}) is used instead of ` +
      `keys.json's (key ${versionsOf(stored)}). Backups copy keys.json only: set keys.json's ` +
      `"credentialsEncryptionKeys" to the same list (\`npm run credentials:rotate\` without SUPABASE_DB_URL keeps it there) ` +
      `and remove the setting.`,
  );
  return given.value;
}

/** The web app's own origins (it must reach its API), and any the operator lists besides. */
function corsOrigins(inputs: EnvInputs, given: Explicit | undefined): string {
  const origins = new Set<string>();
  for (const url of [inputs.webUrl, inputs.publicUrl, inputs.config.auth.site_url, ...inputs.config.auth.additional_redirect_urls]) {
    if (url) origins.add(new URL(url).origin);
  }
  if (inputs.webUrl) origins.add(inputs.webUrl.replace('127.0.0.1', 'localhost'));
  for (const origin of splitList(given?.value)) origins.add(origin);
  return [...origins].join(',');
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function sameKeyList(a: string, b: string): boolean {
  return splitList(a).join(',') === splitList(b).join(',');
}

/** "versions 2, 1" of a `version:key,…` list, or "version 1". */
export function versionsOf(list: string): string {
  const versions = keyVersions(list);
  return `version${versions.length === 1 ? '' : 's'} ${versions.join(', ')}`;
}

/** The versions a `version:key,…` list holds, in its order. */
export function keyVersions(list: string): number[] {
  return splitList(list).map((part) => Number(part.split(':')[0])).filter(Number.isInteger);
}
