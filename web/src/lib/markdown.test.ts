// Without a DOM (server rendering, Node) DOMPurify cannot sanitise, so renderMarkdown must
// refuse to produce HTML at all rather than pass markup through. Sanitising itself is
// exercised in a real browser by tests/e2e/chat.test.ts.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

describe('renderMarkdown without a DOM', () => {
  it('returns null instead of unsanitised HTML', () => {
    expect(renderMarkdown('<img src=x onerror=alert(1)> **bold**')).toBeNull();
  });
});
