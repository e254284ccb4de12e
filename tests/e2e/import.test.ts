// Importing history: ChatGPT's conversations.json (a branch, an image part, a system message,
// tool calls, a hidden message), chatbot-ui's export and this app's own export become chats, with a progress bar
// and a report of what was left out; importing again adds nothing twice; a file too big for
// one request goes in several, and a message longer than one request in pieces. Prompt files:
// cosmetic fields fitted, and a failed request reported with its reason by prompt.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { chatbotUiBrowserStorage, chatbotUiV2Export, chatbotUiV4Export } from '../fixtures/chatbot-ui-export.ts';
import { chatGptExport } from '../fixtures/chatgpt-export.ts';
import { open, reload, screenshot, seriousViolations, signUp, startE2E, useTheme, type E2E, waitForChatPage } from './helpers.ts';

let dir: string;
function file(name: string, data: unknown): string {
  const target = path.join(dir, name);
  writeFileSync(target, data instanceof Uint8Array ? data : JSON.stringify(data));
  return target;
}

async function importFile(page: Page, filePath: string) {
  await open(page, '/settings/import');
  await page.getByLabel('Export file').setInputFiles(filePath);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const report = page.getByTestId('import-report');
  await report.waitFor();
  return report;
}

describe('import', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mrprompt-import-'));
    e2e = await startE2E('import');
  });
  afterAll(async () => {
    await e2e?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ChatGPT's conversations.json becomes chats along the visible thread, with a report of what was left out; again adds nothing", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    // The first-run welcome and Settings lead here.
    await page.getByRole('region', { name: 'Welcome to Mr.Prompt' }).getByRole('link', { name: 'Import chats from ChatGPT' }).click();
    await page.waitForURL('**/settings/import');
    const conversations = file('conversations.json', chatGptExport());
    const report = await importFile(page, conversations);
    await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('2 chats imported (6 messages) from ChatGPT');
    const progress = page.getByRole('progressbar', { name: 'Import progress' });
    await expect(progress.getAttribute('value')).resolves.toBe('2');
    const leftOut = await report.getByRole('list', { name: 'Left out' }).getByRole('listitem').allTextContents();
    expect(leftOut.sort()).toEqual([
      '1 conversation without any text messages',
      '1 hidden message',
      '1 image, file or other non-text part',
      '1 message on another branch (an earlier edit or regeneration)',
      '1 system or custom-instruction message',
      '3 tool calls and tool results (browsing, code, plugins)',
    ]);
    await report.getByRole('link', { name: 'A picture of a cat' }).click();
    await waitForChatPage(page);
    const messages = page.locator('article[aria-label$="message"]');
    await messages.nth(3).waitFor();
    await expect(messages.allTextContents()).resolves.toEqual([
      expect.stringContaining('Hi there'),
      expect.stringContaining('Hello! How can I help?'),
      expect.stringContaining('What is in this picture?'),
      expect.stringContaining('It is a cat.'),
    ]);
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    await expect.poll(() => sidebar.getByRole('link', { name: 'A picture of a cat' }).count()).toBe(1);
    await expect.poll(() => sidebar.getByRole('link', { name: 'Run some code' }).count()).toBe(1);
    await reload(page);
    await expect.poll(() => sidebar.getByRole('link').filter({ hasText: /^(A picture of a cat|Run some code)$/ }).count()).toBe(2);

    const found: Record<string, unknown> = {};
    for (const theme of ['light', 'dark'] as const) {
      await useTheme(page, theme);
      await importFile(page, conversations);
      // The toast says why nothing came in, not only "Imported 0 chats.".
      await page.getByTestId('toasts').getByText('Imported 0 chats. 2 chats were already here.').waitFor();
      const violations = await seriousViolations(page);
      if (violations.length) found[theme] = violations;
      await screenshot(page, `import-report-${theme}`);
    }
    expect(found).toEqual({});
    // The repeats above added nothing.
    await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('0 chats imported (0 messages) from ChatGPT; 2 already here');
    await open(page, '/chat');
    await expect.poll(() => sidebar.getByRole('link').filter({ hasText: /^(A picture of a cat|Run some code)$/ }).count()).toBe(2);
  });

  it("chatbot-ui's export: its chats come in with their models, temperatures and folders (as projects), what has no place here is said, and each importer points to the other", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const exported = file('chatbot_ui_history_3-28.json', chatbotUiV4Export());
    const report = await importFile(page, exported);
    await expect(page.getByTestId('import-summary').textContent()).resolves.toBe('2 chats imported (6 messages) from a chatbot-ui export.');
    const leftOut = await report.getByRole('list', { name: 'Left out' }).getByRole('listitem').allTextContents();
    expect(leftOut.sort()).toEqual([
      "1 chat's own system prompt (a chat here has none of its own: save it as a prompt, and choose it for the chat or its project)",
      '1 conversation without any text messages',
      '1 empty message',
    ]);
    await expect(page.getByTestId('import-also-prompts').textContent()).resolves.toBe('This file also holds 2 prompts: import them under Import prompts below.');

    // The same file in the prompt import: its prompts come in, and the report names the chats it left to the import above.
    const section = page.getByRole('region', { name: 'Import prompts' });
    await section.getByLabel('Prompt file (JSON)').setInputFiles(exported);
    await section.getByRole('button', { name: 'Import prompts' }).click();
    await expect.poll(() => section.getByTestId('prompt-import-summary').textContent()).toContain('2 prompts imported from a chatbot-ui export');
    // A prompt folder is the tag of its prompts.
    const tagged = await page.evaluate(async () => ((await (await fetch('/api/prompts')).json()) as { prompts: { title: string; tags: string[] }[] }).prompts);
    expect(tagged.map((p) => [p.title, p.tags]).sort()).toEqual([['Llama facts', ['writing-prompts']], ['Proofread', []]]);
    await expect(section.getByTestId('prompt-import-also-chats').textContent()).resolves.toBe('This file also holds 3 chats: import them under Import chats above.');

    // An older export (version 2) adds its chat; the first file again adds nothing.
    await importFile(page, file('chatbot-ui-v2.json', chatbotUiV2Export()));
    await expect(page.getByTestId('import-summary').textContent()).resolves.toBe('1 chat imported (2 messages) from a chatbot-ui export.');
    await importFile(page, exported);
    await expect(page.getByTestId('import-summary').textContent()).resolves.toBe('0 chats imported (0 messages) from a chatbot-ui export; 2 already here, left as they were.');
    // The newer chatbot-ui's one download (its original's browser storage) is the same chats: nothing twice.
    await importFile(page, file('chatbot-ui-data.json', chatbotUiBrowserStorage()));
    await expect(page.getByTestId('import-summary').textContent()).resolves.toBe('0 chats imported (0 messages) from a chatbot-ui export; 2 already here, left as they were.');

    // Each chat folder is a project named after it, holding its chats, made once however often the file comes in.
    await open(page, '/projects');
    const projects = page.getByRole('list', { name: 'Projects' });
    await expect.poll(async () => (await projects.getByRole('heading', { level: 2 }).allTextContents()).map((t) => t.trim()).sort()).toEqual(['Animals', 'Code']);
    await projects.getByRole('link', { name: 'Animals', exact: true }).click();
    await page.getByRole('list', { name: 'Chats in Animals' }).waitFor();
    await expect(page.getByRole('list', { name: 'Chats in Animals' }).getByRole('link').allTextContents()).resolves.toEqual(['Llamas and alpacas']);

    await open(page, '/chat');
    await page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: 'Llamas and alpacas' }).click();
    await waitForChatPage(page);
    const messages = page.locator('article[aria-label$="message"]');
    await messages.nth(3).waitFor();
    await expect(messages.allTextContents()).resolves.toEqual([
      expect.stringContaining('Tell me about llamas'),
      expect.stringContaining('Llamas are camelids from the Andes.'),
      expect.stringContaining('And alpacas?'),
      expect.stringContaining('Alpacas are smaller, bred for their fibre.'),
    ]);
    // The answers keep the model chatbot-ui named, and the chat its temperature, for the next answer.
    await expect(page.getByRole('article', { name: 'Assistant message' }).first().textContent()).resolves.toContain('gpt-4');
    await expect(page.getByTestId('answer-settings-summary').textContent()).resolves.toBe('T 0.3');
  });

  it("this app's export moves chats to another account, and a big file goes in several requests", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const many = Array.from({ length: 120 }, (_, i) => chatGptExport(`bulk-${i}`)[1]).map((c, i) => ({ ...c, title: `Bulk chat ${i}` }));
    for (const c of many) c.mapping.done.message!.content = { content_type: 'text', parts: [`The answer is 4. ${'More words. '.repeat(200)}`] };
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/import') requests.push(request.url());
    });
    const report = await importFile(page, file('big.json', many));
    await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('120 chats imported (240 messages)');
    expect(requests.length).toBeGreaterThan(1);

    // Export this account and import it into a new one.
    const exported = await page.evaluate(async () => (await fetch('/api/me/export')).text());
    const other = await e2e.newPage();
    await signUp(other);
    const otherReport = await importFile(other, file('mrprompt-export.json', JSON.parse(exported)));
    await expect(other.getByTestId('import-summary').textContent()).resolves.toContain('120 chats imported (240 messages) from a Mr.Prompt export');
    // Back into the account it came from: every chat is still there.
    const home = await importFile(page, file('mrprompt-export.json', JSON.parse(exported)));
    await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('0 chats imported (0 messages) from a Mr.Prompt export; 120 already here');

    // ChatGPT's whole export zip works too: its conversations.json is read from it.
    const zip = zipSync({
      'chat.html': strToU8('<html>…</html>'),
      'user.json': strToU8('{"id":"user-1"}'),
      'conversations.json': strToU8(JSON.stringify(chatGptExport('zipped'))),
    });
    await importFile(other, file('chatgpt-export.zip', zip));
    await expect(other.getByTestId('import-summary').textContent()).resolves.toBe('2 chats imported (6 messages) from ChatGPT.');
    await other.getByLabel('Export file').setInputFiles(file('not-chatgpt.zip', zipSync({ 'notes.txt': strToU8('hello') })));
    await other.getByRole('button', { name: 'Import', exact: true }).click();
    await other.getByRole('alert').filter({ hasText: 'This zip has no conversations.json' }).waitFor();

    await open(other, '/settings/import');
    await other.getByLabel('Export file').setInputFiles(file('not-an-export.json', { hello: 'world' }));
    await other.getByRole('button', { name: 'Import', exact: true }).click();
    await other.getByRole('alert').filter({ hasText: 'This JSON is not a ChatGPT conversations.json, a chatbot-ui export or a Mr.Prompt export.' }).waitFor();
  });

  it('a tampered file still comes in (title and model shortened, dates in the future left out, never above new chats); a refusal says why', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    const message = (id: string, sender: string, content: string, created_at: string, model: string | null = null) => ({ id, sender, content, created_at, model });
    const longTitle = `Long ${'T'.repeat(5_000)}`;
    const tampered = {
      format: 'mrprompt-export/1',
      sessions: [
        { id: 'long-fields', title: longTitle, created_at: '2024-05-01T10:00:00Z', messages: [
          message('a1', 'user', 'Hello', '2024-05-01T10:00:00Z'), message('a2', 'assistant', 'Hi!', '2024-05-01T10:00:01Z', 'm'.repeat(5_000)),
        ] },
        { id: 'from-2099', title: 'From the future', created_at: '2099-01-01T00:00:00Z', messages: [
          message('b1', 'user', 'When is this?', '2099-01-01T00:00:00Z'), message('b2', 'assistant', 'Now', '2099-01-01T00:00:01Z'),
        ] },
      ],
    };
    const report = await importFile(page, file('tampered.json', tampered));
    await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('2 chats imported (4 messages)');
    await expect(report.getByRole('list', { name: 'Changed to fit' }).getByRole('listitem').allTextContents()).resolves.toEqual([
      '1 title shortened to 200 characters',
      '1 model name shortened or cleaned of control characters',
      '3 dates in the future or before 2000 left out (each such message is dated just after the one before it)',
    ]);
    expect(await report.getByRole('heading', { name: /Not imported/ }).count()).toBe(0);
    // The imported title is shown cut to a line, with an ellipsis.
    const imported = await report.getByRole('list', { name: 'Imported chats' }).getByRole('link').allTextContents();
    expect(imported).toEqual([expect.stringMatching(/^Long T+…$/), 'From the future']);
    expect(imported[0].length).toBeLessThanOrEqual(80);

    // A chat started after the import sorts above the one dated 2099 in the file.
    await page.evaluate(async () => { await fetch('/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Started today' }) }); });
    await open(page, '/chat');
    const sidebar = page.getByRole('navigation', { name: 'Chats' });
    await expect.poll(() => sidebar.getByRole('link').filter({ hasText: /^(Started today|From the future)$/ }).allTextContents()).toEqual(['Started today', 'From the future']);

    // The account one message short of its quota: a long chat (in three requests) is refused at
    // its first part, with the API's reason, once, and no "try again".
    const [{ id }] = await e2e.db.sql`select id from auth.users where email = ${email}`;
    await e2e.db.sql`update private.user_row_counts set messages = 999999 where user_id = ${id}`;
    const [chat] = chatGptExport('quota').slice(1);
    chat.title = `Refused ${'R'.repeat(300)}`;
    chat.mapping.done.message!.content = { content_type: 'text', parts: ['答'.repeat(150_000)] };
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/import') requests.push(request.url());
    });
    const refused = await importFile(page, file('refused.json', [chat]));
    await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('0 chats imported');
    const reasons = await refused.getByRole('list', { name: 'Not imported' }).getByRole('listitem').allTextContents();
    expect(reasons).toEqual([expect.stringMatching(/^“Refused R+…”: There can be at most 1,000,000 messages per account; delete some before adding more$/)]);
    expect(reasons[0].indexOf('”')).toBeLessThanOrEqual(81);
    expect(await refused.getByRole('heading', { name: /try again/ }).count()).toBe(0);
    expect(requests).toHaveLength(1);
    await page.getByTestId('toasts').getByText('Imported 0 chats. 1 chat could not be imported: see why below.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'import-refused');
  });

  it('prompts with over-long or odd cosmetic fields come in fitted; a request that fails says why, by prompt, "try again" only when no answer came', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await open(page, '/settings/import#prompts');
    const section = page.getByRole('region', { name: 'Import prompts' });
    const summary = section.getByTestId('prompt-import-summary');
    const upload = async (name: string, data: unknown) => {
      await section.getByLabel('Prompt file (JSON)').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(data)) });
      await section.getByRole('button', { name: 'Import prompts' }).click();
    };
    // Each of these was skipped by the API ("title: Too big…"), the 5,000-character title printed whole in the report.
    await upload('tampered-prompts.json', {
      format: 'mrprompt-export/1',
      prompts: [
        { title: `Long ${'T'.repeat(5_000)}`, content: 'Hello {{name}}', description: 'd'.repeat(3_000), tags: ['Data Science', 'ok'], config: { model: 'gpt-4o\u001b[31m' } },
        { title: 'Dated ahead', versions: [
          { version: 1, title: 'Dated ahead', content: 'One', created_at: '2024-05-01T10:00:00Z' },
          { version: 2, title: 'Dated ahead', content: 'Two', created_at: '2099-01-01T00:00:00Z' },
        ] },
        { title: 'Broken', content: 'Count {{n:integer}}' },
      ],
    });
    await expect.poll(() => summary.textContent()).toBe('2 prompts imported from a Mr.Prompt export; 1 prompt skipped.');
    await expect(section.getByRole('list', { name: 'Prompts changed to fit' }).getByRole('listitem').allTextContents()).resolves.toEqual([
      '1 title shortened to 200 characters',
      '1 description shortened to 2,000 characters',
      '1 prompt’s tags made to fit (lowercase a-z, 0-9 and _ . + # -, 32 characters, 20 a prompt)',
      '1 model name shortened or cleaned of control characters',
      '1 version date in the future, before 2000 or unreadable left out (the version is dated as the one before it)',
    ]);
    const imported = await section.getByRole('list', { name: 'Imported prompts' }).getByRole('link').allTextContents();
    expect(imported).toEqual([expect.stringMatching(/^Long T+…$/), 'Dated ahead']);
    expect(imported[0].length).toBeLessThanOrEqual(80);
    await expect(section.getByRole('list', { name: 'Skipped prompts' }).textContent()).resolves.toMatch(/^Broken: .*integer/);
    expect(await section.getByRole('heading', { name: /Not imported/ }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // No answer (the network dropped): "try again", by prompt.
    const chatbotUi = (name: string) => ({ version: 4, history: [], folders: [], prompts: [{ id: '1', name, description: '', content: 'Say {{x}}', model: null, folderId: null }] });
    await page.route('**/api/import/prompts', (route) => route.abort('internetdisconnected'));
    await upload('offline.json', chatbotUi('Offline prompt'));
    await section.getByRole('heading', { name: 'Not imported this time (try again)' }).waitFor();
    await expect(section.getByRole('list', { name: 'Prompts not imported this time' }).getByRole('listitem').allTextContents())
      .resolves.toEqual([expect.stringMatching(/^“Offline prompt”: Mr\.Prompt could not be reached\./)]);
    expect(await section.getByRole('heading', { name: 'Not imported', exact: true }).count()).toBe(0);
    await page.unroute('**/api/import/prompts');

    // Signed out meanwhile (on another device, say): the API's reason, and no "try again".
    await page.context().clearCookies();
    await upload('signed-out.json', chatbotUi(`Signed out ${'S'.repeat(300)}`));
    const refusedList = section.getByRole('list', { name: 'Prompts not imported', exact: true });
    await refusedList.waitFor();
    await expect(summary.textContent()).resolves.toBe('0 prompts imported from a chatbot-ui export; 1 prompt not imported.');
    const refused = await refusedList.getByRole('listitem').allTextContents();
    expect(refused).toEqual([expect.stringMatching(/^“Signed out S+…”: Please sign in again$/)]);
    expect(await section.getByRole('heading', { name: /try again/ }).count()).toBe(0);
    await page.getByTestId('toasts').getByText('Imported 0 prompts. 1 prompt could not be imported: see why below.').waitFor();
    await screenshot(page, 'prompt-import-refused');
  });

  it('a message as long as a chat holds (200,000 CJK characters, 600 KB) comes in whole, in pieces through the web server', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    const long = '漢字かな交じり文'.repeat(25_000);
    const chat = chatGptExport('cjk')[1];
    chat.title = 'Long CJK answer';
    chat.mapping.done.message!.content = { content_type: 'text', parts: [long] };
    const bodies: number[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/import') bodies.push(request.postDataBuffer()?.length ?? 0);
    });
    await importFile(page, file('cjk.json', [chat]));
    await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('1 chat imported');
    await expect(page.getByTestId('import-report').textContent()).resolves.not.toContain('too large');
    expect(bodies.length).toBeGreaterThan(3);
    expect(Math.max(...bodies)).toBeLessThanOrEqual(200_000);
    const stored = await page.evaluate(async () => {
      const { sessions } = await (await fetch('/api/sessions')).json();
      const { messages } = await (await fetch(`/api/sessions/${sessions[0].id}/messages?limit=100`)).json();
      return (messages as { content: string }[]).map((m) => m.content);
    });
    expect(stored).toContain(long);
  });
});
