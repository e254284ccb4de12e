/**
 * PKCE as GoTrue implements it (internal/api/pkce.go, token.go PKCE grant): a flow_state row
 * holds the client's code_challenge from the request that starts a flow (recover, otp, signup
 * confirmation, email change, OAuth); after the link or provider callback, the redirect carries
 * ?code=<auth_code>, and POST /token?grant_type=pkce trades it plus the code_verifier for a
 * session, once. Links of a PKCE flow carry the `pkce_` prefix on their token.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AuthError } from './http.ts';
import type { Db } from './users.ts';

export const PKCE_PREFIX = 'pkce_';
/** GoTrue's FlowStateExpiryDuration default. */
const FLOW_STATE_EXPIRY_MS = 5 * 60 * 1000;
const CHALLENGE = /^[a-zA-Z._~0-9-]+$/;

export interface PkceParams {
  code_challenge?: string | null;
  code_challenge_method?: string | null;
}

/** Validates the pair; returns the normalised challenge or null for the implicit flow. */
export function pkceChallenge(params: PkceParams): { challenge: string; method: 's256' | 'plain' } | null {
  const challenge = params.code_challenge ?? '';
  const method = (params.code_challenge_method ?? '').toLowerCase();
  if (!challenge && !method) return null;
  if (!challenge || !method) throw new AuthError(400, 'validation_failed', 'PKCE flow requires code_challenge_method and code_challenge');
  if (challenge.length < 43 || challenge.length > 128) {
    throw new AuthError(400, 'validation_failed', 'code challenge has to be between 43 and 128 characters');
  }
  if (!CHALLENGE.test(challenge)) {
    throw new AuthError(400, 'validation_failed', 'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes');
  }
  if (method !== 's256' && method !== 'plain') throw new AuthError(400, 'validation_failed', 'Unsupported code_challenge_method, supported methods are \'s256\' and \'plain\'');
  return { challenge, method };
}

export async function createFlowState(
  db: Db,
  pkce: { challenge: string; method: 's256' | 'plain' },
  options: { providerType: string; authenticationMethod: string; userId: string | null; providerAccessToken?: string },
): Promise<{ id: string; authCode: string }> {
  const id = randomUUID();
  const authCode = randomUUID();
  await db`
    insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge, provider_type,
      provider_access_token, authentication_method, created_at, updated_at)
    values (${id}, ${options.userId}, ${authCode}, ${pkce.method}, ${pkce.challenge}, ${options.providerType},
      ${options.providerAccessToken ?? null}, ${options.authenticationMethod}, now(), now())`;
  return { id, authCode };
}

/** The newest flow of a user for a method gets its auth code issued (GoTrue issueAuthCode). */
export async function issueAuthCode(db: Db, userId: string, authenticationMethod: string): Promise<string> {
  const [flow] = await db<{ id: string; auth_code: string }[]>`
    select id, auth_code from auth.flow_state
    where user_id = ${userId} and authentication_method = ${authenticationMethod}
    order by created_at desc limit 1`;
  if (!flow) throw new AuthError(422, 'flow_state_not_found', 'No valid flow state found for user.');
  await db`update auth.flow_state set auth_code_issued_at = now(), updated_at = now() where id = ${flow.id}`;
  return flow.auth_code;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Finds, checks and deletes the flow of an auth code; returns its user and method. */
export async function consumeAuthCode(db: Db, authCode: string, verifier: string): Promise<{ userId: string; method: string; providerType: string }> {
  const [flow] = await db<{ id: string; user_id: string | null; code_challenge: string; code_challenge_method: string; authentication_method: string; provider_type: string; created_at: Date; auth_code_issued_at: Date | null }[]>`
    select id, user_id, code_challenge, code_challenge_method::text, authentication_method, provider_type, created_at, auth_code_issued_at
    from auth.flow_state where auth_code = ${authCode} for update`;
  if (!flow || !flow.user_id) throw new AuthError(404, 'flow_state_not_found', 'invalid flow state, no valid flow state found');
  const started = (flow.auth_code_issued_at ?? flow.created_at).getTime();
  if (Date.now() > started + FLOW_STATE_EXPIRY_MS) {
    await db`delete from auth.flow_state where id = ${flow.id}`;
    throw new AuthError(422, 'flow_state_expired', 'invalid flow state, flow state has expired');
  }
  const expected = flow.code_challenge_method === 's256' ? s256(verifier) : verifier;
  if (expected !== flow.code_challenge) throw new AuthError(400, 'bad_code_verifier', 'code challenge does not match previously saved code verifier');
  await db`delete from auth.flow_state where id = ${flow.id}`;
  return { userId: flow.user_id, method: flow.authentication_method, providerType: flow.provider_type };
}
