// Branches in the browser: editing a question makes a second version of it (‹ 2/2 ›), the
// earlier version is one keyboard press away (‹ 1/2 › flips back to its question and answer),
// the chosen branch survives a reload, regenerating keeps the old answer reachable, another
// tab follows a switch live (also a tab that Realtime's row changes do not reach), a question
// asked in another tab while this one re-reads its branch stays shown, and the version controls
// pass axe-core.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { addCustomKey, chooseModel, composer, dropRowChanges, lastAnswer, newEmail, open, openChatAs, reload, screenshot, seriousViolations, signIn, signUp, startE2E, type E2E, waitForChatPage, waitForLive } from './helpers.ts';

describe('branches in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('branches');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('edit creates a branch, ‹ 1/2 › flips back, a reload keeps it, regenerate keeps the old answer, a search hit opens its branch, deleting a version', async () => {
    const page = await e2e.newPage();
    onTestFailed(async () => void (await screenshot(page, 'failed-branches')));
    await signUp(page);
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(page, '/chat');
    await chooseModel(page, 'custom', 'fake-model');
    const answers = page.locator('article[aria-label="Assistant message"][data-status="complete"]');
    const ask = async (text: string, count: number) => {
      await composer(page).fill(text);
      await composer(page).press('Enter');
      await expect.poll(() => answers.count(), { timeout: 60_000 }).toBe(count);
    };
    await ask('/echo first question', 1);
    await waitForChatPage(page);
    await ask('/echo second question', 2);

    // Edit the second question: a new version of it, answered; the old one is not shown.
    // The box opens focused; Esc closes it and gives the keyboard back to Edit (it was left on
    // the page's body, and Esc did nothing); Ctrl+Enter saves.
    const question = page.locator('article[aria-label="Your message"]').last();
    await question.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => question.getByLabel('Edit message').evaluate((box) => box === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => question.getByLabel('Edit message').count()).toBe(0);
    await expect.poll(() => question.getByRole('button', { name: 'Edit' }).evaluate((button) => button === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await question.getByLabel('Edit message').fill('/echo edited question');
    await question.getByLabel('Edit message').press('Control+Enter');
    const versions = page.getByRole('group', { name: 'Versions of this message' });
    await versions.getByText('2/2').waitFor({ timeout: 60_000 });
    await page.locator('article[aria-label="Assistant message"]').last().getByText('edited question').waitFor();
    await expect(page.getByText('/echo second question', { exact: true }).count()).resolves.toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'branches-edited');

    // Flip back with the keyboard: the earlier question and its answer are there.
    // Targets of at least 24 × 24 px (WCAG 2.5.8); the arrows were 16 × 20.
    const arrow = await versions.getByRole('button', { name: /Previous version/ }).boundingBox();
    expect(Math.min(arrow?.width ?? 0, arrow?.height ?? 0)).toBeGreaterThanOrEqual(24);
    await versions.getByRole('button', { name: /Previous version/ }).focus();
    await page.keyboard.press('Enter');
    await versions.getByText('1/2').waitFor();
    await page.getByText('/echo second question', { exact: true }).waitFor();
    await expect(page.getByText('/echo edited question', { exact: true }).count()).resolves.toBe(0);

    // The chosen branch is the session's: a reload shows it.
    await reload(page);
    await page.getByText('/echo second question', { exact: true }).waitFor();
    await page.getByRole('group', { name: 'Versions of this message' }).getByText('1/2').waitFor();

    // Regenerate: a second answer, and the first one stays reachable.
    const lastAnswer = page.locator('article[aria-label="Assistant message"]').last();
    await lastAnswer.getByRole('button', { name: 'Regenerate' }).click();
    const answerVersions = page.getByRole('group', { name: 'Versions of this answer' });
    await answerVersions.getByText('2/2').waitFor({ timeout: 60_000 });
    await answerVersions.getByRole('button', { name: /Previous version/ }).click();
    await answerVersions.getByText('1/2').waitFor();
    await expect(page.locator('article[aria-label="Assistant message"]').last().textContent()).resolves.toContain('second question');

    // A search that fails says so (it read "No messages match.").
    const search = page.getByRole('region', { name: 'Search results' });
    const failing = /\/api\/search\?/;
    await page.route(failing, (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Search is resting.' } }) }));
    await page.getByRole('combobox', { name: 'Search chats and messages' }).fill('edited');
    await search.getByRole('alert').getByText('Search failed: Search is resting.').waitFor();
    await expect(search.getByText('No messages match.').count()).resolves.toBe(0);
    await page.unroute(failing);
    await page.getByRole('combobox', { name: 'Search chats and messages' }).fill('');

    // A search hit on the other branch opens that branch — on the click only. Its address alone
    // changes nothing (a GET): not the preload as the pointer rests on the hit, not the address
    // opened from elsewhere with the owner's cookies (another site's link); what members and a
    // live share link see stays as it is.
    await page.getByRole('combobox', { name: 'Search chats and messages' }).fill('edited');
    const hit = page.getByRole('group', { name: /^Messages/ }).getByRole('option').first();
    await hit.waitFor();
    const hitUrl = (await hit.getAttribute('href'))!;
    const preloaded = page.waitForResponse((r) => r.url().includes('/__data.json') && r.url().includes('message='));
    await hit.hover();
    await preloaded; // its load has run: a load that switched the branch had done so by now
    const elsewhere = await e2e.newPage({ sameUserAs: page });
    await open(elsewhere, hitUrl);
    await elsewhere.locator('article[aria-label="Your message"]', { hasText: '/echo second question' }).waitFor();
    const activeQuestion = async () => {
      const { messages } = await (await page.request.get(`/api/sessions/${hitUrl.split('/')[2]!.split('?')[0]}/messages`)).json();
      return messages.filter((m: { sender: string }) => m.sender === 'user').at(-1).content;
    };
    expect(await activeQuestion()).toBe('/echo second question');
    await page.getByText('/echo second question', { exact: true }).waitFor();
    await hit.click();
    // The page this opens, not the one it replaces: that one follows the branch switch live
    // (the session's row over Realtime) before the new page's data arrives, and a confirmation
    // opened on it would go with it.
    await page.waitForURL(/\?message=/);
    await page.locator('article[aria-label="Your message"]', { hasText: '/echo edited question' }).waitFor();
    await page.getByRole('group', { name: 'Versions of this message' }).getByText('2/2').waitFor();
    await expect(page.getByText('/echo second question', { exact: true }).count()).resolves.toBe(0);
    expect(await activeQuestion()).toBe('/echo edited question');

    // Deleting this version leaves the other one, shown, with no versions to switch between.
    const edited = page.locator('article[aria-label="Your message"]', { hasText: '/echo edited question' });
    await edited.getByRole('button', { name: 'Delete…' }).click();
    await edited.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.locator('article[aria-label="Your message"]', { hasText: '/echo second question' }).waitFor();
    await expect(page.getByRole('group', { name: 'Versions of this message' }).count()).resolves.toBe(0);
  });

  /** A new user's chat whose question has two versions (the second shown), in a first tab. */
  async function twoVersions(): Promise<{ email: string; first: Page }> {
    const email = newEmail('branches');
    const first = await e2e.newPage();
    await signUp(first, email);
    await addCustomKey(first, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(first, '/chat');
    await chooseModel(first, 'custom', 'fake-model');
    await composer(first).fill('/echo version one');
    await composer(first).press('Enter');
    await waitForChatPage(first);
    await first.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    const question = first.locator('article[aria-label="Your message"]').last();
    await question.getByRole('button', { name: 'Edit' }).click();
    await question.getByLabel('Edit message').fill('/echo version two');
    await question.getByRole('button', { name: 'Save & resend' }).click();
    await first.getByRole('group', { name: 'Versions of this message' }).getByText('2/2').waitFor({ timeout: 60_000 });
    return { email, first };
  }

  it('a second tab follows a branch switch made in the first (Realtime)', async () => {
    const { email, first } = await twoVersions();

    const second = await e2e.newPage();
    onTestFailed(async () => void (await screenshot(second, 'failed-branches-second-tab')));
    await openChatAs(second, email, new URL(first.url()).pathname, '/echo version two');

    await first.getByRole('button', { name: /Previous version/ }).click();
    // (The chat's title is the first question too: look in the messages.)
    const versionOne = (page: typeof first) => page.locator('article[aria-label="Your message"]', { hasText: '/echo version one' });
    await versionOne(first).waitFor();
    // The other tab shows the switched branch without a reload.
    await versionOne(second).waitFor({ timeout: 30_000 });
    await second.getByRole('group', { name: 'Versions of this message' }).getByText('1/2').waitFor();

    // A tab whose Realtime socket drops every row change follows a switch too: the database says
    // `branch` on the chat's channel with the commit, and the tab reads the session.
    const third = await e2e.newPage();
    const dropped = await dropRowChanges(third);
    onTestFailed(async () => void (await screenshot(third, 'failed-branches-third-tab')));
    await openChatAs(third, email, new URL(first.url()).pathname, '/echo version one');
    await first.getByRole('button', { name: /Next version/ }).click();
    const versionTwo = (page: typeof first) => page.locator('article[aria-label="Your message"]', { hasText: '/echo version two' });
    await versionTwo(first).waitFor();
    for (const page of [second, third]) {
      await versionTwo(page).waitFor({ timeout: 15_000 });
      await page.getByRole('group', { name: 'Versions of this message' }).getByText('2/2').waitFor();
    }
    expect(dropped()).toBeGreaterThan(0);
  });

  it('a question asked in another tab while this tab re-reads its branch stays shown when the older read answers', async () => {
    const email = newEmail('branches');
    const first = await e2e.newPage();
    onTestFailed(async () => void (await screenshot(first, 'failed-branches-reread')));
    await signUp(first, email);
    await addCustomKey(first, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    await open(first, '/chat');
    await chooseModel(first, 'custom', 'fake-model');
    await composer(first).fill('/echo the first question');
    await composer(first).press('Enter');
    await waitForChatPage(first);
    await first.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    await waitForLive(first);

    // Regenerate re-reads the branch when its answer ends (for ‹ 2/2 ›). Hold that read once the
    // server has answered it, until a question asked in another tab has shown here live.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holdNext = false;
    let answered: Promise<void> | undefined;
    await first.route(/\/api\/sessions\/[0-9a-f-]{36}\/messages\?limit=50$/, async (route) => {
      if (!holdNext) return route.continue();
      holdNext = false;
      answered = (async () => {
        const response = await route.fetch();
        await held;
        await route.fulfill({ response });
      })();
    });
    holdNext = true;
    await lastAnswer(first).getByRole('button', { name: 'Regenerate' }).click();
    await expect.poll(() => answered !== undefined, { timeout: 60_000 }).toBe(true);

    const second = await e2e.newPage();
    onTestFailed(async () => void (await screenshot(second, 'failed-branches-reread-second-tab')));
    await openChatAs(second, email, new URL(first.url()).pathname);
    await chooseModel(second, 'custom', 'fake-model');
    await composer(second).fill('/echo asked in the other tab');
    await composer(second).press('Enter');
    const asked = first.locator('article[aria-label="Your message"]', { hasText: '/echo asked in the other tab' });
    await asked.waitFor({ timeout: 30_000 });
    await first.locator('article[aria-label="Assistant message"][data-status="complete"]', { hasText: 'asked in the other tab' }).waitFor({ timeout: 60_000 });

    release();
    await answered;
    // The read shows the regenerated answer's ‹ 2/2 ›; the page applies it in its next tasks.
    await first.getByRole('group', { name: 'Versions of this answer' }).getByText('2/2').waitFor();
    await first.evaluate(() => new Promise((resolve) => setTimeout(resolve, 250)));
    await expect(asked.count()).resolves.toBe(1);
    await expect(lastAnswer(first).textContent()).resolves.toContain('asked in the other tab');
  });

  it('edit-and-resend shows the new version of the turn, and regenerate the new answer (older versions stay behind ‹ ›)', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await chooseModel(page, 'demo');
    await composer(page).fill('/echo first draft');
    await composer(page).press('Enter');
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor();
    await waitForChatPage(page);

    await page.locator('article[aria-label="Your message"]').getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Edit message').fill('/echo second thought');
    await page.getByRole('button', { name: 'Save & resend' }).click();
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]', { hasText: 'second thought' }).waitFor();
    await reload(page);
    await page.locator('article[aria-label="Assistant message"]', { hasText: 'second thought' }).waitFor();
    await expect(page.locator('article', { hasText: 'first draft' }).count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Regenerate' }).click();
    await page.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor();
    await reload(page);
    await page.locator('article[aria-label="Assistant message"]').first().waitFor();
    await expect(page.locator('article[aria-label="Assistant message"]').count()).resolves.toBe(1);
    await expect(page.locator('article[aria-label="Your message"]').count()).resolves.toBe(1);
  });
});
