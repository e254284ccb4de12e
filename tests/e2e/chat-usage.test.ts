// What one chat cost, as a user reads it: the chat's "Usage" action opens a panel with the dollars,
// calls and tokens in and out the database stored for the chat (its answer and the call that named
// it), each call with its model, tokens, TTFT and duration; Esc closes it with focus back on
// Usage; on a 390 px phone it opens from "Chat actions" and stays on the screen; Usage's "Chats
// that cost most" links to the chat with the same dollars.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { formatCount, formatUsd } from '../../web/src/lib/usage-format.ts';
import { open, screenshot, sendAndWait, seriousViolations, signUp, startE2E, type E2E } from './helpers.ts';

const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });

describe("a chat's usage in the browser", { timeout: 120_000 }, () => {
  let e2e: E2E;
  let sql: ReturnType<typeof postgres>;
  beforeAll(async () => {
    e2e = await startE2E('chat-usage');
    sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await e2e?.stop();
  });

  /** A new chat with one answer, once its title call is logged too; returns its id and what was stored. */
  async function answeredChat(page: Page) {
    await sendAndWait(page, 'How do the tides on Earth work?', 0);
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}/);
    const sessionId = page.url().split('/').pop()!;
    await expect.poll(async () => (await sql`select purpose from public.prompt_usage_logs where session_id = ${sessionId} order by executed_at`).map((r) => r.purpose))
      .toEqual(['chat', 'title']);
    const [stored] = await sql<{ model: string; calls: number; prompt_tokens: number; completion_tokens: number; cost_usd: number }[]>`
      select max(model) as model, count(*)::int as calls, sum(prompt_tokens)::int as prompt_tokens, sum(completion_tokens)::int as completion_tokens, sum(cost_usd)::float8 as cost_usd
        from public.prompt_usage_logs where session_id = ${sessionId}`;
    return { sessionId, stored: stored! };
  }

  it('shows the dollars, calls and tokens the database stored for the chat, call by call, and closes with Esc back to Usage', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const { sessionId, stored } = await answeredChat(page);
    expect(stored.cost_usd).toBeGreaterThan(0);

    const usageButton = page.getByRole('button', { name: 'Usage', exact: true });
    await usageButton.click();
    const panel = page.getByRole('dialog', { name: 'Usage of this chat' });
    await panel.getByTestId('chat-usage-totals').waitFor();
    await expect.poll(() => focusedName(page)).toBe('Usage of this chat');
    await expect(panel.getByTestId('chat-usage-cost').textContent()).resolves.toBe(formatUsd(stored.cost_usd));
    await expect(panel.getByTestId('chat-usage-calls').textContent()).resolves.toBe('2');
    await expect(panel.getByTestId('chat-usage-tokens-in').textContent()).resolves.toBe(formatCount(stored.prompt_tokens));
    await expect(panel.getByTestId('chat-usage-tokens-out').textContent()).resolves.toBe(formatCount(stored.completion_tokens));
    const calls = panel.getByTestId('chat-usage-call');
    await expect(calls.count()).resolves.toBe(2);
    // Newest first: the call that named the chat, then the answer, each with its model and timings.
    await expect(calls.nth(0).textContent()).resolves.toContain(`Chat title · ${stored.model}`);
    const answer = (await calls.nth(1).textContent())!.replace(/\s+/g, ' ');
    expect(answer).toContain(`Chat answer · ${stored.model}`);
    expect(answer).toMatch(/ in · [\d,]+ out TTFT [\d.]+ (ms|s) [\d.]+ (ms|s) total/);
    expect(await seriousViolations(page)).toEqual([]);

    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    await expect.poll(() => focusedName(page)).toBe('Usage');

    // Usage ranks the chat by its cost, linked to it.
    await open(page, '/usage');
    const row = page.getByTestId('usage-by-chat').locator('tbody tr').first();
    await expect(row.getByRole('link').getAttribute('href')).resolves.toBe(`/chat/${sessionId}`);
    await expect(row.locator('td').first().textContent()).resolves.toBe(formatUsd(stored.cost_usd));
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('2');
  });

  it('opens from "Chat actions" on a 390 px phone and stays on the screen', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signUp(page);
    const { stored } = await answeredChat(page);
    await page.getByRole('button', { name: 'Chat actions' }).click();
    await page.getByRole('button', { name: 'Usage', exact: true }).click();
    const panel = page.getByRole('dialog', { name: 'Usage of this chat' });
    await panel.getByTestId('chat-usage-call-list').waitFor();
    await expect(panel.getByTestId('chat-usage-cost').textContent()).resolves.toBe(formatUsd(stored.cost_usd));
    const box = (await panel.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    // Nothing in the page scrolls sideways because of it.
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await screenshot(page, 'chat-usage-phone');
  });
});
