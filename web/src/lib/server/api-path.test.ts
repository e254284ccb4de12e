import { describe, expect, it } from 'vitest';
import { apiTarget } from './api-path';

const base = 'http://127.0.0.1:54321/functions/v1/api';
const at = (path: string) => apiTarget(base, new URL(`http://127.0.0.1:3000${path}`));

describe('apiTarget (issue 10, finding 9)', () => {
  it.each([
    '/api/..%2F..%2F..%2Fauth%2Fv1%2Fuser',
    '/api/%2e%2e/%2e%2e/%2e%2e/auth/v1/user',
    '/api/.%2e/.%2e/.%2e/auth/v1/user',
    '/api/sessions/%2e%2e/%2e%2e/x',
    '/api/a%5c..%5c..%5cauth',
    '/api/%2F%2Fevil.example/x',
    '/api/%E0%A4%A',
  ])('refuses %s', (path) => expect(at(path)).toBeNull());

  it('keeps ordinary paths and query strings under /functions/v1/api/', () => {
    expect(at('/api/sessions/abc/messages?limit=20')?.href).toBe(`${base}/sessions/abc/messages?limit=20`);
    expect(at('/api/prompts?q=caf%C3%A9')?.href).toBe(`${base}/prompts?q=caf%C3%A9`);
    expect(at('/api/chat')?.href).toBe(`${base}/chat`);
  });
});
