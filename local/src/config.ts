/**
 * supabase/config.toml, read with Deno's standard TOML parser and validated with zod. The
 * local stack takes its auth settings and per-function options from here, as the CLI does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'deno-std/toml/parse.js';
import { z } from 'zod';
import { SUPABASE_DIR } from './paths.ts';

const authSchema = z.object({
  enabled: z.boolean().default(true),
  site_url: z.string().default('http://localhost:3000'),
  additional_redirect_urls: z.array(z.string()).default([]),
  jwt_expiry: z.number().int().min(300).max(604800).default(3600),
  enable_refresh_token_rotation: z.boolean().default(true),
  refresh_token_reuse_interval: z.number().int().min(0).default(10),
  enable_signup: z.boolean().default(true),
  enable_anonymous_sign_ins: z.boolean().default(false),
  minimum_password_length: z.number().int().min(6).default(6),
  password_requirements: z
    .enum(['', 'letters_digits', 'lower_upper_letters_digits', 'lower_upper_letters_digits_symbols'])
    .default(''),
  rate_limit: z.object({ sign_in_sign_ups: z.number().int().positive().default(30) }).prefault({}),
  email: z
    .object({
      enable_signup: z.boolean().default(true),
      enable_confirmations: z.boolean().default(false),
    })
    .prefault({}),
});

const functionSchema = z.object({
  enabled: z.boolean().default(true),
  verify_jwt: z.boolean().default(true),
  import_map: z.string().optional(),
  entrypoint: z.string().optional(),
});

/** [storage]: the CLI's keys; file_size_limit caps every upload (buckets may set less). */
const storageSchema = z.object({
  enabled: z.boolean().default(true),
  file_size_limit: z.string().default('50MiB'),
});

const configSchema = z.object({
  project_id: z.string(),
  api: z.object({ port: z.number().int().default(54321) }).prefault({}),
  db: z.object({ port: z.number().int().default(54322), major_version: z.number().int().default(17) }).prefault({}),
  auth: authSchema.prefault({}),
  storage: storageSchema.prefault({}),
  functions: z.record(z.string(), functionSchema).default({}),
});

export type ProjectConfig = z.infer<typeof configSchema>;
export type AuthConfig = ProjectConfig['auth'];
export type FunctionConfig = z.infer<typeof functionSchema>;

export function loadProjectConfig(file = path.join(SUPABASE_DIR, 'config.toml')): ProjectConfig {
  const text = fs.readFileSync(file, 'utf8');
  const result = configSchema.safeParse(parse(text));
  if (!result.success) {
    throw new Error(`${file} is invalid: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Options for one function: its [functions.<slug>] block, or the CLI defaults. */
export function functionConfig(config: ProjectConfig, slug: string): FunctionConfig {
  return config.functions[slug] ?? functionSchema.parse({});
}
