// Usage and settings figures as a user reads them: calls to a model without a price say
// "unpriced" (never $0), big numbers are grouped, a range longer than the API reports at once
// shows its last 400 days instead of an error page, days are the reader's time zone's, the
// budget is in the same dollars, an expired API key is listed as expired, a key's expiry
// day is the reader's, the latest calls listed are the range's and name their prompt's version,
// every table header has a name, each call says its source (the web app or an API key), a
// revoked key stays listed with what it spent, a deleted project's calls keep its name, the call
// that names a new chat says so, cached and reasoning tokens show under an answer and per model,
// the API keys page gives the gateway's base URL and focuses a new key's Copy button, and two keys
// of one name read apart in Usage by their prefixes.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../web/src/lib/usage-days.ts';
import { localDay } from '../../web/src/lib/time-zone.ts';
import type { Page } from 'playwright-core';
import { composer, open, reload, screenshot, signUp, startE2E, type E2E } from './helpers.ts';

/** axe-core's `empty-table-header` (a best practice, so outside seriousViolations' WCAG tags): the headers it finds empty. */
async function emptyTableHeaders(page: Page): Promise<string[]> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const results = await new AxeBuilder({ page }).withRules(['empty-table-header']).setLegacyMode(true).analyze();
  return results.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')));
}

