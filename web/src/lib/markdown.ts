// Renders untrusted assistant markdown to safe HTML: marked → highlight.js for code → KaTeX
// for math → DOMPurify (its passes in lib/answer-sanitise.ts). Browser-only (DOMPurify needs a
// DOM); callers show plain text until then.
// Images are never loaded: a model (or a prompt injection in what it read) could put chat
// content into an image URL and the browser would send it off the moment it renders.
// Markdown images become plain links, raw <img> and other media are removed, and the
// app's Content-Security-Policy (img-src 'self' data:) backs both up.
//
// Math: `$…$`, `$$…$$` and LaTeX's own `\(…\)` and `\[…\]`, which OpenAI's models write.
// KaTeX's output needs inline styles, MathML and SVG, which the answer's own HTML may never
// carry (a style attribute could lay a fake dialog over the page),
// so formulas are not part of the HTML that is sanitised: marked leaves an empty placeholder
// whose class holds a per-page random nonce (text in an answer cannot forge it), the answer is
// sanitised strictly, and each placeholder is then replaced by KaTeX's rendering of that
// formula, sanitised on its own with MathML, SVG and styles allowed. KaTeX runs without trust
// (no \href, \includegraphics, \htmlStyle…) and with sizes and macro expansion capped
// (https://katex.org/docs/security); `.markdown` clips what a formula draws to the message.
// KaTeX itself is loaded the first time a formula is shown (lib/math.ts); until then a formula
// shows its TeX.
//
// Each message has a budget for math (MATH_BUDGET): KaTeX's output is ~100–160 bytes of HTML per
// TeX character, and all of it is drawn, sanitised and laid out at once on the main thread — a
// 100 kB answer of five long formulas froze the tab 15–26 s (audit W4). Formulas past the budget,
// and any that defines macros, show their TeX as code: nothing is lost, nothing costs more than
// the budget.
//
// Invisible and bidirectional control characters in the answer's text (prose, code, link text,
// tooltips) are replaced by visible markers after sanitising (lib/invisible-chars.ts), so a
// right-to-left override cannot make `admin\u202Egpj.exe` read as "adminexe.jpg".
//
// Direction: each block of an answer (paragraph, list item, heading, quote, table cell…) takes
// it from its own text (`dir="auto"`, blockDirection), so a Hebrew or Arabic paragraph is laid
// out and aligned right to left beside an English one, as in ChatGPT and Open WebUI; code blocks
// stay left to right. The answer's own `dir` is never kept (it could say `rtl` over Latin text):
// the sanitiser drops it and writes these by tag name (QA 5 #1).
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/common';
import type { KatexOptions } from 'katex';
import { Marked, Renderer, type TokenizerAndRendererExtension } from 'marked';
import { addLinkHook, MATH_SANITIZE_OPTIONS, PLACEHOLDER, rendersHidden, sanitiseAnswer, sanitiseAssembled } from './answer-sanitise.ts';
import { findHidden, markHiddenIn, showHidden } from './invisible-chars.ts';
import { mathBlockTokenizer, mathInlineTokenizer, type MathToken } from './markdown-math.ts';

export { answerClasses, blockDirection, MATH_SANITIZE_OPTIONS, rendersHidden, SANITIZE_OPTIONS } from './answer-sanitise.ts';

/** KaTeX settings for TeX from an untrusted model (https://katex.org/docs/options). */
export const KATEX_OPTIONS: KatexOptions = {
  throwOnError: false, // a formula KaTeX cannot parse shows its source, in the error colour
  trust: false,
  maxSize: 10, // ems: \rule{500em}{500em} is drawn 10em at most (positive sizes only: see drawsTooTall)
  maxExpand: 500,
  strict: 'ignore',
  output: 'htmlAndMathml', // MathML is what screen readers read
};

/**
 * The most a formula may reach up or down, in ems (~1,600 px): an 80-row matrix is ~98em.
 * KaTeX's maxSize caps only positive sizes: `\raisebox{-100000em}{x}` (or `\rule[-100000em]`,
 * or either inside `\vphantom`) is written `height:100000em; vertical-align:-100000em`, which
 * made an answer ~1.9 M px tall (security review 6 #4). Widths are not counted: KaTeX's own
 * `\sqrt` and stretchy arrows are 400em wide, clipped, and `.markdown` clips what a formula draws
 * sideways to its message.
 */
export const MAX_FORMULA_EMS = 100;
const VERTICAL = /(?:^|;)\s*(height|min-height|max-height|vertical-align|top|bottom|margin-top|margin-bottom|padding-top|padding-bottom|border-top-width|border-bottom-width)\s*:\s*([^;]*)/gi;

