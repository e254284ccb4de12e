import { describe, expect, it } from 'vitest';
import { ApiError } from '$lib/api';
import { searchRefusal } from './search-refusal';

describe('searchRefusal', () => {
  it("words the search's own refusals, with the wait a rate limit names", () => {
    expect(searchRefusal(new ApiError(503, 'search_timeout', 'This search took too long; try more specific words'))).toBe('This search took too long. Try more specific words.');
    expect(searchRefusal(new ApiError(429, 'rate_limited', 'Too many heavy requests; try again in 4 s', { retry_after_seconds: 3.2 }))).toBe('Too many searches just now. Try again in 4 s.');
    expect(searchRefusal(new ApiError(429, 'rate_limited', 'Too many'))).toBe('Too many searches just now. Try again in a moment.');
  });

  it('leaves every other failure to the error page', () => {
    expect(searchRefusal(new ApiError(503, 'database_unavailable', 'Down'))).toBeNull();
    expect(searchRefusal(new ApiError(500, 'internal', 'x'))).toBeNull();
    expect(searchRefusal(new TypeError('Failed to fetch'))).toBeNull();
  });
});
