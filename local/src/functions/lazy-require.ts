/**
 * `deno bundle` gives a code-split bundle with a CommonJS module anywhere in it (the api's
 * lazy chunks: `ws`, `file-type`'s `debug`) one `__require`, made in the shared runtime chunk
 * that every chunk, the entry included, imports:
 *
 *     import { createRequire as __deno_internal_createRequire } from "node:module";
 *     var __require = __deno_internal_createRequire(import.meta.url);
 *
 * so every cold start evaluates `node:module` before the function's first line — 3–4 ms on
 * this machine, ahead of the database connection the entry opens — although only those lazy
 * chunks ever call it. Hosted Supabase loads the sources from an eszip, where `node:module`
 * loads only with a module that needs it; the bundle is made to do the same: `__require`
 * creates the real one on its first call, through `process.getBuiltinModule` (what the
 * bundled PDF reader itself uses). Two lines for two, so the source maps still line up.
 */
import fs from 'node:fs';
import path from 'node:path';

const EAGER =
  'import { createRequire as __deno_internal_createRequire } from "node:module";\n' +
  'var __require = __deno_internal_createRequire(import.meta.url);\n';
const LAZY =
  'var __deno_internal_require;\n' +
  'var __require = (id) => (__deno_internal_require ??= process.getBuiltinModule("node:module").createRequire(import.meta.url))(id);\n';

/** The chunk's text with `__require` made on first use; unchanged when it has no eager one. */
export function deferCreateRequire(code: string): string {
  return code.includes(EAGER) ? code.replace(EAGER, LAZY) : code;
}

/** Applies deferCreateRequire to every chunk of a bundle folder. */
export function deferCreateRequireIn(dir: string): void {
  for (const name of fs.readdirSync(dir).filter((file) => file.endsWith('.js'))) {
    const file = path.join(dir, name);
    const code = fs.readFileSync(file, 'utf8');
    const lazy = deferCreateRequire(code);
    if (lazy !== code) fs.writeFileSync(file, lazy);
  }
}
