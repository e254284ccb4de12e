/**
 * Dev-mode reload: watches each function's folder and the shared `_shared` folder, and
 * after a short quiet period restarts the functions whose code changed (all of them for
 * `_shared`, which any function may import).
 */
import fs from 'node:fs';
import path from 'node:path';

const DEBOUNCE_MS = 200;
/** Written by tools, not by the developer; reacting to them could loop. */
const IGNORED = /(^|[\\/])(deno\.lock|node_modules|\.git)([\\/]|$)|~$|\.swp$/;

export interface Watcher {
  /** Watches one more function's folder (a function created after start-up). */
  add(slug: string, dir: string): void;
  close(): void;
}

/** `onChange(slugs)` gets the slugs to restart; `undefined` means every function. */
export function watchFunctions(
  functionsDir: string,
  onChange: (slugs: Set<string> | undefined) => void,
  log: (line: string) => void,
): Watcher {
  const watchers: fs.FSWatcher[] = [];
  let pending: Set<string> | undefined = new Set();
  let timer: NodeJS.Timeout | undefined;

  const schedule = (slug: string | undefined) => {
    if (slug === undefined) pending = undefined;
    else pending?.add(slug);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const slugs = pending;
      pending = new Set();
      onChange(slugs);
    }, DEBOUNCE_MS);
  };

  const watch = (dir: string, slug: string | undefined) => {
    try {
      const watcher = fs.watch(dir, { recursive: true }, (_event, file) => {
        if (file && IGNORED.test(String(file))) return;
        schedule(slug);
      });
      watcher.on('error', (error) => log(`functions: watching ${dir} failed: ${error.message}`));
      watchers.push(watcher);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  };

  watch(path.join(functionsDir, '_shared'), undefined);

  return {
    add: (slug, dir) => watch(dir, slug),
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
