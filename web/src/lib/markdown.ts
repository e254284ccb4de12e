// Renders untrusted assistant markdown to safe HTML: marked → highlight.js for code →
// DOMPurify. Browser-only (DOMPurify needs a DOM); callers show plain text until then.
// Images are never loaded: a model (or a prompt injection in what it read) could put chat
// content into an image URL and the browser would send it off the moment it renders.
// Markdown images become plain links, raw <img> and other media are removed, and the
// app's Content-Security-Policy (img-src 'self' data:) backs both up.
import DOMPurify, { type Config } from 'dompurify';
import hljs from 'highlight.js/lib/common';
import { Marked } from 'marked';

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
  },
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markdown to HTML before sanitising (images already turned into links). */
export function markdownToHtml(source: string): string {
  return marked.parse(source, { async: false });
}

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
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'img', 'picture', 'source', 'video', 'audio', 'track', 'image'],
  FORBID_ATTR: ['style', 'srcset', 'poster', 'background'],
  ALLOW_DATA_ATTR: false,
};

/** Returns sanitised HTML, or null when no DOM is available (server render). */
export function renderMarkdown(source: string): string | null {
  if (!DOMPurify.isSupported) return null;
  addLinkHook(DOMPurify);
  const html = markdownToHtml(source);
  return DOMPurify.sanitize(html, { ...SANITIZE_OPTIONS, RETURN_TRUSTED_TYPE: false });
}
