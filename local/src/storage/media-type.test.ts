import { describe, expect, it } from 'vitest';
import { normaliseMediaType, servedContentType } from './media-type.ts';

describe('normaliseMediaType', () => {
  it.each([
    ['TEXT/Plain', 'text/plain'],
    [' text/plain ; Charset=UTF-8 ', 'text/plain;charset=utf-8'],
    ['text/plain;charset="UTF-8"', 'text/plain;charset="utf-8"'],
    ['image/svg+xml', 'image/svg+xml'],
    ['application/vnd.api+json;a=1;b=2', 'application/vnd.api+json;a=1;b=2'],
  ])('%j is stored as %j', (raw, stored) => expect(normaliseMediaType(raw)).toBe(stored));

  it.each([
    'text/plain, text/html', 'text/plain;charset=utf-8, text/html', 'text/html/x', 'text', '/html', 'text/',
    'text/plain;charset', 'text/plain;=x', 'text/plain;a=b c', 'text/plain;a="unterminated', 'text/pla in',
    'text/plain\r\nX-Evil: 1', 'text/plain\0', 'téxt/plain', '',
  ])('%j does not parse', (raw) => expect(normaliseMediaType(raw)).toBeNull());
});

describe('servedContentType', () => {
  it.each([
    ['image/png', 'image/png'],
    ['IMAGE/PNG', 'image/png'],
    ['application/pdf', 'application/pdf'],
    ['text/plain;charset=utf-8;format=flowed', 'text/plain;charset=utf-8'],
    ['text/plain;charset="utf-8"', 'text/plain'],
    ['text/html', 'text/plain;charset=utf-8'],
    ['image/svg+xml;charset=utf-8', 'text/plain;charset=utf-8'],
    ['application/xml', 'text/plain;charset=utf-8'],
    ['text/plain, text/html', 'text/plain;charset=utf-8'],
    ['image/png, text/html', 'text/plain;charset=utf-8'],
    [undefined, 'text/plain;charset=utf-8'],
    [42, 'text/plain;charset=utf-8'],
  ])('%j is served as %j', (stored, served) => expect(servedContentType(stored)).toBe(served));
});
