// Who spent what in a group chat whose owner pays for members' turns (QA 8 #5), as people read
// it: the owner's Usage has a "By person" table and an "Asked by" column naming the member
// (and "You"), and the member's Usage says how many calls the owner paid for, with tokens and
// without the owner's dollars, where it said "No calls in this range yet".
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, signUp, startE2E, type E2E } from './helpers.ts';

describe('who asked, on Usage', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let sql: ReturnType<typeof postgres>;
  beforeAll(async () => {
    e2e = await startE2E('usage-askers');
    sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await e2e?.stop();
  });

  /** A call logged now on the payer's key, asked by `asker`, as the API logs a group chat turn. */
  async function call(payer: string, asker: string, tokens: number) {
    await sql`
      insert into public.prompt_usage_logs (user_id, asked_by, provider, model, status, purpose, cost_usd, prompt_tokens, completion_tokens, token_count, latency_ms)
      select p.id, a.id, 'openai', 'gpt-4o', 'success', 'chat', 0.5, ${tokens - 10}, 10, ${tokens}, 800
        from auth.users p, auth.users a where p.email = ${payer} and a.email = ${asker}`;
  }

  it("names the member on the payer's Usage and tells the member what the payer's key answered", async () => {
    const [olivePage, annPage] = [await e2e.newPage(), await e2e.newPage()];
    const olive = await signUp(olivePage);
    const ann = await signUp(annPage);
    await sql`update public.profiles p set display_name = case u.email when ${olive} then 'Olive' else 'Ann' end
                from auth.users u where u.id = p.id and u.email in (${olive}, ${ann})`;
    await call(olive, olive, 100);
    await call(olive, ann, 1000);
    await call(olive, ann, 1000);

    await open(olivePage, '/usage');
    const person = olivePage.getByTestId('usage-by-person');
    await person.locator('tr', { hasText: 'Ann' }).waitFor();
    await person.locator('tr', { hasText: 'You' }).waitFor();
    const askers = await olivePage.getByTestId('recent-calls').locator('tbody tr td:last-child').allTextContents();
    expect(askers).toEqual(['Ann', 'Ann', 'You']);
    expect(await olivePage.locator('body').innerText()).not.toContain(ann);

    await open(annPage, '/usage');
    const line = await annPage.getByTestId('usage-paid-by-others').innerText();
    expect(line).toBe('2 calls you asked in this range were paid by Olive (their key): 2,000 tokens. What they cost is on their Usage, not yours.');
    await annPage.getByText('No calls on your own keys in this range.').waitFor();
    expect(await annPage.locator('body').innerText()).not.toContain('$1.00');
  });
});
