/**
 * The one error type handlers throw. app.ts's onError turns it (and anything else) into
 * `{ "error": { "code", "message" } }` (on the gateway, /api/v1, with OpenAI's `type` and
 * `param` as well); unknown errors become a 500 without details.
 */
export class ApiError extends Error {
  /** The request field the error is about (a validation error's first), shown as `param` on the gateway. */
  param: string | null = null;

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

  /** Names the request field at fault: `throw new ApiError(400, …).about('prompt')`. */
  about(param: string): this {
    this.param = param;
    return this;
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

// OpenAI's error `type` by status, so the openai SDK's `err.type` reads as it would from OpenAI.
const OPENAI_TYPES: Record<number, string> = {
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
};

/** An error body as OpenAI shapes it (`message`, `type`, `param`, `code`): the gateway's, /api/v1. */
export function openAiErrorBody(status: number, body: ReturnType<typeof errorBody>, param: string | null = null) {
  const type = OPENAI_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { error: { ...body.error, type, param } };
}
