import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

const origin = 'http://127.0.0.1:3000';

describe('safeNext (issue 10, finding 4)', () => {
  it.each([
    '/\\evil.com', '/\\/evil.com', '\\\\evil.com', '/\t/evil.com', '/\n/evil.com', '//evil.com', '/.//evil.com',
    '/%2e//evil.com', 'https://evil.com/chat', 'http://127.0.0.1:3001/chat', 'javascript:alert(1)', '', 'chat',
  ])('refuses %j', (next) => expect(safeNext(next, origin)).toBe('/chat'));

  it.each([
    ['/prompts/42', '/prompts/42'],
    ['/chat/abc?x=1#m', '/chat/abc?x=1#m'],
    ['/s/tok%2Fen', '/s/tok%2Fen'],
  ])('keeps the same-site path %j', (next, expected) => expect(safeNext(next, origin)).toBe(expected));
});
