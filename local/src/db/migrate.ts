/**
 * Applies supabase/migrations and supabase/seed.sql with the real Supabase CLI, exactly as
 * a deploy to hosted Supabase would (`supabase db push`). The CLI records what it applied in
 * supabase_migrations.schema_migrations, so a second run applies nothing.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT, binPath } from '../paths.ts';

const run = promisify(execFile);

export interface PushOptions {
  /** Also run supabase/seed.sql (default true). */
  seed?: boolean;
  cwd?: string;
}

export async function pushMigrations(url: string, options: PushOptions = {}): Promise<string> {
  const args = ['db', 'push', `--remote=${url}`, '--yes'];
  if (options.seed !== false) args.push('--include-seed');
  return await runSupabase(args, options.cwd);
}

/** `supabase gen types typescript` for the public schema of the database at url. */
export async function generateTypes(url: string, cwd?: string): Promise<string> {
  return await runSupabase(['gen', 'types', 'typescript', `--remote=${url}`, '--schema', 'public'], cwd);
}

async function runSupabase(args: string[], cwd = ROOT): Promise<string> {
  try {
    const { stdout } = await run(binPath('supabase'), args, {
      cwd,
      maxBuffer: 32 * 1024 * 1024,
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', SUPABASE_YES: '1' },
    });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    // The URL carries the local password only; still, never echo a connection string.
    const detail = (failure.stderr || failure.stdout || failure.message).replace(/postgres(ql)?:\/\/[^\s]+/g, '<db-url>');
    throw new Error(`supabase ${args[0]} ${args[1]} failed:\n${detail.trim()}`);
  }
}
