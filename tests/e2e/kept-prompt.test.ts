// A chat started through the API with a library prompt as its system prompt, continued in the web
// app (QA14 #1). The chat keeps the prompt but not its values, so the page shows the prompt above
// the message box, asks for the values before the first send, sends them with every turn of the
// tab without asking again, and — for a prompt deleted since — says so in its own words and goes
// on without it. Before, every send was refused with the API's advice to send JSON fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { addCustomKey, composer, open, signUp, startE2E, type E2E } from './helpers.ts';

describe('a chat that keeps a library prompt, in the browser', { timeout: 180_000 }, () => {
  let e2e: E2E;
  let provider: FakeProvider;
  beforeAll(async () => {
    e2e = await startE2E('kept-prompt');
    provider = await startFakeProvider();
  });
  afterAll(async () => {
    await provider?.stop();
    await e2e?.stop();
  });

  /** The system messages of the provider's calls since `from`, one list per call. */
  const systemsSince = (from: number) => provider.requests.slice(from)
    .filter((r) => r.path.startsWith('/v1/chat/completions') && !JSON.stringify(r.body).includes('title'))
    .map((r) => ((r.body as { messages: { role: string; content: string }[] }).messages).filter((m) => m.role === 'system').map((m) => m.content));

  /** Creates a prompt and starts a chat with it through the API, as a script would; the chat's id. */
  async function startThroughApi(page: Page, content: string, variables: Record<string, string>): Promise<{ sessionId: string; promptId: string }> {
    return await page.evaluate(async ({ content, variables }) => {
      const json = { 'content-type': 'application/json' };
      const prompt = await (await fetch('/api/prompts', { method: 'POST', headers: json, body: JSON.stringify({ title: 'Client brief', content }) })).json();
      const res = await fetch('/api/chat', { method: 'POST', headers: json, body: JSON.stringify({ provider: 'custom', model: 'fake-model', message: 'Start via API', prompt_id: prompt.id, variables }) });
      const text = await res.text(); // the whole stream: the answer is complete
      const sessionId = /"session_id":"([0-9a-f-]{36})"/.exec(text)?.[1];
      if (res.status !== 200 || !sessionId) throw new Error(`chat: ${res.status} ${text.slice(0, 200)}`);
      return { sessionId, promptId: prompt.id as string };
    }, { content, variables });
  }

  const answers = (page: Page) => page.locator('article[aria-label="Assistant message"][data-status="complete"]');

  it('shows the prompt, asks for its values before the first send, and sends them with every turn', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signUp(page);
    await addCustomKey(page, provider, 'sk-fake-kept-prompt');
    const { sessionId } = await startThroughApi(page, 'You advise {{client}} on {{topic}}. Be brief.', { client: 'Acme', topic: 'pricing' });
    expect(systemsSince(0).at(-1)).toEqual(['You advise Acme on pricing. Be brief.']);

    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await open(page, `/chat/${sessionId}`);
    const chip = page.getByTestId('kept-prompt');
    await expect.poll(() => chip.textContent()).toMatch(/System prompt:\s*Client brief · v1/);
    const chipBox = await chip.boundingBox();
    expect(chipBox!.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    const before = provider.requests.length;
    await composer(page).fill('Continue in the web app');
    await composer(page).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Client brief' });
    await dialog.getByLabel('client', { exact: true }).fill('Globex');
    await dialog.getByLabel('topic', { exact: true }).fill('hiring');
    await dialog.getByRole('button', { name: 'Use these values' }).click();
    await answers(page).nth(1).waitFor();
    expect(systemsSince(before)).toEqual([['You advise Globex on hiring. Be brief.']]);
    await expect(page.getByRole('alert').filter({ hasText: /prompt_id|variables/ }).count()).resolves.toBe(0);

    // The next send does not ask again, and neither does one after a reload of the tab.
    const second = provider.requests.length;
    await composer(page).fill('And one more thing');
    await composer(page).press('Enter');
    await answers(page).nth(2).waitFor();
    await page.reload();
    await composer(page).fill('After a reload');
    await composer(page).press('Enter');
    await answers(page).nth(3).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    expect(systemsSince(second)).toEqual([['You advise Globex on hiring. Be brief.'], ['You advise Globex on hiring. Be brief.']]);
    // The values stay in this tab: the chat's metadata never holds them.
    const [stored] = await e2e.db.sql<{ metadata: string }[]>`select metadata::text as metadata from public.chat_sessions where id = ${sessionId}`;
    expect(stored!.metadata).not.toContain('Globex');
    expect(errors).toEqual([]);
  });

  /** Puts a library prompt with nothing to fill into the message box with the `/` picker (Enter picks, Enter inserts). */
  async function insertFromLibrary(page: Page, title: string): Promise<void> {
    await composer(page).press('/');
    const picker = page.getByRole('dialog');
    await picker.getByLabel('Search prompts').fill(title);
    await picker.getByRole('option', { name: title }).waitFor();
    await page.keyboard.press('Enter');
    const insert = picker.getByRole('button', { name: 'Insert' });
    await expect.poll(() => insert.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => composer(page).inputValue()).toBe('Say hello to the team.');
  }

  /** The chat's kept prompt as the API now says it (GET /sessions/{id}). */
  const storedPrompt = (page: Page, sessionId: string) =>
    page.evaluate(async (id) => ((await (await fetch(`/api/sessions/${id}`)).json()) as { metadata: { prompt?: unknown } }).metadata.prompt ?? null, sessionId);

  it("follows a removal made on another device without a reload, and a later `/` insert keeps the chat's prompt removed", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, provider, 'sk-fake-kept-prompt');
    const { sessionId } = await startThroughApi(page, 'Always answer in French.', {});
    const other = await e2e.newPage({ sameUserAs: page });
    await open(page, `/chat/${sessionId}`);
    await open(other, `/chat/${sessionId}`);
    for (const p of [page, other]) await expect.poll(() => p.getByTestId('kept-prompt').textContent()).toMatch(/Client brief · v1/);

    // Removed on the first device: its next turn drops the prompt, and the second follows it.
    await page.getByTestId('kept-prompt').getByRole('button', { name: 'Remove' }).click();
    const before = provider.requests.length;
    await composer(page).fill('Without it');
    await composer(page).press('Enter');
    await answers(page).nth(1).waitFor();
    expect(systemsSince(before)).toEqual([[]]);
    await expect.poll(() => other.getByTestId('kept-prompt').count()).toBe(0);
    expect(await storedPrompt(other, sessionId)).toBeNull();

    // A library prompt put into the message with `/` is text in the message: the chat keeps no prompt after it.
    const title = `Greeting ${crypto.randomUUID().slice(0, 6)}`;
    await other.evaluate(async (title) => {
      await fetch('/api/prompts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title, content: 'Say hello to the team.' }) });
    }, title);
    const second = provider.requests.length;
    await insertFromLibrary(other, title);
    await composer(other).press('Enter');
    await answers(other).nth(2).waitFor();
    expect(systemsSince(second)).toEqual([[]]);
    expect(await storedPrompt(other, sessionId)).toBeNull();
    expect(await other.getByTestId('kept-prompt').count()).toBe(0);
  });

  it('a removal not sent yet goes with a turn whose message a `/` insert wrote, in the chip and in the chat alike', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, provider, 'sk-fake-kept-prompt');
    const { sessionId } = await startThroughApi(page, 'Always answer in French.', {});
    const title = `Greeting ${crypto.randomUUID().slice(0, 6)}`;
    await page.evaluate(async (title) => {
      await fetch('/api/prompts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title, content: 'Say hello to the team.' }) });
    }, title);
    await open(page, `/chat/${sessionId}`);
    await expect.poll(() => page.getByTestId('kept-prompt').textContent()).toMatch(/Client brief · v1/);
    await page.getByTestId('kept-prompt').getByRole('button', { name: 'Remove' }).click();
    const before = provider.requests.length;
    await insertFromLibrary(page, title);
    await composer(page).press('Enter');
    await answers(page).nth(1).waitFor();
    // Before, the insert's prompt_id took the place of the removal: the chat was answered in French, the chip gone.
    expect(systemsSince(before)).toEqual([[]]);
    expect(await storedPrompt(page, sessionId)).toBeNull();
    expect(await page.getByTestId('kept-prompt').count()).toBe(0);
  });

  it("asks for the kept prompt's values when an edit is refused for them, and the edit then goes through", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, provider, 'sk-fake-kept-prompt');
    const { sessionId } = await startThroughApi(page, 'You advise {{client}}.', { client: 'Acme' });
    await open(page, `/chat/${sessionId}`);
    await expect.poll(() => page.getByTestId('kept-prompt').textContent()).toMatch(/Client brief · v1/);
    const question = page.locator('article[aria-label="Your message"]').first();
    await question.getByRole('button', { name: 'Edit' }).click();
    await question.getByLabel('Edit message').fill('Start again, edited');
    const before = provider.requests.length;
    await question.getByRole('button', { name: 'Save & resend' }).click();
    // The edit goes to the server (no values in this tab), which refuses it; the form opens by itself.
    const dialog = page.getByRole('dialog', { name: 'Client brief' });
    await dialog.getByLabel('client', { exact: true }).fill('Initech');
    await dialog.getByRole('button', { name: 'Use these values' }).click();
    await page.getByRole('group', { name: 'Versions of this message' }).getByText('2/2').waitFor();
    await answers(page).first().waitFor();
    expect(systemsSince(before)).toEqual([['You advise Initech.']]);
    expect(await page.getByTestId('edit-refusal').count()).toBe(0);
  });

  it('says in its own words that a deleted prompt is gone, and goes on without it, the text kept', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await addCustomKey(page, provider, 'sk-fake-kept-prompt');
    const { sessionId, promptId } = await startThroughApi(page, 'Always answer in French.', {});
    expect(await page.evaluate(async (id) => (await fetch(`/api/prompts/${id}`, { method: 'DELETE' })).status, promptId)).toBe(204);

    await open(page, `/chat/${sessionId}`);
    const before = provider.requests.length;
    await composer(page).fill('Still there?');
    await composer(page).press('Enter');
    const refusal = page.getByRole('alert').filter({ hasText: "This chat's system prompt was deleted or is no longer shared" });
    await refusal.waitFor();
    expect(await refusal.textContent()).not.toMatch(/prompt_id/);
    await expect.poll(() => composer(page).inputValue()).toBe('Still there?');
    await page.getByTestId('kept-prompt').getByRole('button', { name: 'Go on without it' }).click();
    await answers(page).nth(1).waitFor();
    expect(systemsSince(before)).toEqual([[]]);
    await expect.poll(() => page.getByTestId('kept-prompt').count()).toBe(0);
    expect(await composer(page).inputValue()).toBe('');
    const [stored] = await e2e.db.sql<{ prompt: unknown }[]>`select metadata->'prompt' as prompt from public.chat_sessions where id = ${sessionId}`;
    expect(stored!.prompt).toBeNull();
  });
});
