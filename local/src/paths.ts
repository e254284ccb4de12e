/** Where the repository and the local stack's state live. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (the folder holding `supabase/` and `local/`). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Generated keys, the embedded database and logs; never committed. */
export const DATA_DIR = process.env.MRPROMPT_DATA_DIR ?? path.join(ROOT, '.mrprompt');

export const SUPABASE_DIR = path.join(ROOT, 'supabase');

/** A binary installed by npm into the root node_modules. */
export function binPath(name: string): string {
  return path.join(ROOT, 'node_modules', '.bin', name);
}
