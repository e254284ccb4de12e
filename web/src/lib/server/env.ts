// The web server's settings, validated once per process at run time.
import { env } from '$env/dynamic/public';
import { env as privateEnv } from '$env/dynamic/private';
import { z } from 'zod';

const schema = z.object({
  PUBLIC_SUPABASE_URL: z.url(),
  PUBLIC_SUPABASE_PUBLISHABLE_KEY: z.string().min(1),
});

let cached: z.infer<typeof schema> | undefined;

export function publicEnv() {
  cached ??= schema.parse({
    PUBLIC_SUPABASE_URL: env.PUBLIC_SUPABASE_URL?.replace(/\/+$/, ''),
    PUBLIC_SUPABASE_PUBLISHABLE_KEY: env.PUBLIC_SUPABASE_PUBLISHABLE_KEY,
  });
  return cached;
}

/**
 * SUPABASE_SECRET_KEY (optional, server only): used solely to vouch for the browser's
 * address when signing in (see createSupabaseServerClient). Never sent to the browser.
 */
export function secretKey(): string | null {
  return privateEnv.SUPABASE_SECRET_KEY?.trim() || null;
}
