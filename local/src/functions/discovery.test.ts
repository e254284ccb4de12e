import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProjectConfig, type ProjectConfig } from '../config.ts';
import { discoverFunctions } from './discovery.ts';

let root: string;
let functionsDir: string;

function write(relative: string, text = '') {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A config.toml with defaults everywhere and these [functions.<slug>] blocks. */
function config(functions: ProjectConfig['functions'] = {}): ProjectConfig {
  write('config.toml', 'project_id = "test"\n');
  return { ...loadProjectConfig(path.join(root, 'config.toml')), functions };
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mrprompt-discovery-'));
  functionsDir = path.join(root, 'functions');
  fs.mkdirSync(functionsDir);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('discoverFunctions', () => {
  it('finds <slug>/index.ts folders and skips _shared, invalid slugs and folders without an entry', () => {
    write('functions/hello/index.ts');
    write('functions/with-dash_ok/index.ts');
    write('functions/_shared/index.ts');
    write('functions/1bad/index.ts');
    write('functions/empty/readme.md');
    expect(discoverFunctions(functionsDir, config()).map((fn) => fn.slug)).toEqual(['hello', 'with-dash_ok']);
  });

  it('defaults verify_jwt to true and honours [functions.<slug>] (enabled, verify_jwt)', () => {
    write('functions/open/index.ts');
    write('functions/guarded/index.ts');
    write('functions/off/index.ts');
    const specs = discoverFunctions(functionsDir, config({
      open: { enabled: true, verify_jwt: false },
      off: { enabled: false, verify_jwt: true },
    }));
    expect(specs.map((fn) => [fn.slug, fn.verifyJwt])).toEqual([['guarded', true], ['open', false]]);
  });

  it('looks up deno.json, then deno.jsonc, then import_map.json, then the shared import map', () => {
    write('functions/a/index.ts');
    write('functions/a/deno.json', '{}');
    write('functions/a/import_map.json', '{}');
    write('functions/b/index.ts');
    write('functions/b/deno.jsonc', '{}');
    write('functions/c/index.ts');
    write('functions/c/import_map.json', '{}');
    write('functions/d/index.ts');
    const byslug = () => Object.fromEntries(discoverFunctions(functionsDir, config()).map((fn) => [fn.slug, fn.configFile]));
    expect(byslug()).toEqual({
      a: { kind: 'config', file: path.join(functionsDir, 'a', 'deno.json') },
      b: { kind: 'config', file: path.join(functionsDir, 'b', 'deno.jsonc') },
      c: { kind: 'import-map', file: path.join(functionsDir, 'c', 'import_map.json') },
      d: undefined,
    });
    write('functions/import_map.json', '{}');
    expect(byslug().d).toEqual({ kind: 'import-map', file: path.join(functionsDir, 'import_map.json') });
  });

  it('resolves import_map and entrypoint from config.toml relative to the folder holding functions/', () => {
    write('functions/api/index.ts');
    write('shared/deno.json', '{}');
    write('elsewhere/main.ts');
    const specs = discoverFunctions(functionsDir, config({
      api: { enabled: true, verify_jwt: true, import_map: './shared/deno.json' },
      custom: { enabled: true, verify_jwt: true, entrypoint: './elsewhere/main.ts' },
    }));
    expect(specs.find((fn) => fn.slug === 'api')?.configFile).toEqual({ kind: 'config', file: path.join(root, 'shared', 'deno.json') });
    expect(specs.find((fn) => fn.slug === 'custom')?.entrypoint).toBe(path.join(root, 'elsewhere', 'main.ts'));
  });
});
