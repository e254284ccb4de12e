/**
 * Provider-key checks, one budget per user. Whatever can tell a working provider key from a
 * refused one is a check of it, and a user could otherwise test keys (a leaked list, say) with
 * this server as their proxy: store a key, ask, store the next. So every such request draws on
 * the same `verify` bucket (10, then one per 10 s):
 *
 * - POST /credentials/{provider}/verify takes a check before it calls the provider: takeKeyCheck;
 * - a chat turn, a gateway call, a chat's naming or a models list (GET /providers/{id}/models,
 *   GET /v1/models) on the caller's own stored key takes one when the provider refuses the key
 *   (`provider_auth`, `provider_rejected_key`: 401/403): chargeKeyRefusal, after the call, since a
 *   working key must not pay for chatting; and none of them calls the provider while the bucket
 *   is empty (assertKeyCheckLeft, from a read that takes nothing: keyChecksLeftColumn).
 *
 * A models list that tells nothing of the key (the provider unreachable, no list: 404) takes no
 * check, so a saved Ollama that is switched off cannot use up the checks that gate the user's
 * chats (QA3 #2). Every call a models list makes to a provider still takes one of the caller's
 * `models` bucket (takeModelListCall: 10, then one per 10 s), which bounds what the server sends
 * to a base URL the user chose; that bucket gates nothing else.
 *
 * A turn paid by someone else (a group chat's owner sharing their key) is no check: the member
 * cannot change the key that answers.
 */
import type { Db } from './db.ts';
import { ApiError } from './errors.ts';
import type { Logger } from './log.ts';
import { uuidLiteral } from './sql-literals.ts';

const BUCKET = 'verify';
const CAPACITY = 10;
const REFILL_PER_SECOND = 0.1;
const MODELS_BUCKET = 'models';
const MODELS_CAPACITY = 10;
const MODELS_REFILL_PER_SECOND = 0.1;

function refused(retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    'rate_limited',
    `Too many provider key checks (verifications, and calls whose provider refused the key); try again in ${retryAfterSeconds} s`,
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/** Takes one check before a call that checks the stored key; 429 rate_limited when none is left. */
export async function takeKeyCheck(db: Db, userId: string): Promise<void> {
  const limit = await db.consumeRateLimit(userId, BUCKET, CAPACITY, REFILL_PER_SECOND);
  if (!limit.allowed) throw refused(limit.retryAfterSeconds);
}

/**
 * The checks left in the user's bucket now, as a column of a select list on the owner
 * connection: what private.consume_rate_limit would find, without taking any (no row: full).
 */
export function keyChecksLeftColumn(userId: string): string {
  return `coalesce((select private.refilled_tokens(b.tokens, b.refilled_at, clock_timestamp(), ${CAPACITY}, ${REFILL_PER_SECOND})
                      from private.rate_limit_buckets b where b.user_id = ${uuidLiteral(userId)} and b.bucket = '${BUCKET}'), ${CAPACITY})::float8`;
}

/** The checks left in the user's bucket (keyChecksLeftColumn in a statement of its own). */
export async function keyChecksLeft(db: Db, userId: string): Promise<number> {
  const [row] = await db.sql.unsafe<{ left: number }[]>(`select ${keyChecksLeftColumn(userId)} as left`);
  return Number(row?.left ?? CAPACITY);
}

/** 429 rate_limited, before the provider is called, when no check is left. */
export function assertKeyCheckLeft(left: number): void {
  if (left >= 1) return;
  throw refused(Math.max(1, Math.ceil((1 - left) / REFILL_PER_SECOND)));
}

/** A provider failure that says the key was refused. */
export function isKeyRefusal(code: string | null | undefined): boolean {
  return code === 'provider_auth' || code === 'provider_rejected_key';
}

/** The provider refused the caller's key: that told them, so it takes a check. Never throws. */
export async function chargeKeyRefusal(db: Db, userId: string, log: Logger): Promise<void> {
  await db.consumeRateLimit(userId, BUCKET, CAPACITY, REFILL_PER_SECOND).catch((error: unknown) =>
    log.warn('key check not counted', { message: error instanceof Error ? error.message : String(error) }));
}

/**
 * Takes one of the caller's `models` bucket before a models list calls the provider; 429
 * rate_limited when none is left. Not a key check: it gates no chat turn.
 */
export async function takeModelListCall(db: Db, userId: string): Promise<void> {
  const limit = await db.consumeRateLimit(userId, MODELS_BUCKET, MODELS_CAPACITY, MODELS_REFILL_PER_SECOND);
  if (!limit.allowed) {
    throw new ApiError(429, 'rate_limited', `Too many model lists asked of providers; try again in ${limit.retryAfterSeconds} s`, {
      'retry-after': String(limit.retryAfterSeconds),
    });
  }
}
