// The two public settings, validated once per process at run time.
import { env } from '$env/dynamic/public';
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
