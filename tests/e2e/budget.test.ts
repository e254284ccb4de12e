// Budget journey: a user sets a monthly budget in Settings; past 80 % every page shows a
// warning banner, past 100 % an alert that chats are paused, with the reset date; the banner
// follows an answer that crosses 80 % in the chat it ends in, and amounts under a dollar keep
// two significant digits.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composer, open, reload, screenshot, signUp, startE2E, type E2E } from './helpers.ts';

describe('monthly budget in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let sql: ReturnType<typeof postgres>;
  beforeAll(async () => {
    e2e = await startE2E('budget');
    sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await e2e?.stop();
  });

  /** A priced call logged now for the user, as the API logs one. */
  async function spend(email: string, usd: string) {
    await sql`
      insert into public.prompt_usage_logs (user_id, provider, model, status, cost_usd)
      select id, 'demo', 'demo-model', 'success', ${usd}::numeric from auth.users where email = ${email}`;
  }

  it('warns past 80 % and says chats are paused past 100 %', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await open(page, '/settings');
    await page.getByLabel('Budget in US dollars (empty for none)').fill('2');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByRole('status').filter({ hasText: 'Budget saved.' }).waitFor();
    expect(await page.getByTestId('budget-banner').count()).toBe(0);

    await spend(email, '1.70');
    await open(page, '/prompts');
    const banner = page.getByTestId('budget-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('role')).toBe('status');
    expect(await banner.textContent()).toContain('85 % of your monthly budget ($1.70 of $2.00)');
    await open(page, '/settings');
    expect(await page.getByTestId('budget-spend').textContent()).toContain('$1.70 spent this month');
    await screenshot(page, 'budget-warning');

    await spend(email, '0.40');
    await reload(page);
    const alert = page.getByTestId('budget-banner');
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.textContent()).toMatch(/Monthly budget reached \(\$2\.10 of \$2\.00\): new chats are paused until/);

    // Raising the budget clears the alert.
    await page.getByLabel('Budget in US dollars (empty for none)').fill('100');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByRole('status').filter({ hasText: 'Budget saved.' }).waitFor();
    await reload(page);
    expect(await page.getByTestId('budget-banner').count()).toBe(0);
  });

  it('shows the warning in the chat where an answer crosses 80 %, without a page load, in amounts under a dollar (QA 6 #4, #5)', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await sql`update public.profiles set monthly_budget_usd = 0.03 where id = (select id from auth.users where email = ${email})`;
    // Just under 80 %: any priced answer (the demo model has an illustrative price) crosses it.
    await spend(email, '0.02399');
    await open(page, '/settings');
    // Two significant digits below a dollar: not "$0.02 … of $0.03 (79 %)".
    expect((await page.getByTestId('budget-spend').textContent())!.replace(/\s+/g, ' ')).toContain('$0.024 spent this month of $0.03 (79 %)');

    await open(page, '/chat');
    expect(await page.getByTestId('budget-banner').count()).toBe(0);
    await composer(page).fill('One answer past the line');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').first().waitFor();
    // The same view: no navigation, no reload.
    const banner = page.getByTestId('budget-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('role')).toBe('status');
    expect(await banner.textContent()).toMatch(/used 8\d % of your monthly budget \(\$0\.02\d of \$0\.03\)/);
    expect(page.url()).toMatch(/\/chat\//);
  });
});
