// Following a streaming answer (QA 7 #1): a rich answer — headings, code blocks (whose header is
// added after they render), tables and math (KaTeX loads and re-renders the answer at the first
// formula) — is followed to its end without the reader touching the page; a reader who scrolls
// up mid-answer stays where they are, with "Jump to latest", which takes them back to the bottom
// and following again to the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { addCustomKey, chooseModel, composer, lastAnswer, open, screenshot, sendAndWait, signUp, startE2E, type E2E } from './helpers.ts';

/** A section of an answer as models write them: prose, a code block, a table and math. */
const section = (n: number) => `## Section ${n}: analysis

Here is some prose for section ${n}, explaining the approach in detail with several sentences so that paragraphs wrap across lines.

\`\`\`python
def section_${n}(x):
    total = 0
    for k in range(x):
        total += k * ${n}
    return total
\`\`\`

| Column A | Column B | Column C |
|---|---|---|
| a${n} | b${n} | c${n} |
| row two | value ${n * 2} | more |

The energy is $E = mc^2$ and the sum is

$$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$
`;

/**
 * Records, in the page, how far the message list is from its bottom after each change of its
 * content's size, once the app has handled it (this observer is made after the app's: observers
 * are called in the order they were made), and whether "Jump to latest" was shown.
 */
async function watchFollow(page: Page): Promise<void> {
  await page.getByTestId('messages').evaluate((list) => {
    const seen = { maxGap: 0, changes: 0, jumpShown: false };
    (window as unknown as { followSeen: typeof seen }).followSeen = seen;
    new ResizeObserver(() => {
      seen.changes++;
      seen.maxGap = Math.max(seen.maxGap, list.scrollHeight - list.scrollTop - list.clientHeight);
      if ([...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Jump to latest')) seen.jumpShown = true;
    }).observe(list.querySelector('[data-testid="message-list"]')!);
  });
}
const followSeen = (page: Page) => page.evaluate(() => (window as unknown as { followSeen: { maxGap: number; changes: number; jumpShown: boolean } }).followSeen);

describe('following a streaming answer', { timeout: 180_000 }, () => {
  let e2e: E2E;
  let provider: FakeProvider;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-prose-'));
    const prose = path.join(dir, 'prose.md');
    writeFileSync(prose, Array.from({ length: 40 }, (_, i) => section(i + 1)).join('\n'));
    [e2e, provider] = await Promise.all([startE2E('stream-follow'), startFakeProvider({ models: ['fake-model'], proseFile: prose })]);
  });
  afterAll(async () => {
    await provider?.stop();
    await e2e?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a rich answer (code, tables, math) is followed to its end untouched; a reader who scrolls up stays there with "Jump to latest", which follows again', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 1280, height: 700 });
    await signUp(page);
    await addCustomKey(page, provider, 'sk-follow');
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    await sendAndWait(page, '/echo warm up', 0);
    const messages = page.getByTestId('messages');
    const jump = page.getByRole('button', { name: 'Jump to latest' });
    const gap = () => messages.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

    // Untouched: at the bottom after every change of the answer's size, to its end (it stopped
    // at the first formula, KaTeX's re-render, and never came back, with no "Jump to latest").
    await watchFollow(page);
    await composer(page).fill('/prose 900 at 60/s');
    await composer(page).press('Enter');
    const answer = lastAnswer(page);
    await answer.locator('.katex-display').nth(3).waitFor();
    const complete = page.locator('article[aria-label="Assistant message"][data-status="complete"]');
    await complete.nth(1).waitFor({ timeout: 60_000 });
    const untouched = await followSeen(page);
    expect(untouched.changes).toBeGreaterThan(10);
    expect(untouched.maxGap).toBeLessThan(2);
    expect(untouched.jumpShown).toBe(false);
    expect(await gap()).toBeLessThan(2);
    await expect(jump.count()).resolves.toBe(0);
    await expect(answer.locator('.katex-display').count()).resolves.toBeGreaterThan(5);
    await expect(answer.locator('table').count()).resolves.toBeGreaterThan(5);

    // Scrolled up mid-answer (the mouse wheel): not pulled down while it grows; "Jump to latest"
    // shows, and takes the reader back to the bottom, followed again to the end.
    await composer(page).fill('/prose 1200 at 60/s');
    await composer(page).press('Enter');
    const second = page.locator('article[aria-label="Assistant message"]').nth(2);
    await second.locator('.katex-display').nth(1).waitFor();
    const box = (await messages.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(gap).toBeGreaterThan(300);
    await jump.waitFor();
    const top = await messages.evaluate((el) => el.scrollTop);
    const formulas = await second.locator('.katex-display').count();
    await second.locator('.katex-display').nth(formulas + 1).waitFor(); // two more sections below
    expect(Math.abs((await messages.evaluate((el) => el.scrollTop)) - top)).toBeLessThan(2);
    await expect(jump.count()).resolves.toBe(1);
    await screenshot(page, 'stream-follow-scrolled-up');
    await jump.click();
    await expect.poll(gap).toBeLessThan(2);
    await jump.waitFor({ state: 'hidden' });
    await watchFollow(page);
    await complete.nth(2).waitFor({ timeout: 60_000 });
    const after = await followSeen(page);
    expect(after.changes).toBeGreaterThan(3);
    expect(after.maxGap).toBeLessThan(2);
    expect(await gap()).toBeLessThan(2);
    await expect(jump.count()).resolves.toBe(0);
  });
});
