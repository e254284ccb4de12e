// The sanitiser passes of lib/markdown.ts (DOMPurify, https://github.com/cure53/DOMPurify): the
// answer's own markup, kept to plain HTML with only the classes the app's pipeline writes; KaTeX's
// output on its own; and the assembled answer once more as a whole. Blocks get the app's own
// `dir` as they pass (blockDirection), links a new tab that cannot reach back.
import DOMPurify, { type Config } from 'dompurify';
import { findHidden } from './invisible-chars.ts';

/** The formula placeholder class's prefix: random per page load, so an answer cannot write one. */
export const PLACEHOLDER = `mrp-math-${Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('')}-`;

let hooked = false;
/** Set while the answer's own markup is sanitised (answerClasses applies then only). */
let sanitisingAnswer = false;
/** Set while an answer's HTML is sanitised (not a formula's alone): blockDirection applies. */
let directing = false;

const AUTO_DIRECTION = new Set(['P', 'LI', 'UL', 'OL', 'DL', 'DT', 'DD', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'TABLE', 'CAPTION', 'TH', 'TD', 'SUMMARY', 'FIGCAPTION']);

/**
 * The `dir` an element of a rendered answer gets, whatever the answer wrote: `auto` on blocks of
 * text (their direction follows their first strong letter: Hebrew and Arabic read right to left),
 * `ltr` on code blocks (code reads left to right in any language), none elsewhere (inline text
 * follows its block; the sanitiser drops the answer's own `dir`).
 */
export function blockDirection(tag: string): 'auto' | 'ltr' | undefined {
  const name = tag.toUpperCase();
  if (name === 'PRE') return 'ltr';
  return AUTO_DIRECTION.has(name) ? 'auto' : undefined;
}

/**
 * The classes of an answer's element that it keeps: only those the app's own pipeline writes —
 * highlight.js's on code (`hljs`, `language-…`, `hljs-…` and its sub-scopes like `function_`),
 * the table wrapper, the plain-text fallback and the formula placeholders. Any other class is
 * dropped: the app's stylesheet holds Tailwind's utilities, and `fixed inset-0 z-50 bg-zinc-950`
 * in an answer drew a full-page fake sign-in over the app and over a shared link's page
 * (security review 5, #1); `invisible-char sr-only` forged a marker Copy turned back into U+202E (#2).
 */
