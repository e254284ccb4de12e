// A small typed client for the Mr.Prompt API function, shared by server loads and the
// browser. Every non-2xx answer becomes an ApiError carrying the API's {error:{code,message}}.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Fetch = typeof fetch;
type Query = Record<string, string | number | undefined | null>;

/** Reads an error body; falls back to the status text when the body isn't the API's shape. */
export async function toApiError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || 'Request failed';
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object' && 'error' in body) {
      const error = body.error;
      if (error && typeof error === 'object') {
        if ('code' in error && typeof error.code === 'string') code = error.code;
        if ('message' in error && typeof error.message === 'string') message = error.message;
      }
    }
  } catch {
    // Not JSON: keep the status text.
  }
  return new ApiError(res.status, code, message);
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * The API answers list routes either as a bare array or wrapped in an object
 * ({ sessions: [...] }, { items: [...], next_cursor }); pages only need the rows.
 */
export function rows<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') {
    for (const name of [key, 'items', 'data']) {
      const value: unknown = Reflect.get(body, name);
      if (Array.isArray(value)) return value;
    }
  }
  return [];
}

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  del<T = unknown>(path: string): Promise<T>;
  /** The raw response (for streams); throws ApiError on non-2xx. */
  stream(path: string, body: unknown, signal?: AbortSignal): Promise<Response>;
}

/** `base` is where `/health`, `/sessions`… live; `headers` carry auth on the server. */
export function createApi(fetchFn: Fetch, base: string, headers: Record<string, string> = {}): ApiClient {
  async function send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const init: RequestInit = { method, headers: { ...headers }, signal };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...headers, 'content-type': 'application/json' };
    }
    const res = await fetchFn(`${base}${path}`, init);
    if (!res.ok) throw await toApiError(res);
    return res;
  }
  async function json<T>(res: Response): Promise<T> {
    // 204 and empty bodies come back as null; callers of such routes ignore the value.
    const text = res.status === 204 ? '' : await res.text();
    return JSON.parse(text || 'null');
  }
  return {
    get: async (path, query) => json(await send('GET', withQuery(path, query))),
    post: async (path, body) => json(await send('POST', path, body ?? {})),
    put: async (path, body) => json(await send('PUT', path, body ?? {})),
    patch: async (path, body) => json(await send('PATCH', path, body ?? {})),
    del: async (path) => json(await send('DELETE', path)),
    stream: (path, body, signal) => send('POST', path, body, signal),
  };
}

/** The browser's client: same-origin, through the app's /api proxy that adds the session token. */
export const browserApi = (fetchFn: Fetch = fetch) => createApi(fetchFn, '/api');
