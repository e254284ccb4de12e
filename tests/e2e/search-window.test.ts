// A Ctrl+K search hit far back in a long chat (thousands of messages) opens the chat on a window
// around it (scrolled to, lit), newer messages load as the reader scrolls down, "Jump to latest"
// shows the newest (a message that arrived meanwhile too) with the keyboard on the message box,
// leaving the window (Jump to latest, a send, paging down to the end) drops the hit from the
// address, each newer page comes below the last message read (the last page too, not skipped to
// the bottom), an answer asked for in another tab meanwhile waits below the window and shows
// complete after "Jump to latest", and an unknown message says so and opens at the latest.
// A word only a sent file holds finds the question that carried it, naming the file, its
// snippet shown as text (markup in the file stays text), and opens the chat on that question.
import postgres from 'postgres';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, drop } from './attachment-files.ts';
import { addCustomKey, chooseModel, composer, open, reload, screenshot, sendAndWait, seriousViolations, signUp, startE2E, waitForLive, type E2E } from './helpers.ts';

describe('search hits far back', { timeout: 180_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('search-window');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('a search hit thousands of messages back opens the chat on it, lit; newer messages load below it, "Jump to latest" goes back; a message not in the chat says so', async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 1280, height: 700 });
    const email = await signUp(page);
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    let sessionId: string;
    try {
      const [user] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
      [{ id: sessionId }] = await sql<{ id: string }[]>`
        insert into public.chat_sessions (user_id, title) values (${user.id}, 'Long search chat') returning id`;
      // 2,400 messages, oldest first; the 20th holds the word searched for (over 2,000 back: it opened at the newest with a note before).
      await sql`
        insert into public.messages (session_id, user_id, sender, content, created_at)
        select ${sessionId}, ${user.id}, case when i % 2 = 1 then 'user' else 'assistant' end,
               case when i = 20 then 'The needle word is xylophone-marmalade.' else 'long chat message ' || i end,
               now() - make_interval(secs => 3000 - i)
        from generate_series(1, 2400) as i`;
    } finally {
      await sql.end();
    }
    await open(page, '/chat');
    await page.keyboard.press('Control+k');
    await page.keyboard.type('xylophone');
    await page.getByRole('region', { name: 'Search results' }).getByRole('option', { name: /Long search chat/ }).click();
    await page.waitForURL(/\?message=/);
    const messages = page.getByTestId('messages');
    // It opened on the hit: shown, in view and marked.
    const hit = messages.locator('article[aria-current="true"]');
    await hit.getByText('The needle word is xylophone-marmalade.').waitFor();
    await expect(hit.count()).resolves.toBe(1);
    const inView = () => hit.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const view = el.closest('[data-testid="messages"]')!.getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom;
    });
    expect(await inView()).toBe(true);
    // A window around it: the messages before it, some after it, not the newest (thousands below).
    await expect(messages.getByText('long chat message 10', { exact: true }).count()).resolves.toBe(1);
    await expect(messages.getByText('long chat message 36', { exact: true }).count()).resolves.toBe(1);
    await expect(messages.getByText('long chat message 2400', { exact: true }).count()).resolves.toBe(0);
    // Numbered for screen readers by its place in the chat, not in the window, the count unsaid
    // while the newest messages are not read (QA 7: fifty articles alike, none numbered).
    await expect(described(hit)).resolves.toBe('Message 20');
    await expect(described(messages.getByRole('article', { name: 'Your message' }).filter({ hasText: 'long chat message 11' }))).resolves.toBe('Message 11');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'chat-search-landed');
    // Scrolling down reads the messages after the window, below it, the hit still there.
    await messages.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await messages.getByText('long chat message 37', { exact: true }).waitFor();
    await expect(hit.count()).resolves.toBe(1);
    // A message written meanwhile (another device) does not land below the window; "Jump to latest"
    // shows the newest messages with it, at the bottom.
    await page.locator('[data-testid="messages"][data-live="true"]').waitFor();
    const sql2 = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    try {
      await sql2`insert into public.messages (session_id, user_id, sender, content)
                 select ${sessionId}, user_id, 'user', 'written on another device' from public.chat_sessions where id = ${sessionId}`;
    } finally {
      await sql2.end();
    }
    const hitUrl = page.url();
    // From the keyboard: the button goes away, and the keyboard goes on to the message box (QA 5 #7: it fell to <body>).
    await page.getByRole('button', { name: 'Jump to latest' }).focus();
    await page.keyboard.press('Enter');
    await messages.getByText('written on another device', { exact: true }).waitFor();
    await expect(messages.getByText('long chat message 2400', { exact: true }).count()).resolves.toBe(1);
    await expect(messages.getByText('long chat message 37', { exact: true }).count()).resolves.toBe(0);
    await expect.poll(() => messages.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2)).toBe(true);
    // At the newest: each message of the page read is counted out of the whole chat.
    await expect(described(messages.locator('article').last())).resolves.toBe('Message 2401 of 2401');
    await expect(described(messages.getByRole('article', { name: 'Assistant message' }).filter({ hasText: 'long chat message 2400' }))).resolves.toBe('Message 2400 of 2401');
    await expect.poll(() => composer(page).evaluate((el) => el === document.activeElement)).toBe(true);
    // The address no longer names the hit (QA 5 #2): a reload stays at the newest, not back at the hit.
    await expect.poll(() => page.url()).toBe(new URL(`/chat/${sessionId}`, hitUrl).href);
    await reload(page);
    await messages.getByText('written on another device', { exact: true }).waitFor();
    await expect(messages.locator('article[aria-current]').count()).resolves.toBe(0);
    // Sending from the hit's window goes to the newest, and drops the hit from the address too.
    await open(page, new URL(hitUrl).pathname + new URL(hitUrl).search);
    await hit.waitFor();
    await composer(page).fill('Sent from the hit');
    await composer(page).press('Enter');
    await messages.getByText('Sent from the hit', { exact: true }).waitFor();
    await expect.poll(() => messages.locator('article').last().evaluate((el) => `${el.getAttribute('aria-label')} ${el.dataset.status}`), { timeout: 60_000 }).toBe('Assistant message complete');
    await expect.poll(() => page.url()).toBe(new URL(`/chat/${sessionId}`, hitUrl).href);
    // A message that is not in this chat (another id, or deleted): said, and the chat opens at its newest messages.
    await open(page, `/chat/${sessionId}?message=00000000-0000-4000-8000-000000000000`);
    await page.getByRole('status').getByText('That message is not in this chat').waitFor();
    await messages.getByText('long chat message 2400', { exact: true }).waitFor();
    await expect(messages.locator('article[aria-current]').count()).resolves.toBe(0);
  });

  /** An article's description (aria-describedby), as a screen reader hears it after its name. */
  const described = (article: ReturnType<Page['locator']>) =>
    article.evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim());

  /** A chat of `count` messages `<label> <i>` (oldest first, a question then an answer); its id and the id of message `hit`. */
  async function longChat(email: string, label: string, count: number, hit: number): Promise<{ sessionId: string; hitId: string }> {
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    try {
      const [user] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
      const [{ id: sessionId }] = await sql<{ id: string }[]>`
        insert into public.chat_sessions (user_id, title) values (${user.id}, ${label}) returning id`;
      await sql`
        insert into public.messages (session_id, user_id, sender, content, created_at)
        select ${sessionId}, ${user.id}, case when i % 2 = 1 then 'user' else 'assistant' end,
               ${label} || ' ' || i, now() - make_interval(secs => 3000 - i)
        from generate_series(1, ${count}::int) as i`;
      const [{ id: hitId }] = await sql<{ id: string }[]>`
        select id from public.messages where session_id = ${sessionId} and content = ${`${label} ${hit}`}`;
      return { sessionId, hitId };
    } finally {
      await sql.end();
    }
  }

  /** What the page's Realtime socket delivered, recorded once the app has handled each frame
   * (a task after its message event: realtime-js decodes and dispatches a frame in that event,
   * lib/serializer.js, and the DOM follows in its microtasks), so a journey can wait for a live
   * message to have reached the view; and, for a failure message, when each socket opened and
   * closed and the channels it joined and left. */
  async function recordHeardFrames(page: Page): Promise<void> {
    await page.addInitScript(() => {
      const heard: string[] = [];
      const events: string[] = [];
      Object.assign(window, { __heardFrames: heard, __socketEvents: events });
      const at = () => new Date().toISOString().slice(11, 23);
      // A broadcast comes as a text frame (sent over REST, or to a v1 socket) or as a binary user
      // broadcast (kind 4: sizes of topic, event and metadata, the payload's encoding, then
      // those fields; realtime-js lib/serializer.js), which the function's own joined channel
      // sends; both are recorded as JSON text, so `"delta"` finds the event either way.
      const readable = (data: unknown): string => {
        if (typeof data === 'string') return data;
        if (!(data instanceof ArrayBuffer)) return '';
        const bytes = new Uint8Array(data);
        const text = (from: number, to?: number) => new TextDecoder().decode(bytes.subarray(from, to));
        if (bytes[0] !== 4 || bytes.length < 5) return text(0);
        const [, topicSize, eventSize, metadataSize, encoding] = bytes;
        const eventAt = 5 + topicSize, payloadAt = eventAt + eventSize + metadataSize;
        const payload = encoding === 1 ? text(payloadAt) : JSON.stringify(`${bytes.length - payloadAt} bytes`);
        return `[null,null,${JSON.stringify(text(5, eventAt))},"broadcast",{"event":${JSON.stringify(text(eventAt, eventAt + eventSize))},"payload":${payload}}]`;
      };
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          this.addEventListener('open', () => events.push(`${at()} open`));
          this.addEventListener('close', (event: CloseEvent) => events.push(`${at()} close ${event.code} ${event.reason}`));
          this.addEventListener('message', (event: MessageEvent) => {
            const text = readable(event.data);
            setTimeout(() => heard.push(text));
          });
        }
        override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
          if (typeof data === 'string' && /"phx_(join|leave)"/.test(data)) events.push(`${at()} sent ${data.slice(0, 120)}`);
          super.send(data);
        }
      };
    });
  }
  /** The messages shown, oldest first: who wrote each, and its first 40 characters as written. */
  const shownMessages = (page: Page) => page.getByTestId('messages').locator('article').evaluateAll((articles) => articles.map((a) => {
    const text = a.querySelector('[data-testid="user-text"], .markdown')?.textContent?.trim() ?? '';
    return `${a.getAttribute('aria-label')}: ${text.slice(0, 40)}`;
  }));
  /** Waits for a frame holding every one of `parts`; one not heard fails with what the socket
   * did and what the stack logged about Realtime meanwhile. */
  const heardFrame = async (page: Page, ...parts: string[]) => {
    try {
      await page.waitForFunction((parts) => (window as unknown as { __heardFrames: string[] }).__heardFrames.some((f) => parts.every((p) => f.includes(p))), parts);
    } catch (error) {
      const seen = await page.evaluate(() => {
        const w = window as unknown as { __heardFrames: string[]; __socketEvents: string[] };
        return { count: w.__heardFrames.length, last: w.__heardFrames.slice(-8).map((f) => f.slice(0, 160)), sockets: w.__socketEvents };
      }).catch(() => null);
      const stack = e2e.logs.filter((line) => /realtime/i.test(line) && !line.includes('"msg":"request"')).slice(-20);
      throw new Error(`no frame with ${JSON.stringify(parts)} was heard (${String(error).split('\n')[0]}); ` +
        `the page heard ${seen?.count ?? '?'} frames, the last: ${JSON.stringify(seen?.last)}; its sockets: ${JSON.stringify(seen?.sockets)}; ` +
        `the stack logged about Realtime: ${JSON.stringify(stack)}`);
    }
  };

  it('an answer asked for in another tab while this one shows a window further back is not put in the window; "Jump to latest" shows it, complete and in order', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    await addCustomKey(page, e2e.slowProvider, `sk-e2e-${crypto.randomUUID()}`);
    const { sessionId, hitId } = await longChat(email, 'window message', 300, 100);
    // The other tab (the same person's, on the newest messages), ready to ask.
    const other = await e2e.newPage({ sameUserAs: page });
    await open(other, `/chat/${sessionId}`);
    await other.getByText('window message 300', { exact: true }).waitFor();
    await chooseModel(other, 'custom', 'fake-model');
    await waitForLive(other);

    await recordHeardFrames(page);
    await open(page, `/chat/${sessionId}?message=${hitId}`);
    const messages = page.getByTestId('messages');
    const hit = messages.locator('article[aria-current="true"]');
    await hit.getByText('window message 100', { exact: true }).waitFor();
    await waitForLive(page);
    const shown = () => shownMessages(page);
    const inWindow = await shown();
    expect(inWindow).toContain('Your message: window message 101');
    expect(inWindow).not.toContain('Assistant message: window message 300');

    // The other tab asks; its answer is held after its first token.
    const logsBefore = e2e.logs.length;
    const release = e2e.slowProvider.pauseAfterFirstToken();
    try {
      await composer(other).fill('Asked from the other tab');
      await composer(other).press('Enter');
      await expect.poll(() => other.locator('article[aria-label="Assistant message"][data-status="streaming"] .markdown').textContent().catch(() => ''), { timeout: 30_000 }).toContain('Here');
      // This tab has heard the question's row, the answer's row and its first text, and shows none
      // of them: the window is as it was, nothing below the messages after the hit.
      await heardFrame(page, 'postgres_changes', 'Asked from the other tab');
      await heardFrame(page, 'postgres_changes', '"streaming"');
      // Live text is best effort (supabase/functions/api/lib/realtime-outbox.ts): a broadcast
      // request that fails twice is logged and its units dropped, and a device notices the gap at
      // the next one. Only such a logged drop excuses a first text not heard.
      await heardFrame(page, '"delta"', 'Here').catch((error: unknown) => {
        if (!e2e.logs.slice(logsBefore).some((line) => /realtime broadcast queue full|realtime broadcast failed.*"dropped":[1-9]/.test(line))) throw error;
      });
      expect(await shown()).toEqual(inWindow);
      // Nor does it take them for rows Realtime failed to bring, the view's grace for which is 2 s
      // (lib/chat/unseen-answers.ts): it heard them, and leaves them below the window.
      await page.waitForTimeout(2_500);
      expect(e2e.logs.slice(logsBefore).filter((line) => line.includes('Realtime did not bring the rows'))).toEqual([]);
      await expect(page.getByRole('button', { name: 'Jump to latest' }).count()).resolves.toBe(1);

      // "Jump to latest": the newest messages, the question and its answer (still being written) last.
      await page.getByRole('button', { name: 'Jump to latest' }).click();
      await messages.getByText('Asked from the other tab', { exact: true }).waitFor();
      await messages.locator('article[aria-label="Assistant message"][data-status="streaming"]').waitFor();
    } finally {
      release();
    }
    // It goes on here to its end: whole, once, after its question, after the chat's last message.
    const answer = messages.locator('article[aria-label="Assistant message"]').last();
    await expect.poll(() => answer.getAttribute('data-status'), { timeout: 60_000 }).toBe('complete');
    const sql = postgres(e2e.stack.dbUrl, { max: 1, onnotice: () => {} });
    let stored: string;
    try {
      [{ content: stored }] = await sql<{ content: string }[]>`
        select content from public.messages where session_id = ${sessionId} and sender = 'assistant' and status = 'complete' order by created_at desc limit 1`;
    } finally {
      await sql.end();
    }
    await expect(answer.locator('.markdown p').first().textContent()).resolves.toBe(stored.split('\n\n')[0]);
    await expect(answer.locator('pre code').textContent()).resolves.toContain('console.log');
    const latest = await shown();
    expect(latest.slice(-3)).toEqual(['Assistant message: window message 300', 'Your message: Asked from the other tab', `Assistant message: ${stored.slice(0, 40)}`]);
    expect(latest.filter((text) => text.includes('Asked from the other tab'))).toHaveLength(1);
    expect(latest).not.toContain('Your message: window message 101');
  });

  it('paging down from a search hit to the newest messages drops the hit from the address and "Jump to latest"; a reload opens at the newest', async () => {
    const page = await e2e.newPage();
    const email = await signUp(page);
    const { sessionId, hitId } = await longChat(email, 'paged message', 160, 70);
    await open(page, `/chat/${sessionId}?message=${hitId}`);
    const messages = page.getByTestId('messages');
    await messages.locator('article[aria-current="true"]').getByText('paged message 70', { exact: true }).waitFor();
    const jump = page.getByRole('button', { name: 'Jump to latest' });
    await expect(jump.count()).resolves.toBe(1);
    const start = Number(/paged message (\d+)$/.exec((await shownMessages(page))[0]!)![1]);

    // One page further down: still a window further back, the hit still named and Jump to latest still there.
    await messages.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.getByText('Loading newer messages…').waitFor({ state: 'detached' });
    await expect.poll(() => messages.locator('article').count()).toBeGreaterThan(50);
    expect(new URL(page.url()).searchParams.get('message')).toBe(hitId);
    await expect(jump.count()).resolves.toBe(1);

    // Down to the end, a page at a time: each page comes below the last message read, and the
    // reader stays there to read on (the last page too: it is not skipped to the bottom).
    for (;;) {
      const read = await shownMessages(page);
      const last = Number(/(\d+)$/.exec(read.at(-1)!)![1]);
      if (last === 160) break;
      await messages.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await expect.poll(async () => (await shownMessages(page)).length).toBeGreaterThan(read.length);
      await page.getByText('Loading newer messages…').waitFor({ state: 'detached' });
      const next = messages.getByText(`paged message ${last + 1}`, { exact: true });
      await expect.poll(() => next.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const view = el.closest('[data-testid="messages"]')!.getBoundingClientRect();
        return box.top >= view.top && box.top < view.bottom;
      }), { message: `paged message ${last + 1}, below the last one read, is in view` }).toBe(true);
    }
    expect((await shownMessages(page)).map((text) => text.replace(/^.*: /, ''))).toEqual(Array.from({ length: 161 - start }, (_, i) => `paged message ${start + i}`));
    // The address no longer names the hit; "Jump to latest" stays while the reader is above the
    // newest messages, and goes once they are at the bottom.
    await expect.poll(() => page.url()).toBe(new URL(`/chat/${sessionId}`, page.url()).href);
    await expect.poll(() => jump.count()).toBe(1);
    await messages.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(() => jump.count()).toBe(0);

    // A reload opens the chat at its newest messages, not back at the hit.
    await reload(page);
    await messages.getByText('paged message 160', { exact: true }).waitFor();
    await expect(messages.locator('article[aria-current]').count()).resolves.toBe(0);
    await expect(messages.getByText('paged message 70', { exact: true }).count()).resolves.toBe(0);
    await expect.poll(() => messages.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2)).toBe(true);
    await expect(jump.count()).resolves.toBe(0);
  });

  it("a word only in a sent file finds the question that carried it: the file's name and its words as text, and the chat opens on the question", async () => {
    const page = await e2e.newPage();
    await page.setViewportSize({ width: 1280, height: 700 });
    await signUp(page);
    await chooseModel(page, 'demo');
    await drop(page, [['agenda.txt', 'text/plain', b64('Item one: the quincunx budget. <b>Bold</b> <img src=x onerror="window.pwned=1"> Item two: lunch.')]]);
    const tray = page.getByTestId('attachment-tray');
    await expect.poll(() => tray.getByTestId('attachment-chip').count()).toBe(1);
    await expect.poll(() => tray.locator('progress').count(), { timeout: 30_000 }).toBe(0);
    await sendAndWait(page, 'Please read the attached file', 0);

    await open(page, '/chat');
    await page.keyboard.press('Control+k');
    // The file's tags are markup to the parser, not words: its own words are what is found.
    await page.keyboard.type('quincunx');
    const results = page.getByRole('region', { name: 'Search results' });
    const option = results.getByRole('option').filter({ hasText: 'in agenda.txt:' });
    await option.waitFor();
    await expect(option.getByTestId('search-hit-file').textContent()).resolves.toBe('in agenda.txt: ');
    await expect(option.locator('mark').allTextContents()).resolves.toEqual(['quincunx']);
    // The file's markup is its text: no element made of it, nothing run.
    await expect(results.locator('b, img').count()).resolves.toBe(0);
    await expect(option.textContent()).resolves.toContain('quincunx budget');
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await screenshot(page, 'chat-search-file-hit');
    await option.click();
    await page.waitForURL(/\?message=/);
    await page.getByTestId('messages').locator('article[aria-current="true"]').getByText('Please read the attached file').waitFor();
  });
});
