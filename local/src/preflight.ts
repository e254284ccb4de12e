/**
 * What `npm start` checks before it starts anything: that the ports it listens on are free,
 * and when one is not, what holds it and what to do about it. A start that found out later
 * failed halfway — the web app's port taken ended it with a Node stack trace and "the web app
 * exited during start-up (code 1)" — or gave advice that did not work (a `pg_ctl` that refuses
 * to run as root, a path that ignored MRPROMPT_DATA_DIR).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isPortInUse } from './ports.ts';

/** The web app's port: MRPROMPT_WEB_PORT, else 3000 (config.toml's site_url). */
export function webPortFrom(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.MRPROMPT_WEB_PORT;
  if (given === undefined || given === '') return 3000;
  const port = Number(given);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`MRPROMPT_WEB_PORT must be a port number (1-65535), not "${given}"`);
  }
  return port;
}

/** More proxies than any real chain has: a larger depth is a typo, not a deployment. */
export const MAX_TRUSTED_PROXY_DEPTH = 10;

/**
 * MRPROMPT_TRUSTED_PROXY_DEPTH: how many reverse proxies of the operator's own stand in front,
 * or undefined when unset. Anything but a whole number in range is refused: -1 made every web
 * sign-in a 500, "two" quietly became the default, and 1.5 made everyone one address.
 */
export function trustedProxyDepthFrom(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const given = env.MRPROMPT_TRUSTED_PROXY_DEPTH;
  if (given === undefined || given.trim() === '') return undefined;
  const depth = Number(given);
  if (!/^\s*\d+\s*$/.test(given) || depth > MAX_TRUSTED_PROXY_DEPTH) {
    throw new Error(
      `MRPROMPT_TRUSTED_PROXY_DEPTH must be a whole number from 0 to ${MAX_TRUSTED_PROXY_DEPTH}, the reverse proxies ` +
        `of your own in front of Mr.Prompt (1 for one, such as Caddy or nginx), not "${given}"`,
    );
  }
  return depth;
}

export interface PortPlan {
  apiPort: number;
  /** The embedded Postgres's port; undefined with DATABASE_URL. */
  dbPort?: number;
  webPort?: number;
  /** The data folder whose `db/` the embedded Postgres runs on. */
  dataDir: string;
}

/** Throws, saying what holds the port and what to do, when one of the plan's ports is taken. */
export async function checkPorts(plan: PortPlan): Promise<void> {
  if (await isPortInUse(plan.apiPort)) {
    throw new Error(
      `port ${plan.apiPort} (the API) is in use: is another \`npm start\` (or \`supabase start\`) running? ` +
        `Stop it, or move this one with [api] port in supabase/config.toml.`,
    );
  }
  if (plan.dbPort !== undefined) {
    // Checked before the port: a server on our folder blocks a start on any port.
    const leftover = runningPostgres(path.join(plan.dataDir, 'db'));
    if (leftover) {
      throw new Error(
        `a Postgres is still running on ${leftover.dir} (pid ${leftover.pid}, port ${leftover.port}): another \`npm start\` ` +
          `is starting, or one that was killed or lost its terminal left it behind. Stop it with \`kill -INT ${leftover.pid}\` ` +
          `(a clean, fast shutdown), then start again.`,
      );
    }
    if (await isPortInUse(plan.dbPort)) {
      throw new Error(
        `port ${plan.dbPort} (the database) is in use by another program: stop it, move this one with [db] port ` +
          `in supabase/config.toml, or set DATABASE_URL to use a Postgres of your own.`,
      );
    }
  }
  if (plan.webPort !== undefined && (await isPortInUse(plan.webPort))) {
    throw new Error(
      `port ${plan.webPort} (the web app) is in use by another program: stop it, or choose another port with ` +
        `MRPROMPT_WEB_PORT=<port> npm start.`,
    );
  }
}

/**
 * The postmaster that `<dir>/postmaster.pid` names, if it is alive and is a Postgres on `dir`.
 * The file outlives a server that was killed; its pid may belong to someone else by now.
 */
export function runningPostgres(dir: string): { dir: string; pid: number; port: number } | undefined {
  const file = path.join(dir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  // Line 1: the pid; line 4: the port (see postmaster.pid in the Postgres docs).
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync('/proc/self/cmdline')) {
    const args = existsSync(cmdline) ? readFileSync(cmdline, 'utf8').split('\0') : [];
    if (!args.some((arg) => path.basename(arg) === 'postgres') || !args.includes(path.resolve(dir))) return undefined;
  }
  return { dir, pid, port };
}

/** Whether a process with this pid exists (ours or another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to another user (the `postgres` OS user when run as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
