// Scores journey: an answer shows what it cost; rate it thumbs up with a comment, see the
// rating kept after a reload, and see the share of positive ratings on the usage page and on
// the prompt's page (per version, with calls, cost and latency). An answer is read aloud.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, open, reload, screenshot, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';

describe('scores in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let sql: ReturnType<typeof postgres>;
  beforeAll(async () => {
    e2e = await startE2E('scores');
    sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await e2e?.stop();
  });

  it('rates an answer, keeps the rating, and shows the positive share per version', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await composer(page).fill('Rate this answer');
    await composer(page).press('Enter');
    const answer = page.locator('article[aria-label="Assistant message"][data-status="complete"]').first();
    await answer.waitFor();
    // What the answer cost, under it, once it has ended (the demo model has an illustrative price).
    await expect.poll(() => answer.getByTestId('answer-cost').textContent()).toMatch(/^\$0\.0*[1-9]\d*$/);
    await answer.getByRole('button', { name: 'Good answer' }).click();
    await answer.getByRole('button', { name: 'Add comment' }).click();
    await answer.getByLabel('Comment on this answer').fill('Clear and short');
    await answer.getByRole('button', { name: 'Save' }).click();
    await answer.getByRole('button', { name: 'Edit comment' }).waitFor();

    await reload(page);
    const again = page.locator('article[aria-label="Assistant message"][data-status="complete"]').first();
    await again.getByRole('button', { name: 'Good answer', pressed: true }).waitFor();
    // The cost again, this time from the chat's calls read as the chat opens.
    expect(await again.getByTestId('answer-cost').textContent()).toMatch(/^\$0\.0*[1-9]\d*$/);
    const [stored] = await sql`
      select s.rating, s.comment from public.answer_scores s join auth.users u on u.id = s.user_id where u.email = ${email}`;
    expect(stored).toEqual({ rating: 1, comment: 'Clear and short' });

    await open(page, '/usage');
    const byPrompt = page.getByTestId('usage-by-prompt');
    await byPrompt.waitFor();
    expect(await byPrompt.locator('tbody tr').first().textContent()).toContain('100 % of 1');

    // A prompt's page shows its versions' calls, cost, latency and ratings.
    await open(page, '/prompts/new');
    await page.getByLabel('Title').fill('Rated prompt');
    await page.getByLabel('Template').fill('Be brief');
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
    const promptId = page.url().split('/').pop()!;
    await sql`
      with u as (select id from auth.users where email = ${email}),
           calls as (
             insert into public.prompt_usage_logs (user_id, provider, model, status, latency_ms, cost_usd, prompt_id, prompt_version)
             select u.id, 'demo', 'demo-model', 'success', x.latency, 0.002, ${promptId}, 1 from u, (values (100), (300)) as x(latency)
             returning id, user_id)
      insert into public.answer_scores (user_id, usage_log_id, rating)
      select user_id, id, -1 from calls limit 1`;
    await reload(page);
    const stats = page.getByTestId('prompt-version-stats');
    await stats.waitFor();
    const row = stats.locator('tbody tr').first();
    expect(await row.locator('th').textContent()).toBe('v1');
    // Columns: calls, cost, tokens, p50, p95, share of thumbs up.
    expect(await row.locator('td').allTextContents()).toEqual(['2', '$0.004', '0', '200 ms', '290 ms', '0 % of 1']);
    await screenshot(page, 'prompt-version-stats');
  });

  it('reads an answer aloud without its code, one answer at a time, and stops when asked', async () => {
    const page = await e2e.newPage();
    // The browser's speech engine, recorded: what it is asked to say, and a way to finish it.
    await page.addInitScript(() => {
      type Said = { text: string; onend: ((e: Event) => void) | null; onerror: ((e: Event) => void) | null };
      const w = window as unknown as { __spoken: string[]; __finishSpeech: () => void };
      let queue: Said[] = [];
      w.__spoken = [];
      w.__finishSpeech = () => { const done = queue; queue = []; for (const u of done) u.onend?.(new Event('end')); };
      Object.defineProperty(window, 'speechSynthesis', {
        configurable: true,
        value: {
          speak(utterance: Said) { w.__spoken.push(utterance.text); queue.push(utterance); },
          cancel() { const dropped = queue; queue = []; for (const u of dropped) u.onerror?.(new Event('error')); },
        },
      });
    });
    await signUp(page);
    await composer(page).fill('Show me some `code` please');
    await composer(page).press('Enter');
    const answer = page.locator('article[aria-label="Assistant message"][data-status="complete"]').first();
    await answer.waitFor();
    await waitForChatPage(page); // the new chat's page has arrived: its header no longer moves the answer's buttons
    const spoken = () => page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken.join(' | '));
    await answer.getByRole('button', { name: 'Read aloud' }).click();
    await answer.getByRole('button', { name: 'Stop reading', pressed: true }).waitFor();
    const said = await spoken();
    expect(said).toContain('(A js code block.)');
    expect(said).not.toContain('console.log');
    expect(said).not.toMatch(/[`*#]/);
    // The last piece ends: the button is back.
    await page.evaluate(() => (window as unknown as { __finishSpeech: () => void }).__finishSpeech());
    await answer.getByRole('button', { name: 'Read aloud', pressed: false }).waitFor();
    // Started again and stopped by hand.
    await answer.getByRole('button', { name: 'Read aloud' }).click();
    await answer.getByRole('button', { name: 'Stop reading' }).click();
    await answer.getByRole('button', { name: 'Read aloud', pressed: false }).waitFor();
    // Another answer started while one reads takes over.
    await composer(page).fill('/echo The second answer.');
    await composer(page).press('Enter');
    const second = page.locator('article[aria-label="Assistant message"][data-status="complete"]').nth(1);
    await second.waitFor();
    await answer.getByRole('button', { name: 'Read aloud' }).click();
    await second.getByRole('button', { name: 'Read aloud' }).click();
    await second.getByRole('button', { name: 'Stop reading', pressed: true }).waitFor();
    await answer.getByRole('button', { name: 'Read aloud', pressed: false }).waitFor();
    expect(await spoken()).toMatch(/The second answer\.$/);
  });
});
