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
    /** Extra fields for the error object (a budget's spend and reset time, `running_message_id` with 409 turn_running); never secrets. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 404 for "missing or not yours": the caller can never tell the two apart. */
export const notFound = (what = 'Resource') => new ApiError(404, 'not_found', `${what} not found`);

/**
 * An API key on a route that needs a session: 403, not 401, so a client does not take a good
 * key for a bad one (the openai SDK raises AuthenticationError on 401) and replace it.
 */
export const sessionRequired = () => new ApiError(403, 'session_required', 'API keys cannot be used here; this needs a signed-in session');

/** The JSON body of every error response. */
export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { ...details, code, message } };
}