export function answerClasses(tag: string, value: string): string {
  const allowed = (name: string) => {
    switch (tag.toUpperCase()) {
      case 'CODE':
        return name === 'hljs' || /^language-[\w#+.-]+$/.test(name);
      case 'SPAN':
        return /^hljs-[\w-]+$/.test(name) || /^[a-z]+_+$/.test(name) || /^language-[\w#+.-]+$/.test(name) || name.startsWith(PLACEHOLDER);
      case 'DIV':
        return name === 'table-scroll';
      case 'P':
        return name === 'whitespace-pre-wrap';
      default:
        return false;
    }
  };
  return value.split(/\s+/).filter((name) => name && allowed(name)).join(' ');
}

/** Links open in a new tab and can't reach back into this one; the answer's classes are filtered. */
export function addLinkHook(purify: typeof DOMPurify) {
  if (hooked) return;
  hooked = true;
  purify.addHook('uponSanitizeAttribute', (node, data) => {
    if (!sanitisingAnswer || data.attrName !== 'class') return;
    data.attrValue = answerClasses(node.nodeName, data.attrValue);
    if (!data.attrValue) data.keepAttr = false;
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    const dir = directing && node.tagName ? blockDirection(node.tagName) : undefined;
    if (dir) node.setAttribute('dir', dir);
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

/**
 * Sanitiser options for the answer's own markup: plain HTML only — no SVG/MathML, forms, styles
 * or event handlers, and nothing that reaches outside the message or changes what the text shows
 * or reads as: no `id`/`name` (the app's own ids), `hidden`, `popover`/`popovertarget`/`command`,
 * `inert`, `tabindex`, `slot`/`part`, ARIA or `role` (what a screen reader reads stays what is
 * shown), `dir` and <bdo> (a right-to-left override without the character), <dialog> (open, it
 * is positioned over the page), form controls and <marquee>. Classes: answerClasses. Blocks get
 * a `dir` of the app's own afterwards (blockDirection).
 */
export const SANITIZE_OPTIONS: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'img', 'picture', 'source', 'video', 'audio', 'track', 'image',
    'dialog', 'bdo', 'fieldset', 'legend', 'label', 'output', 'meter', 'progress', 'datalist', 'optgroup', 'option', 'marquee', 'blink', 'slot', 'template', 'menu', 'menuitem', 'search',
  ],
  FORBID_ATTR: [
    'style', 'srcset', 'poster', 'background',
    'id', 'name', 'hidden', 'popover', 'popovertarget', 'popovertargetaction', 'command', 'commandfor', 'inert', 'tabindex', 'slot', 'part', 'exportparts', 'role', 'dir', 'for', 'draggable', 'accesskey', 'autofocus', 'contenteditable', 'nonce',
  ],
  ALLOW_ARIA_ATTR: false,
  ALLOW_DATA_ATTR: false,
};

/** The answer's own markup, sanitised with SANITIZE_OPTIONS and its classes filtered (answerClasses). */
export function sanitiseAnswer(html: string, options: { RETURN_DOM_FRAGMENT: true }): DocumentFragment;
export function sanitiseAnswer(html: string, options: { RETURN_TRUSTED_TYPE: false }): string;
export function sanitiseAnswer(html: string, options: Config): string | DocumentFragment {
  sanitisingAnswer = directing = true;
  try {
    return DOMPurify.sanitize(html, { ...SANITIZE_OPTIONS, ...options }) as string | DocumentFragment;
  } finally {
    sanitisingAnswer = directing = false;
  }
}

/** The answer with its formulas in place: what either pass allowed (links, MathML, SVG, styles). */
const ASSEMBLED_SANITIZE_OPTIONS = {
  USE_PROFILES: { html: true, mathMl: true, svg: true },
  FORBID_TAGS: [...(SANITIZE_OPTIONS.FORBID_TAGS ?? []), 'use'],
  FORBID_ATTR: [...(SANITIZE_OPTIONS.FORBID_ATTR ?? []).filter((name) => name !== 'style'), 'xlink:href'],
  ALLOW_DATA_ATTR: false,
} satisfies Config;

/**
 * The answer put together (its markup and the formulas, sanitised apart and joined as DOM), as the
 * string the page will parse: sanitised once more as a whole, blocks directed.
 */
export function sanitiseAssembled(html: string): string {
  directing = true;
  try {
    return DOMPurify.sanitize(html, { ...ASSEMBLED_SANITIZE_OPTIONS, RETURN_TRUSTED_TYPE: false });
  } finally {
    directing = false;
  }
}

/** For KaTeX's own output only: its MathML, SVG (tall roots, stretchy arrows) and inline styles — no links. */
export const MATH_SANITIZE_OPTIONS: Config = {
  ...ASSEMBLED_SANITIZE_OPTIONS,
  FORBID_TAGS: [...ASSEMBLED_SANITIZE_OPTIONS.FORBID_TAGS, 'a'],
  FORBID_ATTR: [...ASSEMBLED_SANITIZE_OPTIONS.FORBID_ATTR, 'href'],
};

/**
 * Whether KaTeX's rendering of a formula shows a hidden character (lib/invisible-chars.ts):
 * `\text{admin\char"202Egpj.exe}` reads "adminexe.jpg" though its TeX holds no such character,
 * so placeholder() cannot see it (security review 5, #3). The MathML part carries the characters
 * drawn; its <annotation> is the TeX, and the invisible operators U+2061–U+2064 are MathML's own
 * (KaTeX writes U+2061 after \sin, U+2063 for \!); they reorder nothing. KaTeX's HTML part holds
 * U+200B itself (a Safari workaround), so it is not what is checked.
 */
export function rendersHidden(katexHtml: string): boolean {
  const mathml = /<math[\s>][^]*<\/math>/.exec(katexHtml)?.[0] ?? '';
  const text = mathml
    .replace(/<annotation[\s>][^]*?<\/annotation>/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/[\u2061-\u2064]/g, '');
  return findHidden(text).length > 0;
}
