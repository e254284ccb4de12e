// deno.json (Deno) and the root package.json (Node) must resolve the same versions, so the
// code vitest tests is the code that deploys.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const read = (url: URL) => JSON.parse(readFileSync(url, 'utf8'));
const deno = read(new URL('./deno.json', import.meta.url)) as { imports: Record<string, string> };
const pkg = read(new URL('../../../package.json', import.meta.url)) as { dependencies: Record<string, string> };

it('pins every npm import to the version in package.json', () => {
  const entries = Object.entries(deno.imports);
  expect(entries.length).toBeGreaterThan(0);
  for (const [specifier, target] of entries) {
    const match = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)\/?$/.exec(target);
    expect(match, `${specifier} → ${target}`).not.toBeNull();
    const [, name, version] = match!;
    expect(specifier.replace(/\/$/, ''), 'specifier names the package').toBe(name);
    expect(pkg.dependencies[name], `${name} in package.json dependencies`).toBe(version);
  }
});

it('maps every bare import the function uses', () => {
  const dir = new URL('./', import.meta.url);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
  const unmapped: string[] = [];
  for (const file of files) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    const specifiers = [
      ...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'/gm),
      ...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
    ].map((m) => m[1]);
    for (const specifier of specifiers) {
      if (specifier.startsWith('node:') || specifier.startsWith('.')) continue;
      const mapped = specifier in deno.imports || Object.keys(deno.imports).some((k) => k.endsWith('/') && specifier.startsWith(k));
      if (!mapped) unmapped.push(`${file}: ${specifier}`);
    }
  }
  expect(files.length).toBeGreaterThan(10);
  expect(unmapped).toEqual([]);
});
