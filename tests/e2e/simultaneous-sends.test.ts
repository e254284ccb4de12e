// Two people in a group chat press Send at the same moment. The server runs one answer at a time
// per chat: one question is answered; the other is refused (409 turn_running) or held by its tab,
// which already sees the other's answer running, and waits in that tab's queue
// (web/src/lib/chat/send-queue.ts), named for whose answer it waits on, and goes by itself once
// that answer ends. Both questions are kept, once each, both are answered, and both people end
// seeing the same messages in the same order as the database. The slow fake provider holds the
// first answer after its first token, so the second send meets it running: a fact, not a race.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { nameOf, startGroupChat } from './group-helpers.ts';
import { addCustomKey, composer, screenshot, startE2E, type E2E, waitForLive } from './helpers.ts';

const answers = (page: Page, status?: string) =>
  page.locator(`article[aria-label="Assistant message"]${status ? `[data-status="${status}"]` : ''}`);

/** What a page shows of the chat: each message's kind and state, and each question's words. */
const transcript = (page: Page) =>
  page.locator('article[aria-label="Assistant message"], article[aria-label="Your message"], article[aria-label^="Message from"]').evaluateAll((articles) =>
    articles.map((article) => article.getAttribute('aria-label') === 'Assistant message'
      ? `answer: ${article.getAttribute('data-status')}`
      : `asked: ${['Owner asks', 'Member asks', '/echo opening line'].find((q) => article.textContent?.includes(q)) ?? article.textContent}`));

describe('two sends at the same moment', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    // A priced model: the owner's key answers members only for one (422 unpriced_model otherwise).
    e2e = await startE2E('simultaneous-sends', { functionEnv: { MODEL_PRICES: JSON.stringify({ 'custom/fake-model': { input: 1, output: 2 } }) } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('two people sending at once: one question is answered, the other waits and is answered after; nothing lost or doubled, both see the same', async () => {
    const { owner, member, ownerEmail, memberEmail, chatUrl } = await startGroupChat(e2e, {
      member: 'mona', owner: 'omar', text: '/echo opening line', pays: true, model: ['custom', 'fake-model'],
      ownerFirst: (page) => addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`),
    });
    const sessionId = chatUrl.split('/').at(-1)!;
    onTestFailed(async () => {
      for (const [name, page] of [['owner', owner], ['member', member]] as const) {
        console.error(name, await transcript(page).catch(() => []));
        await screenshot(page, `failed-simultaneous-sends-${name}`);
      }
    });
    await answers(member, 'complete').waitFor();
    await waitForLive(member);
    await waitForLive(owner);

    const release = e2e.slowProvider.pauseAfterFirstToken();
    try {
      await composer(owner).fill('Owner asks');
      await composer(member).fill('Member asks');
      await Promise.all([composer(owner).press('Enter'), composer(member).press('Enter')]);

      // One answer runs, shown to both; the other question waits in its own page's queue, named
      // for whose answer it waits on.
      await answers(owner, 'streaming').waitFor();
      await answers(member, 'streaming').waitFor();
      const waiting = async () => [await owner.getByTestId('queued-message').count(), await member.getByTestId('queued-message').count()];
      await expect.poll(waiting).toSatisfy(([o, m]: number[]) => o + m === 1);
      const [ownerWaits] = await waiting();
      const [queuedPage, answeredBy] = ownerWaits === 1 ? [owner, nameOf(memberEmail)] : [member, nameOf(ownerEmail)];
      await queuedPage.getByTestId('queued-message').getByText(`Will send when ${answeredBy}'s answer finishes`).waitFor();
      expect(await composer(owner).inputValue()).toBe('');
      expect(await composer(member).inputValue()).toBe('');
    } finally {
      release();
    }

    // The waiting question goes once the first answer ends, and is answered: three questions and
    // three complete answers for each person, the same for both, in the database's order.
    for (const page of [owner, member]) {
      await answers(page, 'complete').nth(2).waitFor({ timeout: 60_000 });
      await expect.poll(() => page.getByTestId('queued-message').count()).toBe(0);
    }
    const stored = await e2e.db.sql<{ content: string; sender: string }[]>`
      select content, sender from public.messages where session_id = ${sessionId} order by created_at, sender desc`;
    expect(stored.filter((m) => m.sender === 'user').map((m) => m.content).sort()).toEqual(['/echo opening line', 'Member asks', 'Owner asks']);
    expect(stored.filter((m) => m.sender === 'assistant')).toHaveLength(3);
    const want = stored.map((m) => (m.sender === 'user' ? `asked: ${m.content}` : 'answer: complete'));
    for (const page of [owner, member]) await expect.poll(() => transcript(page), { timeout: 30_000 }).toEqual(want);
  });
});
