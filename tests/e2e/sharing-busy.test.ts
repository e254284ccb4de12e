// A class behind one address reading a teacher's shared chat and public prompts (QA18 #1): they
// share one bucket of signed-out reads. An older page costs one read, hovered with a mouse or
// not; a refusal while paging back keeps what was loaded, says when it tries again and does; a
// first open refused says when to try again and offers that, not signing in; a public prompt's
// library address costs one read. The bucket barely refills here, and is emptied or filled
// through the database to make each moment.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrompt } from './prompt-helpers.ts';
import { chooseModel, composer, open, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';

const CAPACITY = 300; // the default PUBLIC_READ_RATE_CAPACITY

describe('a class reading a shared chat from one address', { timeout: 180_000 }, () => {
  let e2e: E2E;
  let sql: postgres.Sql;
  beforeAll(async () => {
    e2e = await startE2E('sharing-busy', { functionEnv: { PUBLIC_READ_RATE_REFILL_PER_SECOND: '0.001' } });
    sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await e2e?.stop();
  });

  /** The tokens left in the browsers' address's bucket (every page here comes from 127.0.0.1). */
  async function tokensLeft(): Promise<number> {
    const [row] = await sql<{ tokens: string }[]>`select tokens::text from private.address_rate_limit_buckets where bucket = 'public_reads'`;
    return row ? Number(row.tokens) : CAPACITY;
  }
  async function setTokens(tokens: number): Promise<void> {
    await sql`update private.address_rate_limit_buckets set tokens = ${tokens}, refilled_at = now() where bucket = 'public_reads'`;
  }

  /** A chat of `extra` + 2 messages, shared; its link. */
  async function sharedLesson(extra: number): Promise<string> {
    const owner = await e2e.newPage();
    const email = await signUp(owner);
    await open(owner, '/chat');
    await chooseModel(owner, 'demo');
    await composer(owner).fill('Lesson start');
    await composer(owner).press('Enter');
    await waitForChatPage(owner);
    await owner.locator('article[aria-label="Assistant message"][data-status="complete"]').waitFor({ timeout: 60_000 });
    const sessionId = new URL(owner.url()).pathname.split('/').at(-1)!;
    const [user] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
    await sql`
      insert into public.messages (session_id, user_id, sender, content, created_at)
      select ${sessionId}, ${user!.id}, case when i % 2 = 1 then 'user' else 'assistant' end, 'lesson line ' || i, clock_timestamp()
      from generate_series(1, ${extra}) as i`;
    await owner.getByRole('button', { name: 'Share' }).click();
    await owner.getByRole('button', { name: 'Create link' }).click();
    return owner.getByLabel('Share link').inputValue();
  }

  it('paging back costs one read a page; refused, it keeps what is shown, says when it tries again, and does', async () => {
    const link = await sharedLesson(120); // pages of 50: 50, 50, 22
    await setTokens(CAPACITY);
    const student = await e2e.newPage();
    await open(student, link);
    const shown = student.getByRole('list', { name: 'Messages' });
    const items = shown.locator(':scope > li');
    await shown.getByText('lesson line 120', { exact: true }).waitFor();

    // A mouse hovers before it clicks (long enough for the app's hover preload): the hover reads
    // nothing, the click one page.
    const before = await tokensLeft();
    const older = student.getByRole('link', { name: 'Older messages' });
    await older.hover();
    await student.waitForTimeout(500);
    await student.mouse.move(0, 0);
    await older.hover();
    await student.waitForTimeout(500);
    await older.click();
    await expect.poll(() => items.count()).toBe(100);
    await student.waitForTimeout(500); // a read still on its way is counted too
    expect(before - (await tokensLeft())).toBeCloseTo(1, 1);
    // The page's timers from here on are the test's: its wait before trying again is run through.
    await student.clock.install();

    // The class has emptied the bucket: the next page is refused, and the 100 messages stay.
    await setTokens(0);
    await older.click();
    const refused = student.getByTestId('older-refused');
    await expect(refused.textContent()).resolves.toMatch(/Many people on your network are reading right now — trying again in \d+ s\./);
    // A screen reader is told once that it will try again, not each second of the countdown.
    await expect(refused.getByRole('status').textContent()).resolves.toBe('Many people on your network are reading right now — trying again shortly.');
    expect(await items.count()).toBe(100);
    await expect(shown.getByText('lesson line 120', { exact: true }).isVisible()).resolves.toBe(true);
    expect(new URL(student.url()).search).toBe('');

    // Once there are reads again, the page tries by itself after its wait.
    await setTokens(CAPACITY);
    await student.clock.runFor(95_000);
    await shown.getByText('Lesson start', { exact: true }).waitFor();
    await expect.poll(() => items.count()).toBe(122);
    await expect.poll(() => student.getByRole('link', { name: 'Older messages' }).count()).toBe(0);
    expect(await refused.count()).toBe(0);
  });

  it('a first open refused says when to try again and offers that, not signing in', async () => {
    const link = await sharedLesson(2);
    await setTokens(0);
    const student = await e2e.newPage();
    expect((await student.goto(link))?.status()).toBe(429);
    const main = student.getByRole('main');
    await main.getByRole('heading', { name: 'Busy right now' }).waitFor();
    await expect(main.getByText(/Many people on your network are reading right now\. Try again in \d+ s\./).count()).resolves.toBe(1);
    expect(await main.getByRole('link', { name: /Sign in/ }).count()).toBe(0);
    await setTokens(CAPACITY);
    await main.getByRole('link', { name: 'Try again' }).click();
    await student.getByRole('list', { name: 'Messages' }).getByText('lesson line 2', { exact: true }).waitFor();
  });

  it("a public prompt opened at its library address signed out costs one read", async () => {
    const teacher = await e2e.newPage();
    await signUp(teacher);
    await createPrompt(teacher, { title: 'Worksheet', content: 'Explain {{topic}} for grade {{grade:number|7}}.', isPublic: true });
    const id = teacher.url().split('/').pop()!;
    await setTokens(CAPACITY);
    const student = await e2e.newPage();
    const before = await tokensLeft();
    await open(student, `/prompts/${id}`);
    expect(new URL(student.url()).pathname).toBe(`/p/${id}`);
    await expect(student.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Worksheet');
    expect(before - (await tokensLeft())).toBeCloseTo(1, 1);
  });
});
