/**
 * The browser tests need no system Chromium: the one inside the @sparticuz/chromium npm package
 * is unpacked whole into node_modules/.cache and drives a real page.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../local/src/paths.ts';
import { unpackNpmChromium } from '../helpers/chromium.ts';

const run = promisify(execFile);
const scratch = mkdtempSync(path.join(tmpdir(), 'mrprompt-chromium-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the npm-shipped Chromium', () => {
  it('two processes unpacking at once leave one whole copy and no partial folder', async () => {
    const script = `import { unpackNpmChromium } from ${JSON.stringify(path.join(ROOT, 'tests/helpers/chromium.ts'))};
      console.log((await unpackNpmChromium(${JSON.stringify(scratch)})).executablePath);`;
    const spawnOne = () => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT });
    const [a, b] = await Promise.all([spawnOne(), spawnOne()]);
    expect(a.stdout.trim()).toBe(b.stdout.trim());
    expect(existsSync(a.stdout.trim())).toBe(true);
    expect(readdirSync(scratch).filter((name) => name.includes('.partial-'))).toEqual([]);
  }, 120_000);

  it('renders and drives a page', async () => {
    const install = await unpackNpmChromium();
    const browser = await chromium.launch({
      executablePath: install.executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
      env: { ...process.env, ...install.env },
    });
    try {
      const page = await browser.newPage();
      await page.setContent('<main><h1>Mr.Prompt</h1><button onclick="this.textContent = \'clicked\'">go</button></main>');
      await page.getByRole('button').click();
      expect(await page.getByRole('button').textContent()).toBe('clicked');
      const width = await page.locator('h1').evaluate((h1) => h1.getBoundingClientRect().width);
      expect(width).toBeGreaterThan(50);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
