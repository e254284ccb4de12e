/**
 * Start-up: the whole local stack (what `npm start` runs, minus the web app) from an empty
 * data folder (initdb, platform bootstrap, migrations) and again from the same folder, and
 * the API function's boot (first request → Deno process → 200). Baselines: Postgres alone
 * (initdb + start, then start) and a trivial Deno.serve script.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { startEmbeddedPostgres } from '../local/src/db/embedded.ts';
import { DENO_BIN } from '../local/src/functions/deno-command.ts';
import { SUPABASE_DIR } from '../local/src/paths.ts';
import { getFreePort } from '../local/src/ports.ts';
import { startStack } from '../local/src/stack.ts';
import { signAccessToken } from '../local/src/keys/index.ts';
import { functionsDirWithEnv } from '../tests/faults/helpers.ts';
import type { Figure } from './lib/stats.ts';
import { sleep } from './lib/stats.ts';

/** Warm stack starts, each booting both functions once (BENCH_BOOT_REPEATS, default 5). */
const BOOT_REPEATS = Math.max(1, Number(process.env.BENCH_BOOT_REPEATS ?? 5));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

/** First request to a function until it answers 200 (the gateway holds it while Deno boots). */
async function functionBoot(apiUrl: string, token: string, apikey: string, route = 'api/health'): Promise<number> {
  const started = performance.now();
  for (let attempt = 0; attempt < 600; attempt++) {
    const res = await fetch(`${apiUrl}/functions/v1/${route}`, { headers: { authorization: `Bearer ${token}`, apikey } });
    await res.body?.cancel();
    if (res.status === 200) return performance.now() - started;
    await sleep(20);
  }
  throw new Error('the function did not boot');
}

