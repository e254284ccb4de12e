// Prompt library journeys: versions with diff and restore, labels, running a prompt with
// variables in chat (its saved model settings become the chat's, their provider picked from
// those the server offers). Public prompts: prompts-public.test.ts; the chat's / picker:
// prompt-picker.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { composer, reload, screenshot, signUp, startE2E, type E2E, open } from './helpers.ts';
import { createPrompt, saveVersion } from './prompt-helpers.ts';

/** Whether the whole of an element is inside the viewport (not scrolled away). */
async function inView(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
}

describe('prompt library in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('prompts');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('create → edit twice → diff → restore → label → run with variables in chat', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const v1 = 'Hello {{name}}, welcome to {{place|the team}}.';
    await createPrompt(page, { title: 'Greeting', content: v1, tags: 'e2e, greeting' });
    await expect(page.getByTestId('detected-variables').textContent()).resolves.toMatch(/name.*place \(optional\)/);

    await saveVersion(page, 'Hi {{name}}, welcome to {{place|the team}}.', 'shorter hello', 2);
    const toasts = page.getByTestId('toasts');
    await toasts.getByText('Saved as v2.').waitFor();
    // Saving with no new title or template says so instead of appearing to do nothing.
    await page.getByRole('button', { name: 'Save new version' }).click();
    await toasts.getByText('Saved. Still v2: only a new title, template or model settings make a new version.').waitFor();
    await page.getByLabel('Title').fill('Warm greeting');
    await saveVersion(page, 'Hi {{name}}, welcome aboard {{place|the team}}!', 'aboard', 3);

    await page.getByRole('button', { name: 'Compare' }).click(); // defaults: v2 → v3
    const diff = page.getByTestId('diff');
    await diff.waitFor();
    // Compare is in the history below the fold; the diff opens at the top, brought into view.
    const diffTitle = page.getByRole('heading', { name: 'Changes from v2 to v3' });
    await expect.poll(() => inView(diffTitle)).toBe(true);
    await expect.poll(() => diffTitle.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect(diff.locator('td[data-kind="removed"]').textContent()).resolves.toContain('welcome to');
    await expect(diff.locator('td[data-kind="added"]').textContent()).resolves.toContain('welcome aboard');
    await screenshot(page, 'prompt-diff');

    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByRole('heading', { level: 1 }).locator('xpath=..').getByText('v4').first().waitFor();
    await toasts.getByText('Restored v1 as v4.').waitFor();
    await expect(page.getByLabel('Template').inputValue()).resolves.toBe(v1);
    // The form shows the restored title too (saving next must not bring v3's back).
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe('Greeting');

    // A tag the API would refuse is named, and the edit stays in the form.
    await page.getByLabel('Tags (comma separated)').fill('e2e, customer support');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByRole('alert').filter({ hasText: 'Tag “customer support”: a tag is 1–32 characters' }).waitFor();
    await expect(page.getByLabel('Tags (comma separated)').inputValue()).resolves.toBe('e2e, customer support');
    await page.getByLabel('Tags (comma separated)').fill('e2e, greeting');

    await page.getByLabel('Label', { exact: true }).fill('production');
    await page.getByLabel('Lock', { exact: true }).check();
    await page.getByRole('button', { name: 'Set label' }).click();
    await page.getByText('production → v4').waitFor();
    // × asks before a label goes (what picks the prompt by it would fail); Cancel keeps it.
    await page.getByLabel('Label', { exact: true }).fill('staging');
    await page.getByRole('button', { name: 'Set label' }).click();
    await page.getByText('staging → v4').waitFor();
    await page.getByRole('button', { name: 'Remove label staging…' }).click();
    await page.getByText('API calls asking for “staging” will fail').waitFor();
    await screenshot(page, 'prompt-label-remove');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByText('staging → v4').waitFor();
    await page.getByRole('button', { name: 'Remove label staging…' }).click();
    await page.getByRole('button', { name: 'Remove “staging”' }).click();
    await expect.poll(() => page.getByText('staging → v4').count()).toBe(0);
    await page.getByText('production → v4').waitFor();
    // Moving a locked label without the checkbox fails beside the label form, in view, in the
    // form's words (not at the top of the page, scrolled away).
    await page.getByLabel('Label', { exact: true }).fill('production');
    await page.getByRole('region', { name: 'Labels' }).getByRole('combobox').selectOption('3');
    await page.getByRole('button', { name: 'Set label' }).click();
    const labelsError = page.getByRole('region', { name: 'Labels' }).getByRole('alert');
    await expect(labelsError.textContent()).resolves.toBe('“production” is locked: tick “Move even if locked” to move it.');
    await expect.poll(() => inView(labelsError)).toBe(true);
    await screenshot(page, 'prompt-label-locked');
    await page.getByText('production → v4').waitFor();

    await page.getByRole('link', { name: 'Use in chat' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('name', { exact: true }).fill('Ada');
    await dialog.getByRole('button', { name: 'Insert' }).click();
    await expect.poll(() => composer(page).inputValue(), { timeout: 30_000 }).toBe('Hello Ada, welcome to the team.');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor();
    await page.getByText('Hello Ada, welcome to the team.', { exact: true }).first().waitFor();
  });

  it('the editor names a slot that is not a variable while typing, and \\{{ keeps braces as text', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await open(page, '/prompts/new');
    await page.getByLabel('Title').fill('Mustache helper');
    await page.getByLabel('Template').fill('Write {{count:integer}} tips');
    await expect.poll(() => page.getByTestId('template-problems').textContent()).toContain('{{count:integer}} is not a variable: `integer` is not a type');
    await page.getByLabel('Template').fill('Explain \\{{user.name}} to {{audience}}');
    await expect.poll(() => page.getByTestId('detected-variables').textContent()).toContain('Variables: audience');
    await expect(page.getByTestId('detected-variables').textContent()).resolves.not.toContain('user.name');
    await expect(page.getByTestId('template-problems').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByLabel('Template').inputValue()).toBe('Explain \\{{user.name}} to {{audience}}');
  });

  it('two tabs editing the same version: the later save is refused, keeps its edit, and saving again makes it the next version', async () => {
    const first = await e2e.newPage();
    await signUp(first);
    await createPrompt(first, { title: 'Two tabs', content: 'Original {{text}}' });
    const second = await first.context().newPage();
    await open(second, first.url());
    await saveVersion(first, 'From the first tab {{text}}', 'first tab', 2);

    // The second tab still shows v1: its save must not silently replace the first tab's v2.
    await second.getByLabel('Template').fill('From the second tab {{text}}');
    await second.getByRole('button', { name: 'Save new version' }).click();
    const refused = second.getByRole('region', { name: 'Edit prompt' }).getByRole('alert');
    await expect.poll(() => refused.textContent()).toContain('Not saved: this prompt was changed elsewhere since you opened it (it is now v2)');
    await expect(second.getByLabel('Template').inputValue()).resolves.toBe('From the second tab {{text}}');
    const stored = async () => (await (await second.request.get(`${e2e.webUrl}/api/prompts/${first.url().split('/').pop()}`)).json()) as { latest_version: number; content: string };
    await expect(stored()).resolves.toMatchObject({ latest_version: 2, content: 'From the first tab {{text}}' });

    // Saving again is a choice made knowing v2 exists: it becomes v3, and v2 stays in the history.
    await second.getByRole('button', { name: 'Save new version' }).click();
    await second.getByTestId('toasts').getByText('Saved as v3.').waitFor();
    await expect(stored()).resolves.toMatchObject({ latest_version: 3, content: 'From the second tab {{text}}' });
    await second.getByRole('link', { name: 'Diff' }).first().waitFor();
    await expect(second.getByRole('region', { name: 'History' }).getByText('first tab').count()).resolves.toBe(1);
  });

  it('two tabs editing the description: the later save is refused and keeps its text, saving again replaces it', async () => {
    const first = await e2e.newPage();
    await signUp(first);
    await createPrompt(first, { title: 'Two tabs, description', content: 'Hello {{name}}' });
    const second = await first.context().newPage();
    await open(second, first.url());
    await first.getByLabel('Description').fill('From the first tab');
    await first.getByRole('button', { name: 'Save new version' }).click();
    await first.getByTestId('toasts').getByText('Saved. Still v1', { exact: false }).waitFor();

    // The second tab changes the description and the tags: no new version, but newer data would be lost.
    await second.getByLabel('Description').fill('From the second tab');
    await second.getByLabel('Tags (comma separated)').fill('second');
    await second.getByRole('button', { name: 'Save new version' }).click();
    const refused = second.getByRole('region', { name: 'Edit prompt' }).getByRole('alert');
    await expect.poll(() => refused.textContent()).toContain("Not saved: this prompt's description, tags or visibility were changed elsewhere");
    await expect(second.getByLabel('Description').inputValue()).resolves.toBe('From the second tab');
    await expect(second.getByLabel('Tags (comma separated)').inputValue()).resolves.toBe('second');
    const stored = async () => (await (await second.request.get(`${e2e.webUrl}/api/prompts/${first.url().split('/').pop()}`)).json()) as { description: string; tags: string[] };
    await expect(stored()).resolves.toMatchObject({ description: 'From the first tab', tags: [] });

    // Saving again is a choice made knowing about the other change.
    await second.getByRole('button', { name: 'Save new version' }).click();
    await second.getByTestId('toasts').getByText('Saved. Still v1', { exact: false }).waitFor();
    await expect(stored()).resolves.toMatchObject({ description: 'From the second tab', tags: ['second'] });
  });

  it('a prompt with 120 versions: older versions load on demand, and a label can point at v1', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await createPrompt(page, { title: 'Long history', content: 'v1 {{x}}' });
    const id = page.url().split('/').pop()!;
    await page.evaluate(async (id) => {
      for (let v = 2; v <= 120; v++) {
        const res = await fetch(`/api/prompts/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: `v${v} {{x}}`, commit_message: `edit ${v}` }) });
        if (!res.ok) throw new Error(`PATCH ${v}: ${res.status}`);
      }
    }, id);
    // Before the scripts run the server-rendered button is disabled (a click on it would do
    // nothing and say nothing): a page that never runs them shows it so.
    const noScript = await e2e.browser.newContext({ baseURL: e2e.webUrl, javaScriptEnabled: false, storageState: await page.context().storageState() });
    try {
      const still = await noScript.newPage();
      await still.goto(`/prompts/${id}`);
      await expect(still.getByRole('region', { name: 'History' }).getByRole('button', { name: 'Load older versions' }).isDisabled()).resolves.toBe(true);
    } finally {
      await noScript.close();
    }
    // Not waiting for hydration: the clicks below wait for the button to be enabled.
    await page.reload();
    const history = page.getByRole('region', { name: 'History' });
    await expect.poll(() => history.getByRole('listitem').count()).toBe(50);
    await history.getByRole('button', { name: 'Load older versions' }).click();
    await expect.poll(() => history.getByRole('listitem').count()).toBe(100);
    await history.getByRole('button', { name: 'Load older versions' }).click();
    await expect.poll(() => history.getByRole('listitem').count()).toBe(120);
    await expect(history.getByRole('button', { name: 'Load older versions' }).count()).resolves.toBe(0);
    await expect(history.getByText('Initial version').count()).resolves.toBe(1);
    const numbers = await history.getByRole('listitem').locator('span.font-mono').allTextContents();
    expect(numbers).toEqual(Array.from({ length: 120 }, (_, i) => `v${120 - i}`));
    // The oldest version can be labelled too.
    const labels = page.getByRole('region', { name: 'Labels' });
    await labels.getByLabel('Label', { exact: true }).fill('first');
    await labels.getByRole('combobox').selectOption('1');
    await labels.getByRole('button', { name: 'Set label' }).click();
    await labels.getByRole('listitem').filter({ hasText: 'first → v1' }).waitFor();
    // Setting a label made no version: the versions already loaded stay.
    await expect(history.getByRole('listitem').count()).resolves.toBe(120);
    // The history lists versions without their text; View reads one in full.
    const oldest = history.getByRole('listitem').filter({ has: page.getByText('v1', { exact: true }) });
    await oldest.getByText('first', { exact: true }).waitFor();
    await expect(oldest.textContent()).resolves.toMatch(/8 characters.*you/s);
    await oldest.getByRole('link', { name: 'View v1' }).click();
    await expect.poll(() => page.getByTestId('version-view').textContent()).toContain('v1 {{x}}');
  });

  it('imports prompts from a Mr.Prompt export into another account and from chatbot-ui, reporting what was skipped', async () => {
    const alice = await e2e.newPage();
    await signUp(alice);
    await createPrompt(alice, { title: 'Release notes', content: 'Summarise {{changes}}', tags: 'writing', isPublic: true });
    await saveVersion(alice, 'Summarise {{changes}} for {{audience|users}}', 'audience', 2);
    const exported = await alice.evaluate(async () => (await fetch('/api/me/export')).text());

    const bob = await e2e.newPage();
    await signUp(bob);
    await open(bob, '/prompts');
    await bob.getByRole('link', { name: 'Import prompts' }).click();
    const section = bob.getByRole('region', { name: 'Import prompts' });
    const upload = async (name: string, text: string) => {
      await section.getByLabel('Prompt file (JSON)').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
      await section.getByRole('button', { name: 'Import prompts' }).click();
    };
    await upload('mrprompt-export.json', exported);
    await expect.poll(() => section.getByTestId('prompt-import-summary').textContent()).toBe('1 prompt imported from a Mr.Prompt export.');
    await section.getByRole('link', { name: 'Release notes' }).click();
    await bob.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
    await expect(bob.getByLabel('Template').inputValue()).resolves.toBe('Summarise {{changes}} for {{audience|users}}');
    await expect.poll(() => bob.getByRole('region', { name: 'History' }).getByRole('listitem').count()).toBe(2);
    await expect(bob.getByRole('heading', { level: 1 }).locator('xpath=..').textContent()).resolves.not.toContain('public');

    const chatbotUi = { version: 4, history: [], folders: [], prompts: [
      { id: '1', name: 'Translate', description: '', content: 'Translate {{text}} to {{language}}', model: null, folderId: null },
      { id: '2', name: 'Broken', description: '', content: 'Count {{n:integer}}', model: null, folderId: null },
    ] };
    await open(bob, '/settings/import#prompts');
    await upload('chatbot-ui.json', JSON.stringify(chatbotUi));
    await expect.poll(() => section.getByTestId('prompt-import-summary').textContent())
      .toBe('1 prompt imported from a chatbot-ui export; 1 prompt skipped.');
    await expect(section.getByRole('list', { name: 'Skipped prompts' }).textContent()).resolves.toMatch(/Broken: .*integer/);
    await open(bob, '/prompts');
    await bob.getByRole('link', { name: 'Translate' }).first().waitFor();
  });

  it('a locked label moved with "Move even if locked" stays locked, and its own button unlocks it', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await createPrompt(page, { title: 'Locked label', content: 'First {{x}}' });
    await saveVersion(page, 'Second {{x}}', 'second', 2);
    const labels = page.getByRole('region', { name: 'Labels' });
    const chip = labels.getByRole('listitem').filter({ hasText: 'production →' });
    await labels.getByLabel('Label', { exact: true }).fill('production');
    await labels.getByRole('combobox').selectOption('1');
    await labels.getByLabel('Lock', { exact: true }).check();
    await labels.getByRole('button', { name: 'Set label' }).click();
    await expect.poll(() => chip.textContent()).toMatch(/production → v1\s*locked/);

    await labels.getByLabel('Label', { exact: true }).fill('production');
    await labels.getByRole('combobox').selectOption('2');
    await labels.getByLabel('Move even if locked').check();
    await labels.getByRole('button', { name: 'Set label' }).click();
    await expect.poll(() => chip.textContent()).toMatch(/production → v2\s*locked/);

    await labels.getByRole('button', { name: 'Unlock label production' }).click();
    await labels.getByRole('button', { name: 'Lock label production', exact: true }).waitFor();
    await expect(chip.textContent()).resolves.not.toContain('locked');
  });

  it('comparing two versions shows a change of model settings or title, not only of the template', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await createPrompt(page, { title: 'Tuned', content: 'Answer {{q}}', temperature: '0.2' });
    await page.getByLabel('Temperature').fill('0.7');
    await page.getByLabel('Model', { exact: true }).fill('gpt-4o');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByTestId('toasts').getByText('Saved as v2.').waitFor();
    await page.getByRole('button', { name: 'Compare' }).click(); // v1 → v2
    const fields = page.getByTestId('diff-fields');
    await expect.poll(async () => (await fields.textContent())?.replace(/\s+/g, ' ').trim())
      .toMatch(/^Model removed: ?not set → added: ?gpt-4o ?Temperature removed: ?0\.2 → added: ?0\.7$/);
  });

  it("a prompt's provider is picked from those the server offers; one saved before that is shown as it is and flagged", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await open(page, '/prompts/new');
    const provider = page.getByLabel('Provider');
    await expect(provider.locator('optgroup[label="Ready to use"] option').allTextContents()).resolves.toContain('Demo (offline)');
    await expect(provider.locator('optgroup[label="Need a key in Settings"] option').allTextContents()).resolves.toContain('OpenAI');
    await page.getByLabel('Title').fill('Picked provider');
    await page.getByLabel('Template').fill('Answer {{q}}');
    await provider.selectOption('openai');
    // The model field suggests the provider's models, and says a key is still missing.
    await expect(page.locator('#prompt-form-models option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).resolves.toContain('gpt-4o-mini');
    await page.getByText('You have no key for OpenAI yet').waitFor();
    await page.getByLabel('Model', { exact: true }).fill('gpt-4o-mini');
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
    await expect.poll(() => provider.inputValue()).toBe('openai');

    // Saved before providers were checked: shown as it is, flagged, kept through other edits.
    const id = page.url().split('/').pop()!;
    await e2e.db.sql`update public.prompts set config = '{"provider":"opnai","model":"gpt-4o-mini"}' where id = ${id}`;
    await reload(page);
    await expect(provider.inputValue()).resolves.toBe('opnai');
    await expect(provider.locator('option:checked').textContent()).resolves.toBe('opnai (not offered here)');
    const flagged = page.getByRole('alert').filter({ hasText: '“opnai” is not a provider this server offers' });
    await flagged.waitFor();
    await page.getByLabel('Description').fill('Still the old provider');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByTestId('toasts').getByText('Saved. Still v', { exact: false }).waitFor();
    await provider.selectOption('demo');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByTestId('toasts').getByText('Saved as v', { exact: false }).waitFor();
    await expect(flagged.count()).resolves.toBe(0);
    await expect(provider.inputValue()).resolves.toBe('demo');
  });

  it('the library shows 20 prompts, loads more in place, and a search starts the list again', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    // 23 prompts, created through the API as the signed-in user (the same-origin proxy).
    const titles = await page.evaluate(async () => {
      const made: string[] = [];
      for (let i = 1; i <= 23; i++) {
        const title = `Paged prompt ${String(i).padStart(2, '0')}`;
        const res = await fetch('/api/prompts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title, content: `Prompt ${i}` }) });
        if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
        made.push(title);
      }
      return made;
    });
    await open(page, '/prompts?scope=mine');
    const shown = async () => (await page.getByRole('list', { name: 'Prompts' }).getByRole('link', { name: /^Paged prompt/ }).allTextContents()).map((t) => t.trim());
    await expect(shown()).resolves.toHaveLength(20);
    const more = page.getByRole('button', { name: 'Load more prompts' });
    await more.click();
    await expect.poll(async () => (await shown()).sort()).toEqual([...titles].sort());
    await expect(more.count()).resolves.toBe(0);

    await page.getByLabel('Search prompts').fill('Paged prompt 07');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(shown).toEqual(['Paged prompt 07']);
    await expect(more.count()).resolves.toBe(0);
  });
});
