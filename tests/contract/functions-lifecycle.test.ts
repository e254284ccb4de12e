/**
 * Edge Functions lifecycle: the functions service on its own server with the fixture
 * config.toml (verify_jwt off, a function that boots only when told, a function that
 * cannot boot, dev-mode reload, and a stop that leaves no process behind).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../local/src/config.ts';
import { eventually, FIXTURES, serveFunctions } from './functions-helpers.ts';

describe('the service on its own', () => {
  it('lets requests through without a JWT when verify_jwt is off', async () => {
    const fns = await serveFunctions();
    try {
      const res = await fetch(`${fns.base}/sse/status?id=x`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ aborted: false });
      const guarded = await fetch(`${fns.base}/echo`);
      expect(guarded.status).toBe(401);
    } finally {
      await fns.stop();
    }
  });

  it('serves a function that exports default { fetch } instead of calling Deno.serve', async () => {
    const fns = await serveFunctions();
    try {
      const res = await fetch(`${fns.base}/export-fetch/x`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ style: 'export-default-fetch', path: '/export-fetch/x' });
    } finally {
      await fns.stop();
    }
  });

  it('answers 503 BOOT_ERROR while a function boots, then serves it once booted', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-fn-'));
    const gate = path.join(dir, 'open');
    const fns = await serveFunctions({ env: { SLOW_BOOT_GATE: gate }, bootWaitMs: 200 });
    try {
      const booting = await fetch(`${fns.base}/slow-boot`);
      expect(booting.status).toBe(503);
      expect(await booting.json()).toEqual({ code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' });
      expect(fns.service.status().find((fn) => fn.slug === 'slow-boot')?.state).toBe('booting');

      await fs.writeFile(gate, '');
      const body = await eventually(async () => {
        const res = await fetch(`${fns.base}/slow-boot`);
        return res.status === 200 ? await res.json() : (await res.arrayBuffer(), undefined);
      });
      expect(body).toEqual({ booted: true });
    } finally {
      await fns.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('answers 503 BOOT_ERROR for a function that fails to boot', async () => {
    const fns = await serveFunctions();
    try {
      const res = await fetch(`${fns.base}/boot-error`);
      expect(res.status).toBe(503);
      expect((await res.json()).code).toBe('BOOT_ERROR');
    } finally {
      await fns.stop();
    }
  });

  it('in dev mode reloads a function when its files or _shared change; reads functions/.env', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-fn-'));
    await fs.mkdir(path.join(dir, 'hello'));
    await fs.mkdir(path.join(dir, '_shared'));
    await fs.writeFile(path.join(dir, '.env'), 'FIXTURE_GREETING=hi from .env\nSUPABASE_INTERNAL_HOST=leak\n');
    await fs.writeFile(path.join(dir, '_shared', 'suffix.ts'), "export const suffix = 'a';\n");
    const writeFunction = (version: number) =>
      fs.writeFile(
        path.join(dir, 'hello', 'index.ts'),
        `import { suffix } from '../_shared/suffix.ts';\n` +
          `Deno.serve(() => Response.json({ version: '${version}' + suffix, greeting: Deno.env.get('FIXTURE_GREETING'), internal: Deno.env.get('SUPABASE_INTERNAL_HOST') ?? null }));\n`,
      );
    await writeFunction(1);
    const config = { ...loadProjectConfig(path.join(FIXTURES, 'config.toml')), functions: { hello: { enabled: true, verify_jwt: false } } };
    const fns = await serveFunctions({ functionsDir: dir, config, dev: true });
    const versionIs = (expected: string) =>
      eventually(async () => {
        const res = await fetch(`${fns.base}/hello`);
        if (res.status !== 200) return void (await res.arrayBuffer());
        const body = await res.json();
        return body.version === expected ? body : undefined;
      });
    try {
      expect(await versionIs('1a')).toEqual({ version: '1a', greeting: 'hi from .env', internal: null });
      // Dev mode runs the sources, so a reload needs no rebuild.
      expect(fns.service.status().find((fn) => fn.slug === 'hello')?.runs).toBe('sources');
      await writeFunction(2);
      await versionIs('2a');
      await fs.writeFile(path.join(dir, '_shared', 'suffix.ts'), "export const suffix = 'b';\n");
      await versionIs('2b');
    } finally {
      await fns.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('runs a function from its bundle, built again when the stack starts after a source change', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-fn-'));
    const functionsDir = path.join(dir, 'functions');
    await fs.mkdir(path.join(functionsDir, 'hello'), { recursive: true });
    const writeFunction = (version: number) =>
      fs.writeFile(path.join(functionsDir, 'hello', 'index.ts'), `Deno.serve(() => Response.json({ version: ${version} }));\n`);
    const config = { ...loadProjectConfig(path.join(FIXTURES, 'config.toml')), functions: { hello: { enabled: true, verify_jwt: false } } };
    const start = async () => {
      const logs: string[] = [];
      const fns = await serveFunctions({ functionsDir, config, bundleDir: path.join(dir, 'bundles'), log: (line) => logs.push(line) });
      try {
        const res = await fetch(`${fns.base}/hello`);
        expect(fns.service.status().find((fn) => fn.slug === 'hello')?.runs).toBe('bundle');
        return { body: await res.json(), prepared: logs.find((line) => line.startsWith('functions/hello: bundle')) };
      } finally {
        await fns.stop();
      }
    };
    try {
      await writeFunction(1);
      expect(await start()).toMatchObject({ body: { version: 1 }, prepared: expect.stringMatching(/^functions\/hello: bundled in/) });
      expect(await start()).toMatchObject({ body: { version: 1 }, prepared: expect.stringMatching(/^functions\/hello: bundle up to date/) });
      await writeFunction(2);
      expect(await start()).toMatchObject({ body: { version: 2 }, prepared: expect.stringMatching(/^functions\/hello: bundled in/) });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('runs the sources when the function cannot be bundled', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-fn-'));
    const logs: string[] = [];
    // Bundles cannot be written under a file: bundling fails, the sources run instead.
    const blocked = path.join(dir, 'not-a-folder');
    await fs.writeFile(blocked, '');
    const fns = await serveFunctions({ bundleDir: blocked, log: (line) => logs.push(line) });
    try {
      const res = await fetch(`${fns.base}/export-fetch/x`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ style: 'export-default-fetch' });
      expect(fns.service.status().find((fn) => fn.slug === 'export-fetch')?.runs).toBe('sources');
      expect(logs.some((line) => line.startsWith('functions/export-fetch: bundling failed; running the sources'))).toBe(true);
    } finally {
      await fns.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('stop() leaves no Deno process behind', async () => {
    const fns = await serveFunctions();
    const res = await fetch(`${fns.base}/crash`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const pids = fns.service.status().flatMap((fn) => (fn.pid ? [fn.pid] : []));
    expect(pids.length).toBeGreaterThan(0);
    await fns.stop();
    for (const pid of pids) {
      // The whole process group is gone, not just its leader.
      expect(() => process.kill(-pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    }
    expect(fns.service.status().every((fn) => fn.state === 'stopped' && fn.pid === undefined)).toBe(true);
  });
});

