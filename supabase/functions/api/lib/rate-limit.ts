/**
 * The general per-user bucket for heavy reads (export, full-text and prompt search, usage
 * aggregates, rendering prompts): each call takes `cost` tokens from the caller's `heavy`
 * bucket (private.consume_rate_limit, refilled continuously), and an empty bucket answers 429
 * with Retry-After. `/chat` and key verification keep their own buckets. Sizes:
 * HEAVY_RATE_CAPACITY (60) and HEAVY_RATE_REFILL_PER_SECOND (1). With `when`, only the
 * requests it is true for take a token (a list only when it searches).
 *
 *   route.use('/*', requireUser, heavyRateLimit(1));
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

export function heavyRateLimit(cost = 1, when?: (c: Context<AppEnv>) => boolean) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (when && !when(c)) return await next();
    const { db, user, config } = c.var;
    const { heavyRateCapacity, heavyRateRefillPerSecond } = config.limits;
    // These are reads, so requireUser left the token unchecked; the bucket is the first thing
    // they change, so the token's session and aal are checked with it (a refused one takes nothing).
    const limit = await db.consumeRateLimit(user.id, 'heavy', heavyRateCapacity, heavyRateRefillPerSecond, Math.min(cost, heavyRateCapacity), user);
    if (!limit.allowed) {
      throw new ApiError(429, 'rate_limited', `Too many heavy requests; try again in ${limit.retryAfterSeconds} s`, {
        'retry-after': String(limit.retryAfterSeconds),
      });
    }
    await next();
  });
}
