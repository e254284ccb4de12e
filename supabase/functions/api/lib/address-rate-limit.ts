/**
 * The limit of signed-out reads (a shared chat, a public prompt): each call takes a token from
 * the caller's address's `public_reads` bucket (private.consume_address_rate_limit, kept in
 * the database and refilled continuously), and an empty bucket answers 429 with Retry-After, as
 * the per-account buckets do (lib/rate-limit.ts). Sizes: PUBLIC_READ_RATE_CAPACITY (300) and
 * PUBLIC_READ_RATE_REFILL_PER_SECOND (3), a class behind one address (config.ts says why).
 * Signed-in callers are counted by address here too: these reads are made as `anon` whoever
 * asks, so an account would not make them cheaper.
 *
 *   createRoute({ …, middleware: [publicReadRateLimit] as const })
 */
import { createMiddleware } from 'hono/factory';
import { clientAddress } from './client-address.ts';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

export const publicReadRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const { db, config } = c.var;
  // With no gateway in front (the function run bare, as tests do), no address says who asks; a
  // header naming no address is counted in one shared bucket (client-address.ts).
  const address = clientAddress(c.req.raw.headers, config.secretKey);
  if (address) {
    const { publicReadRateCapacity, publicReadRateRefillPerSecond } = config.limits;
    const limit = await db.consumeAddressRateLimit(address, 'public_reads', publicReadRateCapacity, publicReadRateRefillPerSecond);
    if (!limit.allowed) {
      throw new ApiError(429, 'rate_limited', `Too many reads from your network; try again in ${limit.retryAfterSeconds} s`, {
        'retry-after': String(limit.retryAfterSeconds),
      });
    }
  }
  await next();
});
