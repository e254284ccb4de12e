/**
 * What each Edge Function process receives as its environment: the default secrets hosted
 * Supabase gives every function (https://supabase.com/docs/guides/functions/secrets), the
 * app's own settings the stack derives (allowed web origins, token issuers, the demo provider),
 * and the operator's supabase/functions/.env underneath them.
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

/** What a function receives (the default secrets of hosted Edge Functions), plus the app's own settings and supabase/functions/.env. */
export function functionsEnv(inputs: EnvInputs): Record<string, string> {
  const { keys, config } = inputs;
  const origins = new Set<string>();
  for (const url of [inputs.webUrl, inputs.publicUrl, config.auth.site_url, ...config.auth.additional_redirect_urls]) {
    if (url) origins.add(new URL(url).origin);
  }
  if (inputs.webUrl) origins.add(inputs.webUrl.replace('127.0.0.1', 'localhost'));
  const dotenvFile = path.join(inputs.functionsDir ?? path.join(SUPABASE_DIR, 'functions'), '.env');
  const userEnv = existsSync(dotenvFile) ? parseEnv(readFileSync(dotenvFile, 'utf8')) : {};
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
    CREDENTIALS_ENCRYPTION_KEYS: keys.credentialsEncryptionKeys,
    CORS_ORIGINS: [...origins].join(','),
  };
  // Tokens made before a public URL was set (or by a direct call to the gateway) stay valid.
  if (inputs.publicUrl) env.JWT_ISSUER = [`${inputs.publicUrl}/auth/v1`, `${inputs.apiUrl}/auth/v1`].join(',');
  // Private provider URLs (Ollama on localhost) stay refused unless the operator opts in:
  // `ALLOW_PRIVATE_PROVIDER_URLS=true npm start`, or the line in supabase/functions/.env.
  // The demo provider is the server's own URL and needs no opt-in.
  const allowPrivate = process.env.ALLOW_PRIVATE_PROVIDER_URLS ?? userEnv.ALLOW_PRIVATE_PROVIDER_URLS;
  if (allowPrivate !== undefined) env.ALLOW_PRIVATE_PROVIDER_URLS = allowPrivate;
  if (inputs.demoProviderUrl) env.DEMO_PROVIDER_URL = inputs.demoProviderUrl;
  return env;
}
