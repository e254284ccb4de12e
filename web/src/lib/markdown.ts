// Renders untrusted assistant markdown to safe HTML: marked → highlight.js for code →
// DOMPurify. Browser-only (DOMPurify needs a DOM); callers show plain text until then.
import DOMPurify, { type Config } from 'dompurify';
import hljs from 'highlight.js/lib/common';
import { Marked } from 'marked';

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }) {
      const language = lang && hljs.getLanguage(lang) ? lang : undefined;
      const html = language
        ? hljs.highlight(text, { language, ignoreIllegals: true }).value
        : hljs.highlightAuto(text).value;
      const cls = `hljs${language ? ` language-${language}` : ''}`;
      return `<pre><code class="${cls}">${html}</code></pre>\n`;
    },
  },
});

let hooked = false;

/** Links open in a new tab and can't reach back into this one. */
function addLinkHook(purify: typeof DOMPurify) {
  if (hooked) return;
  hooked = true;
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

/** Sanitiser options: plain HTML only — no SVG/MathML, forms, styles or event handlers. */
export const SANITIZE_OPTIONS: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style'],
  ALLOW_DATA_ATTR: false,
};

/** Returns sanitised HTML, or null when no DOM is available (server render). */
export function renderMarkdown(source: string): string | null {
  if (!DOMPurify.isSupported) return null;
  addLinkHook(DOMPurify);
  const html = marked.parse(source, { async: false });
  return DOMPurify.sanitize(html, { ...SANITIZE_OPTIONS, RETURN_TRUSTED_TYPE: false });
}
