// Playground journey: two versions of a prompt run side by side through the gateway,
// streaming in parallel; a version whose typed variable gets a bad value fails in its own
// cell only; test cases saved with the prompt (keeping what is on screen) rerun all at once;
// text, tokens, latency and cost per cell. Models are picked as in the chat's header (a Custom
// endpoint's own list, a typed "Other model…"), or each version runs with its own saved model.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { addCustomKey, chooseModel, open, reload, screenshot, seriousViolations, signUp, startE2E, type E2E } from './helpers.ts';

async function saveVersion(page: Page, content: string, version: number) {
  await page.getByLabel('Template').fill(content);
  await page.getByRole('button', { name: 'Save new version' }).click();
  await page.getByRole('heading', { level: 1 }).locator('xpath=..').getByText(`v${version}`, { exact: false }).first().waitFor();
}

describe('playground in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let endpoint: FakeProvider;
  beforeAll(async () => {
    e2e = await startE2E('playground');
    endpoint = await startFakeProvider({ models: ['fake-model', 'fake-large'] });
  });
  afterAll(async () => {
    await endpoint?.stop();
    await e2e?.stop();
  });

  it('runs versions side by side, shows a failure in its cell only, and reruns a saved test case', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await open(page, '/prompts/new');
    await page.getByLabel('Title').fill('Greeter');
    await page.getByLabel('Template').fill('Greet {{who}} warmly.');
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
    const promptId = page.url().split('/').pop()!;
    await saveVersion(page, 'Greet {{who}} with {{n:number}} words, {{tone:enum(warm,dry)|warm}}.', 2);

    // The prompt's page leads to the playground with the prompt chosen.
    await page.getByRole('link', { name: 'Open in playground' }).click();
    await page.waitForURL(`**/playground?prompt=${promptId}`);
    await page.getByLabel('v1', { exact: true }).check();
    await page.getByLabel('who').fill('Ada');
    // The fields are typed as their slots declare: n takes only a number.
    await expect(page.getByLabel('n', { exact: true }).getAttribute('type')).resolves.toBe('number');
    await expect(page.getByLabel('tone (optional)').evaluate((el) => [...(el as HTMLSelectElement).options].map((o) => o.text))).resolves.toEqual(['Default: warm', 'warm', 'dry']);
    await page.getByRole('button', { name: 'Run 2 cells' }).click();

    const current = page.getByRole('region', { name: 'Results: Current values' });
    const v1 = current.getByRole('article', { name: 'v1 with demo/demo-model' });
    const v2 = current.getByRole('article', { name: 'v2 with demo/demo-model' });
    await current.locator('article[data-status="done"]').first().waitFor();
    await current.locator('article[data-status="error"]').first().waitFor();
    expect(await v1.getAttribute('data-status')).toBe('done');
    expect((await v1.getByTestId('cell-text').textContent())?.length).toBeGreaterThan(0);
    expect(await v1.getByTestId('cell-stats').textContent()).toMatch(/\d+ tokens · \d+ ms · \$0\.0000\d+/);
    expect(await v2.getAttribute('data-status')).toBe('error');
    expect(await v2.getByRole('alert').textContent()).toContain('Missing value for variable: n');
    // Choosing the next comparison leaves the results of this run as they were.
    await page.getByLabel('v1', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Run 1 cell' }).waitFor();
    expect(await current.getByRole('article').count()).toBe(2);
    expect(await v1.getAttribute('data-status')).toBe('done');
    await page.getByLabel('v1', { exact: true }).check();

    // Save two test cases with the prompt, then rerun them all after a reload. A case needs a
    // name (saying so, not ignoring the click); saving one keeps the results and choices shown.
    await page.getByRole('button', { name: 'Save test case' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Test cases' }).getByRole('alert').textContent()).toBe('Name the test case first.');
    await page.getByLabel('Save these values as').fill('no count');
    await page.getByRole('button', { name: 'Save test case' }).click();
    await page.getByRole('button', { name: 'Run “no count”' }).waitFor();
    await page.getByRole('button', { name: 'Run 1 case' }).waitFor();
    expect(await current.getByRole('article').count()).toBe(2);
    expect(await v1.getAttribute('data-status')).toBe('done');
    await expect(page.getByLabel('v1', { exact: true }).isChecked()).resolves.toBe(true);
    await page.getByLabel('n', { exact: true }).fill('3');
    await page.getByLabel('Save these values as').fill('three words');
    await page.getByRole('button', { name: 'Save test case' }).click();
    await page.getByRole('button', { name: 'Run all 2 cases' }).waitFor();
    // The same name again replaces that case, and the button says so before the click.
    await page.getByLabel('Save these values as').fill('three words');
    await page.getByRole('button', { name: 'Replace “three words”' }).click();
    await page.getByTestId('toasts').getByText('Replaced the test case “three words”.').waitFor();
    await page.getByRole('button', { name: 'Run all 2 cases' }).waitFor();
    await reload(page);
    await page.getByLabel('v1', { exact: true }).check();
    await page.getByRole('button', { name: 'Run all 2 cases' }).click();
    const good = page.getByRole('region', { name: 'Results: three words' });
    const bad = page.getByRole('region', { name: 'Results: no count' });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="playground-grid"] article[data-status="running"]').length === 0
      && document.querySelectorAll('[data-testid="playground-grid"] article').length === 4);
    expect(await good.locator('article[data-status="done"]').count()).toBe(2);
    expect(await bad.getByRole('article', { name: 'v1 with demo/demo-model' }).getAttribute('data-status')).toBe('done');
    expect(await bad.getByRole('article', { name: 'v2 with demo/demo-model' }).getAttribute('data-status')).toBe('error');
    await screenshot(page, 'playground');
  });

  it("a Custom key's listed model, a typed one and each version's saved model run side by side; an Ollama never set up is not offered", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, endpoint, `sk-e2e-${crypto.randomUUID()}`);
    // v1 saved for the Custom endpoint with its own temperature; v2 for a provider there is no key for.
    const id = await page.evaluate(async () => {
      const json = { 'content-type': 'application/json' };
      const made = await fetch('/api/prompts', { method: 'POST', headers: json, body: JSON.stringify({ title: 'Saved models', content: 'Answer briefly.', config: { provider: 'custom', model: 'fake-model', temperature: 0.3 } }) });
      const { id } = await made.json();
      const edited = await fetch(`/api/prompts/${id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ content: 'Answer at length.', config: { provider: 'openai', model: 'gpt-4o' } }) });
      if (!made.ok || !edited.ok) throw new Error(`${made.status} ${edited.status}`);
      return id as string;
    });
    await open(page, `/playground?prompt=${id}`);
    const models = page.getByTestId('playground-models');
    // The providers the chat's header offers: the key, the server's demo; no Ollama, never set up.
    await expect(page.locator('#playground-provider option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).resolves.toEqual(['custom', 'demo']);
    expect(await models.textContent()).not.toContain('Ollama');
    await page.getByLabel('v1', { exact: true }).check();
    await page.getByLabel("Each version's saved model").check();
    await expect(models.getByRole('list', { name: 'Saved models of the chosen versions' }).textContent()).resolves.toMatch(
      /v2 was saved for openai \/ gpt-4o, which you have no key for.*v1: Custom \(OpenAI-compatible\) · fake-model \(temperature 0\.3\)/,
    );
    // One model from the endpoint's own list, one typed as "Other model…".
    await chooseModel(page, 'custom', 'fake-large');
    await page.getByRole('button', { name: 'Add model' }).click();
    await chooseModel(page, 'custom', 'typed-model');
    await page.getByRole('button', { name: 'Add model' }).click();
    await models.getByLabel('Custom (OpenAI-compatible) · typed-model').waitFor();
    await expect(models.getByLabel('Custom (OpenAI-compatible) · fake-large').isChecked()).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Run 6 cells' }).click();

    const results = page.getByRole('region', { name: 'Results: Current values' });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="playground-grid"] article').length === 6
      && document.querySelectorAll('[data-testid="playground-grid"] article[data-status="running"]').length === 0);
    const savedV1 = results.getByRole('article', { name: 'v1 with saved settings' });
    await expect(savedV1.getAttribute('data-status')).resolves.toBe('done');
    await expect(savedV1.getByRole('heading').textContent()).resolves.toBe('v1 · custom/fake-model (saved)');
    const savedV2 = results.getByRole('article', { name: 'v2 with saved settings' });
    await expect(savedV2.getAttribute('data-status')).resolves.toBe('error');
    await expect(savedV2.getByRole('alert').textContent()).resolves.toContain('which you have no key for');
    for (const name of ['v1 with custom/fake-large', 'v2 with custom/fake-large', 'v1 with custom/typed-model', 'v2 with custom/typed-model']) {
      await expect(results.getByRole('article', { name }).getAttribute('data-status'), name).resolves.toBe('done');
    }
    // The endpoint was called with each model, v1's saved temperature going with v1's calls.
    const calls = endpoint.requests.filter((r) => r.path.startsWith('/v1/chat/completions')).map((r) => r.body as { model: string; temperature?: number; messages: { content: string }[] });
    const sent = (model: string, system: string) => calls.filter((c) => c.model === model && c.messages[0]?.content === system);
    expect(sent('fake-model', 'Answer briefly.').map((c) => c.temperature)).toEqual([0.3]);
    expect(sent('typed-model', 'Answer briefly.').map((c) => c.temperature)).toEqual([0.3]);
    expect(sent('typed-model', 'Answer at length.')).toHaveLength(1);
    expect(sent('fake-large', 'Answer at length.')[0]?.temperature).toBeUndefined();
    await screenshot(page, 'playground-models');
  });

  it('with 300 prompts, a search reaches any of them (prompt 50 too), and a prompt with 120 versions offers v1', async () => {
    const page = await e2e.newPage();
    onTestFailed(() => screenshot(page, 'failed-playground-300-prompts'));
    await signUp(page);
    await open(page, '/playground');
    const ids = await page.evaluate(async () => {
      const made: string[] = [];
      for (let n = 1; n <= 300; n++) {
        const res = await fetch('/api/prompts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: `Prompt number${n}`, content: `Say {{x}} ${n}` }) });
        if (!res.ok) throw new Error(`POST ${n}: ${res.status}`);
        made.push((await res.json()).id);
      }
      return made;
    });
    await open(page, '/playground');
    const picker = page.locator('select[name="prompt"]');
    const listed = () => picker.locator('option:not([disabled])').allTextContents();
    await expect.poll(async () => (await listed()).length).toBe(100);
    expect(await listed()).not.toContain('Prompt number50');
    await page.getByText('Showing your 100 most recently changed prompts: search to find the others.').waitFor();

    await page.getByLabel('Find a prompt').fill('number50');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=number50/);
    await expect.poll(listed).toEqual(['Prompt number50']);
    await picker.selectOption({ label: 'Prompt number50' });
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(new RegExp(`prompt=${ids[49]}`));
    // The open prompt stays picked.
    await expect(picker.inputValue()).resolves.toBe(ids[49]);
    await page.getByLabel('v1', { exact: true }).waitFor();

    // Every version can be compared, not only the newest 100.
    await page.evaluate(async (id) => {
      for (let v = 2; v <= 120; v++) {
        const res = await fetch(`/api/prompts/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: `v${v} {{x}}` }) });
        if (!res.ok) throw new Error(`PATCH ${v}: ${res.status}`);
      }
    }, ids[49]);
    await reload(page);
    await page.getByLabel('v120', { exact: true }).waitFor();
    await page.getByLabel('v1', { exact: true }).check();
    await page.getByRole('button', { name: 'Run 2 cells' }).waitFor();

    await page.getByLabel('Find a prompt').fill('nothing-like-this');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=nothing-like-this/);
    // What the page says (CI once waited 45 s for this line; the status or an error names why).
    await expect.poll(() => page.locator('main').innerText(), { timeout: 45_000 }).toContain('None of your prompts matches “nothing-like-this”.');
  });

  it('a new user with no prompts is told to write one, with the way there, instead of an empty list to pick from', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await open(page, '/playground');
    await page.getByText('You have no prompts yet.').waitFor();
    await page.getByRole('main').getByRole('link', { name: 'New prompt' }).click();
    await page.waitForURL(/\/prompts\/new$/);
  });
});
