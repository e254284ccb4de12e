// Stopping answers in a group chat (QA8 #1, #6): the message box's Stop and Esc end only the
// answer this person asked for. While someone else's answer is written, Send stays where it is
// — a message sent then waits in the queue, named for whose answer it waits on, and goes by
// itself when that answer ends — and a separate control names the answer it stops ("Stop
// Olive's answer"). Everyone in the chat then reads who stopped it, live and after a reload.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { nameOf, startGroupChat } from './group-helpers.ts';
import { addCustomKey, composer, reload, screenshot, seriousViolations, startE2E, type E2E, waitForLive } from './helpers.ts';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';

describe('stopping answers in a group chat', { timeout: 240_000 }, () => {
  let e2e: E2E;
  let slow: FakeProvider;
  beforeAll(async () => {
    // A priced model: the owner's key answers members only for one (422 unpriced_model otherwise).
    e2e = await startE2E('group-stop', { functionEnv: { MODEL_PRICES: JSON.stringify({ 'custom/fake-model': { input: 1, output: 2 } }) } });
    slow = await startFakeProvider({ tokens: 1200, tokenDelayMs: 100, models: ['fake-model'] });
  });
  afterAll(async () => {
    await slow?.stop();
    await e2e?.stop();
  });

  it("a member's Send and Esc leave the owner's answer running; its own named Stop ends it, and everyone reads who did", async () => {
    const { owner, member, ownerEmail, memberEmail } = await startGroupChat(e2e, {
      member: 'ann', owner: 'olive', text: '/tokens 5', pays: true, model: ['custom', 'fake-model'],
      ownerFirst: (page) => addCustomKey(page, slow, 'sk-olive'),
    });
    onTestFailed(async () => {
      for (const [who, page] of [['owner', owner], ['member', member]] as const) {
        console.error(who, await page.getByTestId('messages').innerText().catch(() => ''));
        await screenshot(page, `failed-group-stop-${who}`);
      }
    });
    await waitForLive(member);
    const olive = nameOf(ownerEmail);
    const ann = nameOf(memberEmail);

    await composer(owner).fill('A long answer, please');
    await composer(owner).press('Enter');
    const ownersAnswer = (page: typeof owner) => page.locator('article[aria-label="Assistant message"]').nth(1);
    await ownersAnswer(member).locator('[data-testid="answer-progress"]', { hasText: 'Streaming…' }).waitFor();

    // Ann's message box keeps Send; the owner's own box has the Stop.
    const form = (page: typeof owner) => page.locator('#composer-form');
    await form(member).getByRole('button', { name: 'Send' }).waitFor();
    expect(await form(member).getByRole('button', { name: 'Stop' }).count()).toBe(0);
    await form(owner).getByRole('button', { name: 'Stop' }).waitFor();

    // Esc while typing is no stop of someone else's answer, and Send queues the message.
    await composer(member).fill('/tokens 3');
    await composer(member).press('Escape');
    await composer(member).press('Enter');
    await member.getByTestId('queued-message').getByText(`Will send when ${olive}'s answer finishes`).waitFor();
    expect(await ownersAnswer(owner).getAttribute('data-status')).toBe('streaming');
    const [running] = await e2e.db.sql`select stop_requested_at from private.chat_turns`;
    expect(running?.stop_requested_at ?? null).toBeNull();
    expect(await seriousViolations(member)).toEqual([]);

    // The named control beside the answer stops it.
    await member.getByRole('button', { name: `Stop ${olive}'s answer` }).click();
    await ownersAnswer(owner).getByText(`Stopped by ${ann}`, { exact: true }).waitFor();
    await ownersAnswer(member).and(member.locator('[data-status="stopped"]')).waitFor();
    expect(await ownersAnswer(member).innerText()).not.toContain('Stopped by');

    // Ann's message went by itself once the answer ended, and was answered.
    await member.locator('article[aria-label="Assistant message"]').nth(2).and(member.locator('[data-status="complete"]')).waitFor({ timeout: 60_000 });
    expect(await member.getByTestId('queued-message').count()).toBe(0);

    await reload(owner);
    await ownersAnswer(owner).getByText(`Stopped by ${ann}`, { exact: true }).waitFor();
  });
});