describe('usage figures in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let sql: ReturnType<typeof postgres>;
  beforeAll(async () => {
    e2e = await startE2E('usage');
    sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await e2e?.stop();
  });

  /** A call logged now for the user, as the API logs one (`usd` null: a model without a price). */
  async function call(email: string, provider: string, model: string, usd: string | null, tokens: number) {
    await sql`
      insert into public.prompt_usage_logs (user_id, provider, model, status, cost_usd, token_count, latency_ms)
      select id, ${provider}, ${model}, 'success', ${usd}::numeric, ${tokens}, 800 from auth.users where email = ${email}`;
  }

  it('says what unpriced calls cost is unknown (never $0) and groups thousands, on the usage page and the budget', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await call(email, 'openai', 'gpt-4o', '1234.5', 2_500_000);
    await call(email, 'ollama', 'llama3', null, 1_000);
    await call(email, 'ollama', 'llama3', null, 2_000);

    await open(page, '/usage');
    const total = (term: string) => page.getByTestId('usage-totals').locator('div', { hasText: term }).first().locator('dd').textContent();
    await expect(total('Cost')).resolves.toBe('$1,234.50 + 2 unpriced');
    await expect(total('Tokens')).resolves.toBe('2,503,000');
    await page.getByText('2 calls used a model without a price: what they cost is unknown').waitFor();
    const cost = (model: string) => page.getByTestId('usage-by-model').locator('tr', { hasText: model }).locator('td').nth(1).textContent();
    await expect(cost('ollama/llama3')).resolves.toBe('unpriced');
    await expect(cost('openai/gpt-4o')).resolves.toBe('$1,234.50');

    // The budget in the same dollars.
    await sql`update public.profiles set monthly_budget_usd = 1000000 where id = (select id from auth.users where email = ${email})`;
    await open(page, '/settings');
    const spend = (await page.getByTestId('budget-spend').textContent())!.replace(/\s+/g, ' ');
    expect(spend).toContain('$1,234.50 spent this month of $1,000,000.00 (0 %)');
  });

  it('shows the last 400 days of a longer range, which the API would refuse, and says so', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await call(email, 'openai', 'gpt-4o', '0.5', 100);
    // Two years asked: the last 400 days shown, said so, and the CSV of those days downloads.
    const today = new Date().toISOString().slice(0, 10);
    await open(page, `/usage?from=2020-01-01&to=${today}`);
    await page.getByTestId('range-shortened').waitFor();
    const first = new Date(Date.parse(`${today}T00:00:00Z`) - 399 * 86_400_000).toISOString().slice(0, 10);
    await expect(page.getByLabel('From').inputValue()).resolves.toBe(first);
    await expect(page.getByTestId('usage-totals').locator('div', { hasText: 'Calls' }).first().locator('dd').textContent()).resolves.toBe('1');
    const csv = await page.request.get((await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'))!);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).trim().split('\n')).toHaveLength(2);
  });

  it("lists the range's latest calls, each with its prompt's version, and names every table's first column", async () => {
    const page = await e2e.newPage({ timezoneId: 'UTC' });
    const email = await signUp(page);
    const prompt = await page.evaluate(async () => {
      const res = await fetch('/api/prompts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Typed vars', content: 'Hi {{name}}' }) });
      return (await res.json()) as { id: string };
    });
    const today = localDay(new Date(), 'UTC');
    const [day, later] = [addDays(today, -2), addDays(today, -1)];
    await sql`
      insert into public.prompt_usage_logs (user_id, provider, model, status, cost_usd, token_count, prompt_id, prompt_version, executed_at)
      select id, 'openai', 'gpt-4o', 'success', 0.5, 100, ${prompt.id}::uuid, 1, ${`${day}T12:00:00Z`}::timestamptz from auth.users where email = ${email}
      union all
      select id, 'openai', 'gpt-4o', 'success', 0.5, 100, null::uuid, null::int, ${`${later}T12:00:00Z`}::timestamptz from auth.users where email = ${email}`;

    // One day: its call only (the list showed the newest calls of any day, the next day's too).
    await open(page, `/usage?from=${day}&to=${day}`);
    const recent = page.getByRole('region', { name: 'Latest calls in this range' });
    await expect(recent.locator('tbody tr').count()).resolves.toBe(1);
    // The prompt with its version, as "By prompt version" names it, linked to the prompt.
    const used = recent.getByRole('cell').last().getByRole('link', { name: 'Typed vars · v1' });
    await expect(used.getAttribute('href')).resolves.toBe(`/prompts/${prompt.id}`);
    await expect(page.getByTestId('usage-by-prompt').getByRole('link', { name: 'Typed vars · v1' }).count()).resolves.toBe(1);
    // Each breakdown's first column has a name for screen readers (it was an empty header).
    for (const [table, name] of [['usage-by-model', 'Model'], ['usage-by-project', 'Project'], ['usage-by-source', 'Source'], ['usage-by-purpose', 'Purpose'], ['usage-by-prompt', 'Prompt version']]) {
      await expect(page.getByTestId(table).getByRole('columnheader').first().textContent()).resolves.toBe(name);
    }
    expect(await emptyTableHeaders(page)).toEqual([]);

    // A day without calls says so, and lists none under it.
    await open(page, `/usage?from=${today}&to=${today}`);
    await page.getByText('No calls in this range yet.').waitFor();
    await expect(page.getByTestId('recent-calls').count()).resolves.toBe(0);
    // Both days: the newer call first, without a prompt.
    await open(page, `/usage?from=${day}&to=${later}`);
    await expect(recent.locator('tbody tr').first().getByRole('cell').last().textContent()).resolves.toBe('—');
    await expect(recent.locator('tbody tr').count()).resolves.toBe(2);

    // The prompt's own page: its per-version table too.
    await open(page, `/prompts/${prompt.id}`);
    const perVersion = page.getByTestId('prompt-version-stats');
    await expect(perVersion.getByRole('columnheader').first().textContent()).resolves.toBe('Version');
    await expect(perVersion.getByRole('rowheader').textContent()).resolves.toBe('v1');
    expect(await emptyTableHeaders(page)).toEqual([]);
  });

  it('lists an expired API key as expired, not like a working one', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    for (const [name, expires] of [['old bot', '1 day'], ['new bot', '-30 days']] as const) {
      await sql`
        insert into public.api_keys (user_id, name, prefix, key_hash, scopes, expires_at)
        select id, ${name}, 'mrp_abcdefgh', sha256(convert_to(gen_random_uuid()::text, 'utf8')), array['chat'], now() - ${expires}::interval
          from auth.users where email = ${email}`;
    }
    await open(page, '/settings/api-keys');
    const keys = page.getByTestId('api-key-list');
    await expect(keys.locator('li', { hasText: 'old bot' }).textContent()).resolves.toMatch(/expired .*\(apps using it are refused\)/);
    const working = await keys.locator('li', { hasText: 'new bot' }).textContent();
    expect(working).toContain('expires');
    expect(working).not.toContain('expired');
  });

  it('says which API key made each call, keeps a revoked key listed with its spend, and a deleted project by name', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await open(page, '/settings/api-keys');
    // The page says where to send a key (QA 6 #12): the gateway's base URL, which serves the models list.
    const baseUrl = (await page.getByTestId('gateway-base-url').innerText()).trim();
    expect(baseUrl).toBe(`${e2e.stack.apiUrl}/functions/v1/api/v1`);
    await page.getByTestId('gateway-use').getByText('<provider>/<model>', { exact: true }).waitFor();
    const createKey = async () => {
      await page.getByLabel('Name').fill('sdk');
      await page.getByLabel('chat').check();
      await page.getByRole('button', { name: 'Create key' }).click();
      // Focus goes to the one-time key's Copy button, told what was made, in a status (QA 6 #14).
      const focused = () => page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), described: document.activeElement?.getAttribute('aria-describedby') }));
      await expect.poll(focused).toEqual({ text: 'Copy', described: 'new-key-title new-key-note' });
      await expect(page.getByTestId('new-key').getByRole('status').textContent()).resolves.toContain('Key “sdk” created');
      return (await page.getByTestId('new-key-value').innerText()).trim();
    };
    const key = await createKey();
    await page.getByText('Examples: curl and the OpenAI SDK').click();
    await page.getByTestId('gateway-example-curl').waitFor();
    await screenshot(page, 'api-key-created-use-it');
    // Two calls through the gateway with the key, as another app makes them, at the URL the page gave.
    const gateway = async (apiKey: string, content: string) => {
      const res = await fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo/demo-model', messages: [{ role: 'user', content }] }),
      });
      expect(res.status).toBe(200);
    };
    for (let i = 0; i < 2; i++) await gateway(key, `Hi ${i}`);
    const models = await fetch(`${baseUrl}/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toContain('demo/demo-model');
    // One call from the web app, in the project "Research", which is then deleted.
    await sql`
      with u as (select id from auth.users where email = ${email}),
           p as (insert into public.projects (user_id, name) select id, 'Research' from u returning id, user_id),
           s as (insert into public.chat_sessions (user_id, project_id) select user_id, id from p returning id, user_id)
      insert into public.prompt_usage_logs (user_id, session_id, provider, model, status, cost_usd, token_count)
      select user_id, id, 'openai', 'gpt-4o', 'success', 0.25, 100 from s`;
    await sql`delete from public.projects where name = 'Research' and user_id = (select id from auth.users where email = ${email})`;

    // The key leaked: revoked, it stays listed apart, with what it spent.
    await open(page, '/settings/api-keys');
    // From the keyboard: the question starts on Cancel, Cancel gives the keyboard back to
    // Revoke…, and the revoke is said in a status that takes it (QA15 #2).
    const revokeAsk = page.getByTestId('api-key-list').getByRole('button', { name: 'Revoke sdk…' });
    const focused = (locator: typeof revokeAsk) => locator.evaluate((el) => el === document.activeElement);
    await revokeAsk.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page.getByRole('button', { name: 'Cancel' }))).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(revokeAsk)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page.getByRole('button', { name: 'Cancel' }))).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await expect.poll(() => focused(page.getByRole('button', { name: 'Revoke “sdk”' }))).toBe(true);
    await page.keyboard.press('Enter');
    const said = page.getByRole('status').filter({ hasText: 'Key “sdk” revoked: apps using it are refused from now on.' });
    await expect.poll(() => focused(said)).toBe(true);
    const revoked = page.getByTestId('revoked-key-list').locator('li', { hasText: 'sdk' });
    await revoked.waitFor();
    await expect(revoked.textContent()).resolves.toMatch(/revoked .*2 calls · /s);
    await page.getByTestId('api-key-list').getByText('No keys yet.').waitFor();
    // Its replacement has the same name: Usage tells the two apart by their prefixes (QA 6 #12).
    const second = await createKey();
    await gateway(second, 'Hi again');

    await open(page, '/usage');
    const sources = page.getByTestId('usage-by-source');
    const callsOf = (label: string) => sources.locator('tr', { has: page.getByRole('rowheader', { name: label, exact: true }) }).locator('td').first().textContent();
    await expect(callsOf(`API key sdk · ${key.slice(0, 12)}… (revoked)`)).resolves.toBe('2');
    await expect(callsOf(`API key sdk · ${second.slice(0, 12)}…`)).resolves.toBe('1');
    await expect(callsOf('Web app')).resolves.toBe('1');
    const recent = page.getByTestId('recent-calls');
    const sourceOf = async (model: string) => {
      const column = (await recent.getByRole('columnheader').allTextContents()).indexOf('Source');
      return await recent.locator('tbody tr', { hasText: model }).first().getByRole('cell').nth(column).textContent();
    };
    await expect(recent.getByRole('cell', { name: `API key sdk · ${key.slice(0, 12)}… (revoked)`, exact: true }).count()).resolves.toBe(2);
    await expect(sourceOf('demo/demo-model')).resolves.toBe(`API key sdk · ${second.slice(0, 12)}…`);
    await expect(sourceOf('openai/gpt-4o')).resolves.toBe('Web app');
    await page.getByTestId('usage-by-project').getByRole('rowheader', { name: 'Research (deleted)' }).waitFor();
  });

  it("counts a call on the reader's own day: 23:30 UTC is the next morning in Berlin", async () => {
    const page = await e2e.newPage({ timezoneId: 'Europe/Berlin' });
    const email = await signUp(page);
    await sql`
      insert into public.prompt_usage_logs (user_id, provider, model, status, cost_usd, token_count, executed_at)
      select id, 'openai', 'gpt-4o', 'success', 0.5, 100, '2026-05-01T23:30:00Z' from auth.users where email = ${email}`;
    const callsPerDay = async () => {
      const section = page.locator('section', { has: page.getByRole('heading', { name: 'Calls and errors per day' }) });
      await section.getByText('Show the numbers').click();
      return section.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].slice(0, 2).map((c) => c.textContent)));
    };

    await open(page, '/usage?from=2026-05-01&to=2026-05-02');
    await expect(page.getByTestId('usage-zone').textContent()).resolves.toBe('Days in Europe/Berlin');
    await expect(callsPerDay()).resolves.toEqual([['May 1', '0'], ['May 2', '1']]);
    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(href).toBe('/api/usage/export?from=2026-05-01&to=2026-05-03&tz=Europe%2FBerlin');
    const csv = (await (await page.request.get(href!)).text()).trim().split('\n');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain('2026-05-02T01:30:00.000');

    // A browser whose zone the server does not know yet (no cookie): UTC's figures, said so, then the reader's.
    await page.context().clearCookies({ name: 'mrprompt-tz' });
    const firstHtml = await (await page.request.get('/usage?from=2026-05-02&to=2026-05-02')).text();
    expect(firstHtml).toContain('data-testid="usage-zone">Days in UTC');
    expect(firstHtml).toContain('data-testid="usage-zone-unknown"');
    expect(firstHtml).toContain('data-testid="usage-totals"');
    await page.goto('/usage?from=2026-05-02&to=2026-05-02');
    // Once the scripts run, the browser says its zone and the page asks again.
    await page.getByTestId('usage-zone').filter({ hasText: /^Days in Europe\/Berlin$/ }).waitFor();
    await expect(page.getByTestId('usage-totals').locator('div', { hasText: 'Calls' }).first().locator('dd').textContent()).resolves.toBe('1');

    // JavaScript off (the browser never says its zone): UTC's days, labelled, figures and all.
    const cookies = (await page.context().storageState()).cookies.filter((c) => c.name !== 'mrprompt-tz');
    const noScript = await e2e.browser.newContext({ baseURL: e2e.webUrl, javaScriptEnabled: false, timezoneId: 'Europe/Berlin', storageState: { cookies, origins: [] } });
    try {
      const still = await noScript.newPage();
      await still.goto('/usage?from=2026-05-01&to=2026-05-02');
      await expect(still.getByTestId('usage-zone').textContent()).resolves.toBe(
        'Days in UTC: your browser has not told this page its time zone (it does when JavaScript runs)');
      expect(await still.getByText('Counting your calls').count()).toBe(0);
      await expect(still.getByTestId('usage-totals').locator('div', { hasText: 'Calls' }).first().locator('dd').textContent()).resolves.toBe('1');
      // The call at 23:30 UTC is on May 1 in UTC (May 2 in Berlin, above).
      const section = still.locator('section', { has: still.getByRole('heading', { name: 'Calls and errors per day' }) });
      const rows = await section.locator('tbody tr').evaluateAll((trs) => trs.map((r) => [...r.children].slice(0, 2).map((c) => c.textContent)));
      expect(rows).toEqual([['May 1', '1'], ['May 2', '0']]);
      expect(await still.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toBe('/api/usage/export?from=2026-05-01&to=2026-05-03&tz=UTC');
    } finally {
      await noScript.close();
    }

    // A zone the server does not know (a browser with newer tz data): UTC's days, said so, never an error.
    await page.context().addCookies([{ name: 'mrprompt-tz', value: 'Mars%2FOlympus_Mons', url: e2e.webUrl }]);
    const unknownHtml = await (await page.request.get('/usage?from=2026-05-01&to=2026-05-01')).text();
    expect(unknownHtml).toContain('Days in UTC');
  });

  it("offers a key's expiry from today where the reader is, and the key works until that day ends there", async () => {
    // A zone whose date is not UTC's at this hour: UTC−12 before noon UTC (its today is UTC's
    // yesterday), UTC+14 after (its yesterday is UTC's today).
    const zone = new Date().getUTCHours() < 12 ? 'Etc/GMT+12' : 'Pacific/Kiritimati';
    const page = await e2e.newPage({ timezoneId: zone });
    const email = await signUp(page);
    await open(page, '/settings/api-keys');
    const today = localDay(new Date(), zone);
    const expires = page.getByLabel('Expires (optional, end of that day in your time zone)');
    await expect(expires.getAttribute('min')).resolves.toBe(today);

    // Yesterday there is refused, by the server too (the picker's minimum taken away).
    await page.getByLabel('Name').fill('late bot');
    await expires.evaluate((input: HTMLInputElement) => input.removeAttribute('min'));
    await expires.fill(addDays(today, -1));
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('alert').filter({ hasText: 'Pick today or a later day; an expired key would not work' }).waitFor();

    // Today there is taken, and lasts until 23:59:59 there.
    await expires.fill(today);
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('new-key').waitFor();
    const [key] = await sql<{ expires_at: Date; expected: Date }[]>`
      select k.expires_at, (${today}::date + time '23:59:59') at time zone ${zone} as expected
        from public.api_keys k join auth.users u on u.id = k.user_id where u.email = ${email}`;
    expect(key!.expires_at.toISOString()).toBe(key!.expected.toISOString());
  });

  it("says when the budget's month resets in the reader's own time (the month stays UTC's)", async () => {
    const page = await e2e.newPage({ timezoneId: 'Asia/Tokyo' });
    const email = await signUp(page);
    await sql`update public.profiles set monthly_budget_usd = 10 where id = (select id from auth.users where email = ${email})`;
    await open(page, '/settings');
    // Midnight UTC on the 1st is 09:00 in Tokyo (no summer time there).
    const now = new Date();
    const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const day = reset.toLocaleDateString('en-US', { timeZone: 'Asia/Tokyo', dateStyle: 'medium' });
    await expect.poll(async () => (await page.getByTestId('budget-spend').textContent())!.replace(/\s+/g, ' '))
      .toMatch(new RegExp(`resets ${day}, 9:00\\sAM \\(midnight UTC, when the month's count starts again\\)`));
  });

  it("says which call named a new chat, and the cached and reasoning parts of an answer's tokens (QA 6 #6, #13)", async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await composer(page).fill('Name this chat from its first answer');
    await composer(page).press('Enter');
    const answer = page.locator('article[aria-label="Assistant message"][data-status="complete"]').first();
    await answer.waitFor();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}/);
    const sessionId = page.url().split('/').pop()!;
    // The chat is named by its model once the answer has ended: the chat's two calls, each with what it was for.
    const purposes = async () => (await sql<{ purpose: string; message_id: string | null }[]>`
      select purpose, message_id from public.prompt_usage_logs where session_id = ${sessionId} order by executed_at`);
    await expect.poll(async () => (await purposes()).map((c) => c.purpose)).toEqual(['chat', 'title']);
    const calls = await purposes();
    // Counts as a prompt-caching reasoning model reports them (the demo model reports none).
    const answerId = calls[0]!.message_id!;
    await sql`update public.messages set prompt_tokens = 1000, completion_tokens = 500 where id = ${answerId}`;
    await sql`update public.prompt_usage_logs set prompt_tokens = 1000, cached_tokens = 400, completion_tokens = 500, reasoning_tokens = 200 where message_id = ${answerId}`;

    await reload(page);
    const tokens = page.locator('article[aria-label="Assistant message"]').first().getByTestId('answer-tokens');
    await expect.poll(() => tokens.textContent()).toBe('1,500 tokens (1,000 in (400 cached), 500 out (200 reasoning))');
    expect(await tokens.getAttribute('title')).toContain("400 of them read from the provider's prompt cache");

    await open(page, '/usage');
    const byPurpose = page.getByTestId('usage-by-purpose');
    await expect(byPurpose.locator('tr', { hasText: 'Chat title' }).locator('td').first().textContent()).resolves.toBe('1');
    await expect(byPurpose.locator('tr', { hasText: 'Chat answer' }).locator('td').first().textContent()).resolves.toBe('1');
    const recent = page.getByTestId('recent-calls');
    await expect(recent.locator('tbody tr', { hasText: 'Chat title' }).count()).resolves.toBe(1);
    await expect(page.getByTestId('usage-by-model').getByTestId('token-parts').first().textContent())
      .resolves.toMatch(/^400 cached \(\d+ % of input\) · 200 reasoning$/);
  });
});
