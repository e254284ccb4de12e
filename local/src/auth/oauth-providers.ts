/**
 * External sign-in providers of config.toml [auth.external.<name>], as openid-client
 * Configurations: GitHub (OAuth 2 with its REST API for the profile, `url` for GitHub
 * Enterprise), Google (OpenID Connect, accounts.google.com) and any other name with a `url`
 * read as an OpenID Connect issuer (Keycloak realm URL, Okta, Auth0, …) through discovery.
 * Discovery results are cached per provider for the life of the process.
 */
import * as oidc from 'openid-client';
import type { AuthConfig, ExternalProviderConfig } from '../config.ts';
import { AuthError } from './http.ts';

export interface ProviderProfile {
  sub: string;
  email: string | null;
  emailVerified: boolean;
  claims: Record<string, unknown>;
}

export interface ExternalProvider {
  name: string;
  oidc: boolean;
  scopes: string;
  config: oidc.Configuration;
  /** The signed-in person, from the token response (ID token) or the provider's API. */
  profile(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Promise<ProviderProfile>;
}

const cache = new Map<string, Promise<ExternalProvider>>();

function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

async function githubProvider(name: string, settings: ExternalProviderConfig): Promise<ExternalProvider> {
  const base = (settings.url || 'https://github.com').replace(/\/+$/, '');
  const api = base === 'https://github.com' ? 'https://api.github.com' : `${base}/api/v3`;
  const config = new oidc.Configuration(
    { issuer: base, authorization_endpoint: `${base}/login/oauth/authorize`, token_endpoint: `${base}/login/oauth/access_token` },
    settings.client_id, settings.secret,
  );
  return {
    name, oidc: false, scopes: 'user:email', config,
    async profile(tokens) {
      const headers = { Authorization: `Bearer ${tokens.access_token}`, Accept: 'application/vnd.github+json' };
      const user = (await (await fetch(`${api}/user`, { headers })).json()) as Record<string, unknown>;
      const emails = (await (await fetch(`${api}/user/emails`, { headers })).json()) as { email: string; primary: boolean; verified: boolean }[];
      const primary = Array.isArray(emails) ? (emails.find((e) => e.primary) ?? emails[0]) : undefined;
      return {
        sub: String(user.id),
        email: primary?.email ?? null,
        emailVerified: Boolean(primary?.verified),
        claims: { iss: api, sub: String(user.id), name: user.name, user_name: user.login, avatar_url: user.avatar_url, preferred_username: user.login },
      };
    },
  };
}

async function oidcProvider(name: string, issuer: string, settings: ExternalProviderConfig): Promise<ExternalProvider> {
  const url = new URL(issuer);
  const config = await oidc.discovery(url, settings.client_id, settings.secret, undefined, isLoopback(url) ? { execute: [oidc.allowInsecureRequests] } : undefined);
  return {
    name, oidc: true, scopes: 'openid email profile', config,
    async profile(tokens) {
      const claims = (tokens.claims() ?? {}) as Record<string, unknown>;
      const sub = String(claims.sub ?? '');
      let merged = claims;
      // Some issuers put email only in userinfo.
      if (!claims.email && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
        merged = { ...(await oidc.fetchUserInfo(config, tokens.access_token, sub)), ...claims };
      }
      return {
        sub,
        email: typeof merged.email === 'string' ? merged.email.toLowerCase() : null,
        emailVerified: merged.email_verified === true || merged.email_verified === 'true',
        claims: merged,
      };
    },
  };
}

/** The enabled provider `name`, or GoTrue's 400 "Unsupported provider: …". */
export function externalProvider(config: AuthConfig, name: string): Promise<ExternalProvider> {
  const settings = config.external[name];
  if (!settings) throw new AuthError(400, 'validation_failed', `Unsupported provider: Provider ${name} could not be found`);
  if (!settings.enabled) throw new AuthError(400, 'validation_failed', 'Unsupported provider: provider is not enabled');
  if (!settings.client_id) throw new AuthError(400, 'validation_failed', 'Unsupported provider: missing OAuth client ID');
  const key = `${name}|${settings.url}|${settings.client_id}`;
  let provider = cache.get(key);
  if (!provider) {
    if (name === 'github') provider = githubProvider(name, settings);
    else if (name === 'google') provider = oidcProvider(name, settings.url || 'https://accounts.google.com', settings);
    else if (settings.url) provider = oidcProvider(name, settings.url, settings);
    else throw new AuthError(400, 'validation_failed', `Unsupported provider: ${name} needs a url (its OpenID Connect issuer)`);
    // A failed discovery is not cached: the issuer may come up later.
    provider.catch(() => cache.delete(key));
    cache.set(key, provider);
  }
  return provider;
}

/** Names of the enabled providers (GET /settings `external`). */
export function enabledProviders(config: AuthConfig): string[] {
  return Object.entries(config.external).filter(([, p]) => p.enabled).map(([name]) => name);
}
