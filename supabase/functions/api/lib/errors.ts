/**
 * The one error type handlers throw. app.ts's onError turns it (and anything else) into
 * `{ "error": { "code", "message" } }`; unknown errors become a 500 without details.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 404 for "missing or not yours": the caller can never tell the two apart. */
export const notFound = (what = 'Resource') => new ApiError(404, 'not_found', `${what} not found`);

/** The JSON body of every error response. */
export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

// Connection-level failures: the server is down, restarting or refusing connections (class 08
// and 57P0x), or the client lost its socket. Statement errors (RLS, constraints) are not here.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  '57P01', '57P02', '57P03', '53300',
]);

/** True when an error means the database could not be reached, rather than a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? String(error.code) : '';
  return UNAVAILABLE_CODES.has(code) || code.startsWith('08');
}
