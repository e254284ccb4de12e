// The body-limit table: which routes may send more than MAX_BODY_BYTES, and how much.
import { describe, expect, it } from 'vitest';
import { BODY_LIMITS, bodyLimits } from './body-limits.ts';

const id = '0190f2a4-8d3c-7b1e-9f00-123456789abc';

describe('body limits', () => {
  it('gives prompt writes 640 KiB, prompt import 8 MiB and everything else the default', () => {
    const { limitFor, distinct } = bodyLimits(2048);
    expect(limitFor('POST', '/api/prompts')).toBe(655_360);
    expect(limitFor('PATCH', `/api/prompts/${id}`)).toBe(655_360);
    expect(limitFor('PATCH', `/api/prompts/${id.toUpperCase()}/`)).toBe(655_360);
    expect(limitFor('POST', '/api/import/prompts')).toBe(8_388_608);
    expect(limitFor('POST', '/api/import/prompts/')).toBe(8_388_608);
    // As before the table: the pattern also takes PATCH /api/prompts (no such route; 404 after the check).
    expect(limitFor('PATCH', '/api/prompts')).toBe(655_360);
    for (const [method, path] of [['PUT', `/api/prompts/${id}`], ['POST', `/api/prompts/${id}/labels/x`], ['PATCH', '/api/import/prompts'], ['POST', '/api/import/chats'], ['POST', '/api/sessions']]) {
      expect(limitFor(method!, path!), `${method} ${path}`).toBe(2048);
    }
    expect(distinct.sort((a, b) => a - b)).toEqual([2048, 655_360, 8_388_608]);
  });

  it('never lowers MAX_BODY_BYTES for the listed routes', () => {
    const { limitFor, distinct } = bodyLimits(16 * 1024 * 1024);
    expect(limitFor('POST', '/api/prompts')).toBe(16 * 1024 * 1024);
    expect(limitFor('POST', '/api/import/prompts')).toBe(16 * 1024 * 1024);
    expect(distinct).toEqual([16 * 1024 * 1024]);
    expect(BODY_LIMITS.length).toBe(2);
  });
});
