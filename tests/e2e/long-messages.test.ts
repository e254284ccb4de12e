// Long text in the chat and the prompt editor (QA9 #2, #3): an edit the server refuses goes back
// to its own Edit box, and "Send again" there makes a new version of the question, never a new
// message at the end; a message over the server's limit is said so before it is sent, with a
// one-click way to attach it as a file; a template over its limit is said so before saving. A
// long message box is kept for a reload once typing pauses, not copied into storage on every key.
// A chat longer than the model's context window says under an answer, then and after a reload,
// that it was written without the chat's first messages.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_IDLE_MS } from '../../web/src/lib/chat/drafts.ts';
import { composer, open, reload, sendAndWait, signUp, startE2E, type E2E } from './helpers.ts';

// Exact: while an Edit box is open, "Edit message" is a Message textbox too.
const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });
const questions = (page: Page) => page.getByRole('article', { name: 'Your message' });
const answers = (page: Page) => page.locator('article[aria-label="Assistant message"][data-status="complete"]');

describe('long text', { timeout: 300_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('long-messages');
  }, 300_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('a refused edit reopens its Edit box with the reason; Send again makes a new version; the message box is untouched', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await sendAndWait(page, '/echo short', 0);
    await composer(page).fill('Typed in the box meanwhile');
    const question = questions(page).first();
    await question.getByRole('button', { name: 'Edit' }).click();
    const editBox = question.getByLabel('Edit message');
    await editBox.fill('x'.repeat(40_000));
    await editBox.press('Control+Enter');
    // Over the server's limit (413): back in its Edit box, the reason beside it, no Send again.
    const refusal = question.getByTestId('edit-refusal');
    await expect.poll(() => refusal.textContent(), { timeout: 30_000 }).toContain('This message is 40,000 characters; a message can be at most 32,000.');
    await expect(refusal.textContent()).resolves.toContain('Your edit was not sent.');
    await expect(refusal.getByRole('button', { name: 'Send again' }).count()).resolves.toBe(0);
    await expect(editBox.inputValue().then((v) => v.length)).resolves.toBe(40_000);
    await expect(messageBox(page).inputValue()).resolves.toBe('Typed in the box meanwhile');
    await expect(page.getByTestId('send-outcome').count()).resolves.toBe(0);

    // Shortened, and refused again by a server failing for a moment: Send again redoes the edit.
    let failures = 0;
    await page.route('**/api/chat', async (route) => {
      if (failures++ > 0) return route.fallback();
      await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'The server is busy.' } }) });
    });
    await editBox.fill('/echo shorter edit');
    await editBox.press('Control+Enter');
    await expect.poll(() => refusal.textContent(), { timeout: 30_000 }).toContain('The server is busy. Your edit was not sent.');
    await expect(editBox.inputValue()).resolves.toBe('/echo shorter edit');
    await refusal.getByRole('button', { name: 'Send again' }).click();
    await answers(page).first().filter({ hasText: 'shorter edit' }).waitFor({ timeout: 60_000 });
    // A new version of the question (‹ 2/2 ›), not a new message at the end.
    await expect.poll(() => questions(page).allInnerTexts().then((all) => all.map((t) => t.split('\n')[0]))).toEqual(['/echo shorter edit']);
    await page.getByRole('group', { name: 'Versions of this message' }).waitFor();
    expect(await page.getByRole('group', { name: 'Versions of this message' }).count()).toBe(1);
    await expect(messageBox(page).inputValue()).resolves.toBe('Typed in the box meanwhile');
  });

  it('says a message is over the limit before sending, disables Send, and attaches the text as a file in one click', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    let posts = 0;
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/chat')) posts++;
    });
    const paste = 'lorem ipsum dolor sit amet '.repeat(7500); // 202,500 characters, 202,499 once trimmed
    await composer(page).fill(paste);
    const length = page.getByTestId('composer-length');
    await expect.poll(() => length.textContent()).toContain('This message is 202,499 characters; a message can be at most 32,000. Attach it as a file instead.');
    await expect(length.textContent()).resolves.toContain('202,499 / 32,000 characters');
    const send = page.getByRole('button', { name: 'Send', exact: true });
    await expect(send.isDisabled()).resolves.toBe(true);
    await composer(page).press('Enter');
    // Typing stays quick with 200 kB in the box.
    await composer(page).press('End');
    const started = Date.now();
    await composer(page).pressSequentially('abc');
    console.log(`typing 3 characters with 200 kB in the box: ${Date.now() - started} ms`);
    expect(posts).toBe(0);

    await length.getByRole('button', { name: 'Attach as a file' }).click();
    await expect(composer(page).inputValue()).resolves.toBe('');
    await expect(length.count()).resolves.toBe(0);
    await page.getByText('pasted-text.txt').first().waitFor();
    await sendAndWait(page, 'What is in the file?', 0);
    expect(posts).toBe(1);
  });

  // Open QA row: with 200 kB in the box, every key wrote all of it to sessionStorage.
  it('keeps a long draft once typing pauses, not on every key, and a reload right after typing loses none of it', async () => {
    const page = await e2e.newPage();
    await page.clock.install(); // time flows as usual until it is paused below
    await page.addInitScript(() => {
      const counted = window as unknown as { draftWrites: number };
      counted.draftWrites = 0;
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function (key: string, value: string) {
        if (key.startsWith('mrprompt-draft:')) counted.draftWrites++;
        setItem.call(this, key, value);
      };
    });
    const draftWrites = () => page.evaluate(() => (window as unknown as { draftWrites: number }).draftWrites);
    await signUp(page);
    const paste = 'lorem ipsum dolor sit amet '.repeat(7500);
    await composer(page).fill(paste);
    await composer(page).press('End');
    await expect.poll(draftWrites).toBe(1);

    // However slowly the keys come, none is written until typing pauses: the clock stands still.
    await page.clock.pauseAt(Date.now() + 60_000);
    await composer(page).pressSequentially('and more');
    expect(await draftWrites()).toBe(1);
    await page.clock.runFor(DRAFT_IDLE_MS);
    expect(await draftWrites()).toBe(2);
    await expect(page.evaluate(() => Object.values(sessionStorage).some((v) => v.endsWith('and more')))).resolves.toBe(true);

    // Typed, then reloaded before the pause: written as the page goes.
    await composer(page).pressSequentially(', and the last words');
    expect(await draftWrites()).toBe(2);
    await reload(page);
    await expect.poll(() => composer(page).inputValue()).toBe(`${paste}and more, and the last words`);
  });

  // QA13 #2: a chat longer than the model's context window is sent without its oldest messages
  // (the API's `dropped_turns`), and the page never said so.
  it("says under an answer how many of the chat's first messages its model could not see", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    // About 8,000 tokens each: the demo model's 16,000-token window, less the room kept for the
    // answer, holds one of them but not two. Each is answered in two words.
    const long = (tag: string) => `/tokens 2 ${Array.from({ length: 3000 }, (_, i) => `${tag}${i}`).join(' ')}`;
    await sendAndWait(page, long('a'), 0);
    await sendAndWait(page, long('b'), 1);
    await sendAndWait(page, long('c'), 2);
    const notice = (answer: number) => answers(page).nth(answer).getByTestId('left-out-notice');
    // The first answer saw the whole chat; the second was written without the first question;
    // the third without the first question, its answer and the second question.
    await expect(notice(0).count()).resolves.toBe(0);
    await expect(notice(1).textContent()).resolves.toContain('The model could not see the first message of this chat when it wrote this answer');
    await expect(notice(2).textContent()).resolves.toContain('could not see the first 3 messages of this chat');
    await expect(notice(2).textContent()).resolves.toContain('Start a new chat, or pick a model with a larger context window.');
    await expect(notice(2).getAttribute('role')).resolves.toBe('status');
    // Kept with the answers: a reload (or another device) says the same.
    await reload(page);
    await expect.poll(() => answers(page).count()).toBe(3);
    await expect(notice(0).count()).resolves.toBe(0);
    await expect(notice(1).textContent()).resolves.toContain('could not see the first message of this chat');
    await expect(notice(2).textContent()).resolves.toContain('could not see the first 3 messages of this chat');
  });

  it("says a template is over its limit before saving, and the save's refusal in the same words", async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await open(page, '/prompts/new');
    await page.getByLabel('Title').fill('Huge');
    await page.getByLabel('Template').fill('word '.repeat(40_000));
    const said = 'This template is 200,000 characters; a template can be at most 100,000.';
    await expect.poll(() => page.getByTestId('template-length').textContent()).toContain(said);
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await expect.poll(() => page.getByRole('alert').allInnerTexts().then((all) => all.join(' ')), { timeout: 30_000 }).toContain(said);
  });
});
