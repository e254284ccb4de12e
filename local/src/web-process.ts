/**
 * The SvelteKit app as a child process: the adapter-node build (`node web/build`) for
 * `start`, or `vite dev` for `dev`. It talks to the gateway exactly as it would to hosted
 * Supabase, through PUBLIC_SUPABASE_URL and the publishable key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPortInUse } from './ports.ts';
import { ROOT, binPath } from './paths.ts';

export const WEB_DIR = path.join(ROOT, 'web');
export const WEB_BUILD = path.join(WEB_DIR, 'build');

// unref: the channel must not keep the app alive once it has shut down on SIGTERM.
const ORPHAN_GUARD = "process.on('disconnect', () => process.exit(0)); process.channel?.unref();";

export interface WebProcess {
  url: string;
  stop(): Promise<void>;
}

export interface WebProcessOptions {
  port: number;
  apiUrl: string;
  /** The reverse proxy's address (MRPROMPT_PUBLIC_URL): the app's origin and the API URL browsers use. */
  publicUrl?: string;
  /** Reverse proxies in front whose X-Forwarded-For names the browser (adapter-node's XFF_DEPTH). */
  trustedProxyDepth?: number;
  publishableKey: string;
  /** Lets the web server vouch for its users' addresses at sign-in (Sb-Forwarded-For). */
  secretKey?: string;
  /** `vite dev` with hot reload instead of the production build. */
  dev?: boolean;
  log?: (line: string) => void;
}

export function webBuildExists(): boolean {
  return existsSync(path.join(WEB_BUILD, 'index.js'));
}

export async function startWebProcess(options: WebProcessOptions): Promise<WebProcess> {
  const host = '127.0.0.1';
  const url = `http://${host}:${options.port}`;
  const env = {
    ...process.env,
    PORT: String(options.port),
    HOST: host,
    // adapter-node: the origin the app is served at, checked against form posts' Origin.
    ORIGIN: options.publicUrl ?? url,
    // adapter-node waits this long (s) for open connections on SIGTERM; ours are local.
    SHUTDOWN_TIMEOUT: '2',
    PUBLIC_SUPABASE_URL: options.publicUrl ?? options.apiUrl,
    // Server-side calls go straight to the gateway, not out and back in through the proxy.
    ...(options.publicUrl ? { SUPABASE_INTERNAL_URL: options.apiUrl } : {}),
    // Behind proxies, the browser's address is in X-Forwarded-For (sign-in throttling).
    ...(options.trustedProxyDepth && !process.env.ADDRESS_HEADER ? { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: String(options.trustedProxyDepth) } : {}),
    PUBLIC_SUPABASE_PUBLISHABLE_KEY: options.publishableKey,
    ...(options.secretKey ? { SUPABASE_SECRET_KEY: options.secretKey } : {}),
  };
  // Started through a tiny wrapper holding an IPC channel to us: if this process dies without
  // stopping it (even SIGKILL), the channel closes and the web app exits instead of lingering.
  const entry = options.dev
    ? `process.argv = [process.execPath, 'vite', 'dev', '--host', ${JSON.stringify(host)}, '--port', ${JSON.stringify(String(options.port))}, '--strictPort'];
       await import(${JSON.stringify(pathToFileURL(realpathSync(binPath('vite'))).href)});`
    : `await import(${JSON.stringify(pathToFileURL(path.join(WEB_BUILD, 'index.js')).href)});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', `${ORPHAN_GUARD}\n${entry}`], {
    cwd: WEB_DIR, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const log = options.log ?? (() => {});
  // Listening is what the child itself says (adapter-node: "Listening on http://…"; Vite:
  // "Local:   http://…"), not that something answers on the port: a port handed out as free
  // can be taken by another process before the child binds it, and then the child exits
  // (EADDRINUSE) while the port still answers — someone else's server.
  let announced = false;
  const listening = new RegExp(`(Listening on|Local:)\\s+http://${host.replaceAll('.', '\\.')}:${options.port}\\b`);
  const said = (line: string) => {
    // Colours stripped: Vite colours the port when it thinks it writes to a terminal.
    if (!announced && listening.test(line.replace(/\x1b\[[0-9;]*m/g, ''))) announced = true;
    log(line);
  };
  child.stdout?.on('data', (chunk: Buffer) => forwardLines(chunk, said));
  child.stderr?.on('data', (chunk: Buffer) => forwardLines(chunk, log));

  await waitForListening(child, options.port, () => announced);
  return { url, stop: () => stopChild(child) };
}

async function waitForListening(child: ChildProcess, port: number, announced: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the web app exited during start-up (code ${child.exitCode})`);
    if (announced() && (await isPortInUse(port))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  throw new Error(`the web app did not listen on port ${port} within 60 s`);
}

/** SIGTERM, then SIGKILL if it lingers; resolves once the process is gone. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function forwardLines(chunk: Buffer, log: (line: string) => void): void {
  for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log(`web: ${line}`);
}