/** Whether KaTeX's HTML reaches further up or down than MAX_FORMULA_EMS anywhere (its inline styles). */
export function drawsTooTall(html: string): boolean {
  for (const [, style] of html.matchAll(/\sstyle="([^"]*)"/g)) {
    for (const [, , value] of style!.matchAll(VERTICAL)) {
      for (const [, n] of value!.matchAll(/([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)em/gi)) {
        if (!(Math.abs(Number(n)) <= MAX_FORMULA_EMS)) return true;
      }
    }
  }
  return false;
}

export interface Formula {
  tex: string;
  display: boolean;
}

/**
 * What KaTeX may draw per message. Formulas count in the order they appear, so while an answer
 * streams in, what was drawn stays drawn; one that does not fit shows as code, and later, smaller
 * ones are still drawn until a limit is reached. The limits sit above a math-heavy answer (240
 * formulas and a 20-line derivation, ~5,000 characters); the costliest message within them
 * (~1 MB of KaTeX's HTML) renders in ~0.3 s in headless Chromium, where the audit's 100 kB
 * answer took 5 s.
 */
export const MATH_BUDGET = {
  /** Formulas drawn per message. */
  formulas: 300,
  /** TeX characters of one formula (a 20-line aligned derivation is about 1,700). */
  formulaChars: 3_000,
  /** TeX characters of all the formulas drawn in a message. */
  chars: 6_000,
};

/**
 * A macro definition (`\def`, `\newcommand`…; not `\\def`, a line break then "def"). KaTeX counts
 * each expansion against maxExpand whatever its size, so one definition multiplies the TeX
 * without bound: `\def\a{x…(1,000)}` then `\a` × 400, 1.8 kB in all, took 55 s to render in
 * Node. The budget counts characters, so definitions are not drawn at all.
 */
const DEFINES_MACRO = /(?<!\\)(?:\\\\)*\\(?:[gex]?def|let|futurelet|global|long|newcommand|renewcommand|providecommand)(?![a-zA-Z])/;

/** The formulas of the parse in progress (marked parses synchronously), and their TeX's length. */
let formulas: Formula[] = [];
let formulaChars = 0;

/** A formula to draw (its placeholder), or its TeX as code once past the budget. */
function placeholder(tex: string, display: boolean, block = false): string {
  const fits =
    formulas.length < MATH_BUDGET.formulas &&
    tex.length <= MATH_BUDGET.formulaChars &&
    formulaChars + tex.length <= MATH_BUDGET.chars &&
    !DEFINES_MACRO.test(tex) &&
    findHidden(tex).length === 0; // KaTeX would draw a \text{…} with it acting unseen
  if (!fits) return block ? `<pre><code class="language-latex">${escapeHtml(tex)}</code></pre>\n` : `<code>${escapeHtml(tex)}</code>`;
  formulaChars += tex.length;
  const index = formulas.push({ tex, display }) - 1;
  const html = `<span class="${PLACEHOLDER}${index}"></span>`;
  return block ? `<p>${html}</p>\n` : html;
}

const mathBlock: TokenizerAndRendererExtension = {
  ...mathBlockTokenizer,
  renderer: (token) => placeholder((token as MathToken).text, true, true),
};

const mathInline: TokenizerAndRendererExtension = {
  ...mathInlineTokenizer,
  renderer: (token) => placeholder((token as MathToken).text, (token as MathToken).displayMode),
};

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    image({ href, title, text }) {
      const label = escapeHtml(text || title || href);
      return `<a href="${escapeHtml(href)}">${label}</a>`;
    },
    code({ text, lang }) {
      const language = lang && hljs.getLanguage(lang) ? lang : undefined;
      const html = language
        ? hljs.highlight(text, { language, ignoreIllegals: true }).value
        : hljs.highlightAuto(text).value;
      const cls = `hljs${language ? ` language-${language}` : ''}`;
      return `<pre><code class="${cls}">${html}</code></pre>\n`;
    },
    // A table wider than the message scrolls inside it instead of pushing the page sideways.
    table(token) {
      return `<div class="table-scroll">${Renderer.prototype.table.call(this, token)}</div>\n`;
    },
  },
});
marked.use({ extensions: [mathBlock, mathInline] });

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * What an answer marked cannot parse shows: its text, escaped, line breaks kept. marked
 * recurses once per level of nesting — blockquotes (`>` × 3,000, about 1k tokens), list
 * markers on one line (`- - - …`), emphasis (`*` × 3,000 … `*` × 3,000) — and a few thousand
 * levels exhaust the stack (RangeError). Bounding each form before parsing would miss the
 * next one; catching keeps the one message readable and the page up, whatever the text.
 */
export function plainTextHtml(source: string): string {
  return `<p class="whitespace-pre-wrap">${escapeHtml(source)}</p>\n`;
}

/** Markdown to HTML before sanitising, with a placeholder for each formula (images already links). */
export function parseMarkdown(source: string): { html: string; formulas: Formula[] } {
  formulas = [];
  formulaChars = 0;
  try {
    return { html: marked.parse(source, { async: false }), formulas };
  } catch {
    return { html: plainTextHtml(source), formulas: [] };
  } finally {
    formulas = [];
  }
}