/** User + system CPU time of a process so far (from /proc; undefined elsewhere). */
async function processCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const fields = (await fs.readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    // utime and stime (fields 14 and 15 of stat) in clock ticks, 100 per second on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** The api function's postgres.js, as its deno.json maps it (`npm:postgres@<version>`). */
async function postgresSpecifier(): Promise<string> {
  const config = JSON.parse(await fs.readFile(path.join(SUPABASE_DIR, 'functions', 'api', 'deno.json'), 'utf8')) as { imports: Record<string, string> };
  const specifier = config.imports.postgres;
  if (!specifier) throw new Error('supabase/functions/api/deno.json maps no "postgres"');
  return specifier;
}

async function bareDenoBoot(dir: string): Promise<number> {
  const file = path.join(dir, 'hello.ts');
  await fs.writeFile(file, "Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: () => console.log('ready') }, () => new Response('ok'));\n");
  const started = performance.now();
  const child = spawn(DENO_BIN, ['run', '--allow-net', '--no-prompt', file], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
  await new Promise<void>((resolve) => readline.createInterface({ input: child.stdout! }).on('line', (l) => l === 'ready' && resolve()));
  const ms = performance.now() - started;
  child.kill('SIGKILL');
  return ms;
}

export async function benchStartup(log: (line: string) => void): Promise<Figure[]> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-bench-startup-'));
  try {
    // Baseline: Postgres alone, cold (initdb) and warm.
    const pgDir = path.join(root, 'pg-only');
    const pgPort = await getFreePort();
    const [pgCold, pgColdMs] = await timed(() => startEmbeddedPostgres({ dir: pgDir, port: pgPort }));
    await pgCold.stop();
    const [pgWarm, pgWarmMs] = await timed(() => startEmbeddedPostgres({ dir: pgDir, port: pgPort }));
    await pgWarm.stop();
    log(`startup: postgres alone cold ${Math.round(pgColdMs)} ms, warm ${Math.round(pgWarmMs)} ms`);

    const dataDir = path.join(root, 'stack');
    const ports = { apiPort: await getFreePort(), dbPort: await getFreePort() };
    // The app's functions plus `bare`: a function that is only a Deno.serve, booted by the
    // same gateway the same way (the baseline for the api function's boot).
    const functions = await functionsDirWithEnv({});
    await fs.mkdir(path.join(functions.dir, 'bare'));
    await fs.writeFile(path.join(functions.dir, 'bare', 'index.ts'), "Deno.serve(() => new Response('ok'));\n");
    // And `bare-db`: the least a function that answers from the database does — postgres.js (the
    // api's version), one connection opened at boot, `select 1` per request. Its boot is the
    // floor of the api's health check: Deno's Node built-ins that postgres.js loads (node:net,
    // tls, crypto, stream, fs …) and a cold connection, before any code of the app.
    await fs.mkdir(path.join(functions.dir, 'bare-db'));
    await fs.writeFile(path.join(functions.dir, 'bare-db', 'index.ts'), [
      `import postgres from '${await postgresSpecifier()}';`,
      "const sql = postgres(Deno.env.get('SUPABASE_DB_URL')!, { max: 1 });",
      'void sql`select 1`.execute().catch(() => {});',
      "Deno.serve(async () => { await sql`select 1`; return new Response('ok'); });",
      '',
    ].join('\n'));
    const start = () => startStack({ dataDir, ...ports, webPort: false, functionsDir: functions.dir, log: () => {} });

    const [cold, coldMs] = await timed(start);
    const user = crypto.randomUUID();
    const token = await signAccessToken(cold.keys, { sub: user, iss: `${cold.apiUrl}/auth/v1` });
    const coldBootMs = await functionBoot(cold.apiUrl, token, cold.keys.publishableKey);
    await cold.stop();
    log(`startup: stack cold ${Math.round(coldMs)} ms (+ function boot ${Math.round(coldBootMs)} ms)`);

    // Warm: the same data folder, started BOOT_REPEATS times; each time both functions boot
    // on their first request, in alternating order, once the stack has prepared both (their
    // bundles found up to date; a first request waits for it: counting it would charge
    // whichever function is asked first). Medians, because one boot is at the mercy of
    // whatever else the machine runs.
    const slugs = ['api', 'bare', 'bare-db'] as const;
    const boots: Record<(typeof slugs)[number], number[]> = { api: [], bare: [], 'bare-db': [] };
    // CPU time the function's Deno process used up to its first 200: unlike the wall time,
    // it hardly depends on how busy the machine is (Linux only; 10 ms ticks).
    const cpu: Record<(typeof slugs)[number], number[]> = { api: [], bare: [], 'bare-db': [] };
    let warmMs = 0;
    for (let i = 0; i < BOOT_REPEATS; i++) {
      const cached = new Set<string>();
      const [warm, ms] = await timed(() => startStack({
        dataDir, ...ports, webPort: false, functionsDir: functions.dir,
        log: (line) => {
          const done = /functions\/([\w-]+): (?:dependencies cached|caching dependencies failed|bundled|bundle up to date)/.exec(line);
          if (done) cached.add(done[1]!);
        },
      }));
      if (i === 0) warmMs = ms;
      try {
        for (const deadline = Date.now() + 120_000; !slugs.every((slug) => cached.has(slug)) && Date.now() < deadline;) await sleep(20);
        const warmToken = await signAccessToken(warm.keys, { sub: user, iss: `${warm.apiUrl}/auth/v1` });
        // Each start asks them in another order (rotated): none is always first or last.
        for (const slug of slugs.map((_, k) => slugs[(k + i) % slugs.length]!)) {
          boots[slug].push(await functionBoot(warm.apiUrl, warmToken, warm.keys.publishableKey, slug === 'api' ? 'api/health' : slug));
          const used = await processCpuMs(warm.functions.status().find((fn) => fn.slug === slug)?.pid);
          if (used !== undefined) cpu[slug].push(used);
        }
      } finally {
        await warm.stop();
      }
    }
    await functions.remove();
    const warmBootMs = median(boots.api);
    const bareBootMs = median(boots.bare);
    const dbBootMs = median(boots['bare-db']);
    const cpuNote = cpu.api.length && cpu.bare.length && cpu['bare-db'].length
      ? `; CPU to the first 200: api ${median(cpu.api)} ms, bare ${median(cpu.bare)} ms, bare-db ${median(cpu['bare-db'])} ms (medians)` : '';
    log(`startup: stack warm ${Math.round(warmMs)} ms; function boot median ${Math.round(warmBootMs)} ms (${boots.api.map(Math.round).join(', ')}); a bare Deno.serve function ${Math.round(bareBootMs)} ms (${boots.bare.map(Math.round).join(', ')}); bare-db ${Math.round(dbBootMs)} ms (${boots['bare-db'].map(Math.round).join(', ')})${cpuNote}; load ${os.loadavg()[0]!.toFixed(1)}`);

    const denoMs = await bareDenoBoot(root);
    const group = 'start-up';
    return [
      { group, name: 'cold start to ready (empty data dir)', unit: 'ms', value: coldMs, baseline: pgColdMs, baselineLabel: 'Postgres initdb+start' },
      { group, name: 'warm start to ready', unit: 'ms', value: warmMs, baseline: pgWarmMs, baselineLabel: 'Postgres start' },
      { group, name: 'cold start incl. first function answer', unit: 'ms', value: coldMs + coldBootMs, baseline: pgColdMs, baselineLabel: 'Postgres initdb+start' },
      {
        group, name: 'function boot (first request → 200)', unit: 'ms', value: warmBootMs, baseline: bareBootMs, baselineLabel: 'bare Deno.serve function, same gateway',
        target: '≤ ×3', met: warmBootMs <= 3 * bareBootMs,
        note: `medians of ${BOOT_REPEATS} warm starts each (api ${boots.api.map(Math.round).join('/')} ms, bare ${boots.bare.map(Math.round).join('/')} ms)${cpuNote}; a bare Deno.serve process alone (spawn → listening): ${Math.round(denoMs)} ms`,
      },
      {
        group, name: '… the smallest database function (postgres.js, select 1)', unit: 'ms', value: dbBootMs, baseline: bareBootMs, baselineLabel: 'bare Deno.serve function, same gateway',
        note: `the floor of the api's health check (medians, ${boots['bare-db'].map(Math.round).join('/')} ms): the api's own share of its boot is ${Math.round(warmBootMs - dbBootMs)} ms`,
      },
    ];
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}
