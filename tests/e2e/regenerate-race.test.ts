// Regenerate pressed on a second device a moment after the first (QA17 #2). The second device
// still shows the old answer finished; the server has begun the first device's regeneration. It
// used to stop that answer (a "Stopped" version nobody asked for, two provider calls paid for),
// or, losing the race at the rows, answer "Your message was not sent … (or stop it)", a note that
// stayed after the answer ended. Now the second press names the state it showed (no answer
// running), is refused with 409 answer_started_elsewhere before any provider call, and follows
// the regeneration under way without a word. The second device hears nothing live, so it still
// offers Regenerate when the first device's answer is already running: a fact, not a race.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { addCustomKey, chooseModel, composer, open, screenshot, signIn, signUp, startE2E, newEmail, waitForChatPage, type E2E } from './helpers.ts';

const answers = (page: Page, status?: string) =>
  page.locator(`article[aria-label="Assistant message"]${status ? `[data-status="${status}"]` : ''}`);

describe('regenerate on two devices', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('regenerate-race');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('the second press follows the regeneration begun on the first device: nothing stopped, one call, no alert', async () => {
    const laptop = await e2e.newPage();
    const email = await signUp(laptop, newEmail('regen'));
    await addCustomKey(laptop, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(laptop, '/chat');
    await chooseModel(laptop, 'custom', 'fake-model');
    await composer(laptop).fill('/echo opening line');
    await composer(laptop).press('Enter');
    await answers(laptop, 'complete').waitFor();
    await waitForChatPage(laptop);
    const sessionPath = new URL(laptop.url()).pathname;
    const sessionId = sessionPath.split('/').at(-1)!;

    const phone = await e2e.newPage();
    onTestFailed(async () => {
      await screenshot(phone, 'failed-regenerate-race-phone');
      await screenshot(laptop, 'failed-regenerate-race-laptop');
    });
    await phone.routeWebSocket(/\/realtime\/v1\//, () => {}); // hears nothing live
    await signIn(phone, email);
    await open(phone, sessionPath);
    await answers(phone, 'complete').waitFor();

    // The answers' calls (streamed, asking the question last), not the chat's naming.
    const answerCalls = () => e2e.slowProvider.requests.filter((r) => {
      const body = r.body as { stream?: boolean; messages?: { content: unknown }[] } | null;
      return body?.stream === true && body.messages?.at(-1)?.content === '/echo opening line';
    }).length;
    const callsBefore = answerCalls();
    const release = e2e.slowProvider.pauseAfterFirstToken();
    try {
      await answers(laptop).last().getByRole('button', { name: 'Regenerate' }).click();
      await expect.poll(async () => (await e2e.db.sql`
        select 1 from public.messages where session_id = ${sessionId} and status = 'streaming'`).length, { timeout: 30_000 }).toBe(1);
      // The phone still shows the first answer finished, and Regenerate on it.
      const refused = phone.waitForResponse((r) => r.url().endsWith('/api/chat') && r.request().method() === 'POST');
      await answers(phone).last().getByRole('button', { name: 'Regenerate' }).click();
      const response = await refused;
      expect(response.status()).toBe(409);
      expect((await response.json()).error.code).toBe('answer_started_elsewhere');
      // It follows the regeneration under way, with no alert and no note.
      await answers(phone, 'streaming').waitFor({ timeout: 30_000 });
      await expect(phone.getByRole('alert').count()).resolves.toBe(0);
      await expect(phone.getByTestId('send-outcome').count()).resolves.toBe(0);
    } finally {
      release();
    }

    for (const page of [laptop, phone]) {
      await expect.poll(() => answers(page, 'streaming').count(), { timeout: 60_000 }).toBe(0);
      await expect(answers(page, 'complete').count()).resolves.toBe(1);
    }
    await expect(phone.getByTestId('send-outcome').count()).resolves.toBe(0);
    // Nothing was stopped: the first answer and one regeneration, both complete; one provider call.
    const stored = await e2e.db.sql<{ sender: string; status: string }[]>`
      select sender, status from public.messages where session_id = ${sessionId} order by created_at`;
    expect(stored.map((m) => `${m.sender}:${m.status}`)).toEqual(['user:complete', 'assistant:complete', 'assistant:complete']);
    expect(answerCalls() - callsBefore).toBe(1);
  });
});