/** Markdown to HTML before sanitising (images already turned into links). */
export function markdownToHtml(source: string): string {
  return parseMarkdown(source).html;
}

let katex: typeof import('katex').default | null = null;
let loading: Promise<void> | null = null;

/** Loads KaTeX once; resolves when formulas can be drawn (or never will: the load failed). */
function loadKatex(): Promise<void> {
  loading ??= import('./math.ts').then(
    (math) => {
      katex = math.katex;
    },
    () => {},
  );
  return loading;
}

/**
 * Rendered formulas, newest last: a streaming answer re-renders the same ones every frame. Bounded
 * in count and in size (a 3,000-character formula renders to ~0.5 MB): a message's whole budget
 * (~1 MB of HTML) fits, a chat full of long formulas does not pile up.
 */
const rendered = new Map<string, string>();
const RENDERED_MAX = 500;
const RENDERED_MAX_CHARS = 4_000_000;
let renderedChars = 0;

/** KaTeX's HTML for a formula (before sanitising), or its TeX as code when it may not be drawn. */
export function katexHtml(renderer: typeof import('katex').default, { tex, display }: Formula): string {
  try {
    const raw = renderer.renderToString(tex, { ...KATEX_OPTIONS, displayMode: display });
    // `\char"202E` draws a character the TeX does not hold literally: shown as code instead.
    if (rendersHidden(raw)) return `<code>${escapeHtml(tex)}</code>`;
    // A size past what any answer needs (a negative one, which maxSize does not cap): as code.
    if (drawsTooTall(raw)) return `<code>${escapeHtml(tex)}</code>`;
    return raw;
  } catch {
    return `<code>${escapeHtml(tex)}</code>`; // throwOnError is off; this is for anything else
  }
}

function formulaHtml({ tex, display }: Formula): string {
  if (!katex) return `<span class="math-pending">${escapeHtml(tex)}</span>`;
  const key = (display ? 'D' : 'I') + tex;
  let html = rendered.get(key);
  if (html === undefined) {
    html = DOMPurify.sanitize(katexHtml(katex, { tex, display }), { ...MATH_SANITIZE_OPTIONS, RETURN_TRUSTED_TYPE: false });
  } else {
    rendered.delete(key);
    renderedChars -= html.length;
  }
  rendered.set(key, html);
  renderedChars += html.length;
  for (const [oldest, old] of rendered) {
    if (rendered.size <= RENDERED_MAX && renderedChars <= RENDERED_MAX_CHARS) break;
    rendered.delete(oldest);
    renderedChars -= old.length;
  }
  return html;
}

/**
 * Returns sanitised HTML, or null when no DOM is available (server render). An answer with
 * formulas before KaTeX has loaded shows their TeX, and `onMathLoaded` is called once it has:
 * render again then.
 */
export function renderMarkdown(source: string, onMathLoaded?: () => void): string | null {
  if (!DOMPurify.isSupported) return null;
  addLinkHook(DOMPurify);
  try {
    return renderSanitised(source, onMathLoaded);
  } catch {
    // Nothing an answer holds may take the page down: at worst it shows as its plain text.
    return sanitiseAnswer(plainTextHtml(showHidden(source)), { RETURN_TRUSTED_TYPE: false });
  }
}

function renderSanitised(source: string, onMathLoaded?: () => void): string {
  const { html, formulas: found } = parseMarkdown(source);
  if (found.length === 0) {
    const clean = sanitiseAnswer(html, { RETURN_TRUSTED_TYPE: false });
    // The serialised HTML holds each character literally (an entity like &#x202E; is decoded by now).
    if (findHidden(clean).length === 0) return clean;
  } else if (!katex && onMathLoaded) void loadKatex().then(() => katex && onMathLoaded());
  const body = sanitiseAnswer(html, { RETURN_DOM_FRAGMENT: true });
  // Before the formulas go in: KaTeX's own HTML holds zero-width spaces (a Safari workaround), and
  // a formula whose TeX has a hidden character is shown as code (placeholder), so it is marked here.
  markHiddenIn(body);
  for (const slot of body.querySelectorAll(`span[class^="${PLACEHOLDER}"]`)) {
    const formula = found[Number(slot.getAttribute('class')!.slice(PLACEHOLDER.length))];
    const math = document.createElement('template');
    if (formula) math.innerHTML = formulaHtml(formula);
    slot.replaceWith(math.content);
  }
  const out = document.createElement('div');
  out.append(body);
  // The pieces were sanitised apart and put together as DOM: the string the page will parse is
  // sanitised once more as a whole (the answer's own markup has no style left to keep by now).
  return sanitiseAssembled(out.innerHTML);
}
