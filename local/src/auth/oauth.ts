/**
 * Sign-in with an external provider (GoTrue external.go): GET /authorize sends the browser to
 * the provider with a single-use `state` (and PKCE + nonce towards the provider); GET or POST
 * /callback takes the provider's code, reads who signed in, links the identity to a user
 * (oauth-users.ts) and sends the browser back to redirect_to — `?code=` for a PKCE client
 * (exchanged at /token?grant_type=pkce), `#access_token=…` otherwise, `#error=…` on failure.
 * Pending states live in memory for 10 minutes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as oidc from 'openid-client';
import { AuthError, clientIp } from './http.ts';
import { externalProvider } from './oauth-providers.ts';
import { userForExternalIdentity } from './oauth-users.ts';
import { createFlowState, issueAuthCode, pkceChallenge } from './pkce.ts';
import { referrer } from './redirect.ts';
import { createSession, sessionResponse } from './sessions.ts';
import type { RouteContext } from './user-routes.ts';

interface Pending {
  provider: string;
  referrer: string;
  pkce: ReturnType<typeof pkceChallenge>;
  verifier: string;
  nonce: string;
  expires: number;
}

const STATE_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING = 10_000;
const pending = new Map<string, Pending>();

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

function callbackUrl(ctx: RouteContext, provider: string): string {
  return ctx.config.external[provider]?.redirect_uri || `${ctx.issuer}/callback`;
}

export async function authorize(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const name = query.get('provider') ?? '';
  if (!name) throw new AuthError(400, 'validation_failed', 'Unsupported provider: Provider  could not be found');
  const pkce = pkceChallenge({ code_challenge: query.get('code_challenge'), code_challenge_method: query.get('code_challenge_method') });
  const provider = await externalProvider(ctx.config, name);
  const now = Date.now();
  for (const [key, entry] of pending) if (entry.expires < now || pending.size > MAX_PENDING) pending.delete(key);
  const state = oidc.randomState();
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  pending.set(state, { provider: name, referrer: referrer(ctx.config, req, query), pkce, verifier, nonce, expires: now + STATE_TTL_MS });
  const parameters: Record<string, string> = {
    redirect_uri: callbackUrl(ctx, name),
    scope: [provider.scopes, query.get('scopes') ?? ''].join(' ').trim(),
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  };
  if (provider.oidc && !ctx.config.external[name]!.skip_nonce_check) parameters.nonce = nonce;
  redirect(res, oidc.buildAuthorizationUrl(provider.config, parameters).toString());
}

function errorRedirect(target: string, pkce: boolean, error: AuthError | { code: string; message: string; oauth: string }): string {
  const url = new URL(target);
  const oauth = error instanceof AuthError ? (error.status >= 500 ? 'server_error' : 'access_denied') : error.oauth;
  const params = new URLSearchParams({ error: oauth, error_code: error.code, error_description: error.message });
  if (pkce) for (const [key, value] of params) url.searchParams.set(key, value);
  params.set('sb', '');
  url.hash = params.toString();
  return url.toString();
}

export async function callback(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const state = query.get('state') ?? '';
  const entry = pending.get(state);
  pending.delete(state);
  if (!entry || entry.expires < Date.now()) {
    const message = state ? 'OAuth state not found or expired' : 'OAuth state parameter missing';
    return redirect(res, errorRedirect(ctx.config.site_url, false, new AuthError(400, state ? 'bad_oauth_state' : 'bad_oauth_callback', message)));
  }
  if (query.get('error')) {
    const description = query.get('error_description') ?? query.get('error') ?? 'The provider refused the sign-in';
    return redirect(res, errorRedirect(entry.referrer, Boolean(entry.pkce), { oauth: query.get('error')!, code: 'bad_oauth_callback', message: description }));
  }
  try {
    const provider = await externalProvider(ctx.config, entry.provider);
    const current = new URL(callbackUrl(ctx, entry.provider));
    for (const [key, value] of query) current.searchParams.set(key, value);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(provider.config, current, {
        pkceCodeVerifier: entry.verifier,
        expectedState: state,
        expectedNonce: provider.oidc && !ctx.config.external[entry.provider]!.skip_nonce_check ? entry.nonce : undefined,
        idTokenExpected: provider.oidc,
      });
    } catch (error) {
      throw new AuthError(400, 'bad_oauth_callback', `Unable to exchange external code: ${error instanceof Error ? error.message : 'unknown error'}`);
    }
    const profile = await provider.profile(tokens);
    const location = await ctx.sql.begin(async (tx) => {
      const user = await userForExternalIdentity(tx, ctx.config, entry.provider, profile);
      const target = new URL(entry.referrer);
      if (entry.pkce) {
        await createFlowState(tx, entry.pkce, { providerType: entry.provider, authenticationMethod: 'oauth', userId: user.id, providerAccessToken: tokens.access_token });
        target.searchParams.set('code', await issueAuthCode(tx, user.id, 'oauth'));
        return target.toString();
      }
      const { sessionId, refreshToken } = await createSession(tx, user, 'oauth', { ip: clientIp(req), userAgent: req.headers['user-agent'] });
      const session = await sessionResponse(ctx, tx, user.id, sessionId, refreshToken);
      target.hash = new URLSearchParams({
        access_token: String(session.access_token), expires_at: String(session.expires_at), expires_in: String(session.expires_in),
        provider_token: tokens.access_token, refresh_token: refreshToken, token_type: 'bearer',
      }).toString();
      return target.toString();
    });
    redirect(res, location);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    redirect(res, errorRedirect(entry.referrer, Boolean(entry.pkce), error));
  }
}


/** The callback's parameters: the query, plus a form body when the provider POSTs it
 * (response_mode=form_post). */
export async function callbackQuery(req: IncomingMessage, query: URLSearchParams): Promise<URLSearchParams> {
  if (req.method !== 'POST') return query;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new AuthError(413, 'request_too_large', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const merged = new URLSearchParams(query);
  for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) merged.set(key, value);
  return merged;
}
