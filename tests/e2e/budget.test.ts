// Budget journey: a user sets a monthly budget in Settings; past 80 % every page shows a
// warning banner, past 100 % an alert that chats are paused, with the reset date.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, reload, screenshot, signUp, startE2E, type E2E } from './helpers.ts';

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
});
