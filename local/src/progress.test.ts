import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.ts';

function recorder(isTTY: boolean) {
  const chunks: string[] = [];
  return { out: { isTTY, write: (text: string) => chunks.push(text) }, text: () => chunks.join('') };
}

describe('start-up progress', () => {
  it('writes exactly one settled line per step, with the elapsed seconds, when not on a terminal', async () => {
    const { out, text } = recorder(false);
    const progress = createProgress(out);
    expect(await progress.step('Building the web app', async () => 42)).toBe(42);
    await progress.step('Starting Postgres', async () => {});
    const lines = text().split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ {2}✓ Building the web app {2}\d+\.\d s$/);
    expect(lines[1]).toMatch(/^ {2}✓ Starting Postgres {2}\d+\.\d s$/);
  });

  it('marks a failed step and rethrows its error', async () => {
    const { out, text } = recorder(false);
    const failure = new Error('initdb failed');
    await expect(createProgress(out).step('Initialising the database', async () => { throw failure; })).rejects.toBe(failure);
    expect(text()).toMatch(/^ {2}✗ Initialising the database {2}\d+\.\d s \(failed\)\n$/);
  });

  it('on a terminal, redraws the same line with the running time until the step settles', async () => {
    const { out, text } = recorder(true);
    await createProgress(out, { tickMs: 5 }).step('Building the web app', () => new Promise((resolve) => setTimeout(resolve, 40)));
    const output = text();
    expect(output.startsWith('  … Building the web app')).toBe(true);
    expect(output).toMatch(/\r\x1b\[2K {2}… Building the web app {2}\d+ s/);
    expect(output).toMatch(/\r\x1b\[2K {2}✓ Building the web app {2}\d+\.\d s\n$/);
    expect(output.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
