/**
 * Which functions exist and how each one runs, as the Supabase CLI decides it
 * (https://supabase.com/docs/guides/functions/function-configuration):
 * directories `<functionsDir>/<slug>/index.ts` plus slugs declared in config.toml with an
 * entrypoint, their `[functions.<slug>]` options, and the import map / deno.json lookup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { functionConfig, type ProjectConfig } from '../config.ts';

/** The CLI's slug rule; it also keeps `_shared` and other `_`-prefixed folders out. */
export const SLUG_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

export interface FunctionSpec {
  slug: string;
  /** The function's folder (watched in dev mode). */
  dir: string;
  /** Absolute path of the entry module. */
  entrypoint: string;
  /** deno.json(c) → `--config`; an import_map.json → `--import-map`. */
  configFile?: { kind: 'config' | 'import-map'; file: string };
  verifyJwt: boolean;
}

/**
 * Every enabled function under `functionsDir`. Paths in config.toml are relative to the
 * folder holding `functions/` (the `supabase/` folder), as in the CLI.
 */
export function discoverFunctions(functionsDir: string, config: ProjectConfig): FunctionSpec[] {
  const baseDir = path.dirname(functionsDir);
  const slugs = new Set<string>();
  for (const entry of safeReaddir(functionsDir)) {
    if (entry.isDirectory() && SLUG_PATTERN.test(entry.name)) slugs.add(entry.name);
  }
  for (const slug of Object.keys(config.functions)) {
    if (SLUG_PATTERN.test(slug)) slugs.add(slug);
  }

  const specs: FunctionSpec[] = [];
  for (const slug of [...slugs].sort()) {
    const options = functionConfig(config, slug);
    if (!options.enabled) continue;
    const dir = path.join(functionsDir, slug);
    const entrypoint = options.entrypoint ? path.resolve(baseDir, options.entrypoint) : path.join(dir, 'index.ts');
    if (!isFile(entrypoint)) continue;
    specs.push({
      slug,
      dir: options.entrypoint ? path.dirname(entrypoint) : dir,
      entrypoint,
      configFile: findConfigFile(functionsDir, dir, options.import_map ? path.resolve(baseDir, options.import_map) : undefined),
      verifyJwt: options.verify_jwt,
    });
  }
  return specs;
}

/** The CLI's order: explicit import_map, deno.json, deno.jsonc, import_map.json, the shared one. */
function findConfigFile(functionsDir: string, dir: string, explicit: string | undefined): FunctionSpec['configFile'] {
  const candidates = explicit
    ? [explicit]
    : [
        path.join(dir, 'deno.json'),
        path.join(dir, 'deno.jsonc'),
        path.join(dir, 'import_map.json'),
        path.join(functionsDir, 'import_map.json'),
      ];
  const file = candidates.find(isFile);
  if (!file) return undefined;
  return { kind: /deno\.jsonc?$/.test(file) ? 'config' : 'import-map', file };
}

function safeReaddir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
