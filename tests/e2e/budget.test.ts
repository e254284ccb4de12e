// Budget journey: a user sets a monthly budget in Settings; past 80 % every page shows a
// warning banner, past 100 % an alert that chats are paused, with the reset date; the banner
// follows an answer that crosses 80 % in the chat it ends in, and amounts under a dollar keep
// two significant digits. A question refused for it — or for a key deleted meanwhile — goes back
// to the message box, with its file, is kept there through Settings with the alert saying why, and
// links to where it is fixed.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, drop } from './attachment-files.ts';
import { addCustomKey, chooseModel, composer, open, reload, screenshot, signUp, startE2E, type E2E } from './helpers.ts';

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

  // QA6 #3: the box was emptied, Retry offered, and "Settings" was plain text; going there lost the question.
  it('a question refused for the budget is back in the box with its file, kept through Settings, whose link it gives', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await open(page, '/settings');
    await page.getByLabel('Budget in US dollars (empty for none)').fill('1');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByRole('status').filter({ hasText: 'Budget saved.' }).waitFor();
    await spend(email, '1.50');

    await open(page, '/chat');
    const question = 'A long carefully written question I do not want to lose';
    await composer(page).fill(question);
    await drop(page, [['plan.md', 'text/markdown', b64('# plan')]]);
    const tray = page.getByTestId('attachment-tray');
    await tray.getByText('plan.md').waitFor();
    await expect.poll(() => tray.locator('progress').count()).toBe(0);
    await composer(page).press('Enter');
    const alert = page.getByTestId('send-outcome').getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('Your text and files are back in the message box.');
    await expect.poll(() => composer(page).inputValue()).toBe(question);
    await tray.getByText('plan.md').waitFor();
    expect(await page.locator('article[aria-label="Your message"]').count()).toBe(0);
    // Nothing to retry until the budget changes; the link goes where it is raised.
    expect(await alert.getByRole('button', { name: /Retry|Send again/ }).count()).toBe(0);
    const fix = alert.getByRole('link', { name: 'Change budget' });
    expect(await fix.getAttribute('href')).toBe('/settings#budget');
    await screenshot(page, 'budget-refused-question');

    await fix.click();
    await page.waitForURL('**/settings#budget');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('budget-title');
    await page.getByLabel('Budget in US dollars (empty for none)').fill('100');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByRole('status').filter({ hasText: 'Budget saved.' }).waitFor();

    // Back in the chat, the question and its file wait in the box, and now go.
    await open(page, '/chat');
    await expect.poll(() => composer(page).inputValue()).toBe(question);
    await tray.getByText('plan.md').waitFor();
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Your message"]').filter({ hasText: question }).waitFor();
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').first().waitFor();
  });

  it('a question refused for a key deleted meanwhile is back in the box, and its link opens that key in Settings', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await addCustomKey(page, e2e.slowProvider, 'sk-deleted-soon-1234');
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    // Deleted elsewhere (another tab or device) after this page listed it.
    await sql`delete from public.api_credentials where user_id = (select id from auth.users where email = ${email})`;
    await composer(page).fill('Asked of a key that is gone');
    await composer(page).press('Enter');
    const alert = page.getByTestId('send-outcome').getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('Your text is back in the message box.');
    await expect.poll(() => composer(page).inputValue()).toBe('Asked of a key that is gone');
    expect(await alert.getByRole('button', { name: /Retry|Send again/ }).count()).toBe(0);
    const fix = alert.getByRole('link', { name: 'Fix it in Settings' });
    expect(await fix.getAttribute('href')).toBe('/settings#key-custom');
    await fix.click();
    await page.waitForURL('**/settings#key-custom');
    await page.goBack();
    await page.waitForURL('**/chat');
    await expect.poll(() => composer(page).inputValue()).toBe('Asked of a key that is gone');
    // With the alert that says why, and its link (QA 7: back from Settings, the alert was gone).
    await alert.getByRole('link', { name: 'Fix it in Settings' }).waitFor();
    await expect(alert.textContent()).resolves.toContain('Your text is back in the message box.');
    await addCustomKey(page, e2e.slowProvider, 'sk-added-again-5678');
    await open(page, '/chat');
    await alert.waitFor();
    await chooseModel(page, 'custom', 'fake-model');
    await composer(page).press('Enter');
    await alert.waitFor({ state: 'detached' });
    await page.locator('article[aria-label="Your message"]').filter({ hasText: 'Asked of a key that is gone' }).waitFor();
    // Sent, the question took its refusal with it: a new question typed in a new chat comes back alone.
    await open(page, '/chat');
    await composer(page).fill('A new question');
    await expect.poll(() => page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('mrprompt-draft:')).length)).toBe(1);
    await open(page, '/settings');
    await open(page, '/chat');
    await expect.poll(() => composer(page).inputValue()).toBe('A new question');
    expect(await alert.count()).toBe(0);
  });

  it('a rate-limited question is back in the box, and Send again comes once its wait is over and sends it', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await open(page, '/chat');
    // The chat bucket part refilled (0.4 of a token, 0.2 a second): refused with about 3 s to wait —
    // room enough for the send to reach the server under a loaded machine's delays (with 0.5 s,
    // a send that took longer found a whole token and went through), short enough to wait out.
    await sql`
      insert into private.rate_limit_buckets (user_id, bucket, tokens, refilled_at)
      select id, 'chat', 0, clock_timestamp() - interval '2 seconds' from auth.users where email = ${email}
      on conflict (user_id, bucket) do update set tokens = 0, refilled_at = excluded.refilled_at`;
    await composer(page).fill('Sent a little too soon');
    await composer(page).press('Enter');
    const alert = page.getByTestId('send-outcome').getByRole('alert');
    await alert.filter({ hasText: 'Too many messages' }).waitFor();
    await expect.poll(() => composer(page).inputValue()).toBe('Sent a little too soon');
    expect(await alert.getByRole('link').count()).toBe(0);
    // Offered once the wait it named is over; it sends what the box holds.
    await alert.getByRole('button', { name: 'Send again' }).click({ timeout: 30_000 });
    await page.locator('article[aria-label="Your message"]').filter({ hasText: 'Sent a little too soon' }).waitFor();
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').first().waitFor();
    await expect.poll(() => composer(page).inputValue()).toBe('');
  });
});
