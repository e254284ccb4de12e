// A prompt search the API refuses — too many at once (429 from the caller's `heavy` bucket) or
// too slow (503 search_timeout, worded by lib/search-refusal.ts) — is said on the page that
// searched, which stays usable: the library keeps its tabs and search box with the words typed,
// the playground its picker and the prompt open. Both pages showed an error page instead.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, signUp, startE2E, type E2E } from './helpers.ts';
import { createPrompt } from './prompt-helpers.ts';

describe('prompt searches refused', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let sql: postgres.Sql;
  beforeAll(async () => {
    e2e = await startE2E('prompt-search-refusals');
    sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await e2e?.stop();
  });

  it('a search past the rate limit says so and when to try again, in the library and the playground', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await createPrompt(page, { title: 'Weekly summary', content: 'Summarise {{topic}}.' });
    const emptyBucket = () => sql`
      insert into private.rate_limit_buckets (user_id, bucket, tokens, refilled_at)
      select id, 'heavy', 0, clock_timestamp() from auth.users where email = ${email}
      on conflict (user_id, bucket) do update set tokens = 0, refilled_at = excluded.refilled_at`;

    await emptyBucket();
    await open(page, '/prompts?q=summary');
    await page.getByRole('alert').filter({ hasText: /^Too many searches just now\. Try again in \d+ s\.$/ }).waitFor();
    await expect(page.getByLabel('Search prompts').inputValue()).resolves.toBe('summary');
    await page.getByRole('link', { name: 'Public' }).waitFor();
    expect(await page.getByText('No prompts match.').count()).toBe(0);

    await open(page, '/playground');
    await page.locator('select[name="prompt"]').selectOption({ label: 'Weekly summary' });
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('button', { name: /^Run/ }).first().waitFor();
    await emptyBucket();
    await page.getByLabel('Find a prompt').fill('summary');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=summary/);
    await page.getByRole('alert').filter({ hasText: /^Too many searches just now\. Try again in \d+ s\.$/ }).waitFor();
    // The prompt open stays, with its versions to run.
    await page.getByLabel('v1', { exact: true }).waitFor();
    expect(await page.getByText('None of your prompts matches').count()).toBe(0);
  });
});
