/**
 * How large a request body may be. Every route takes at most MAX_BODY_BYTES, except the few
 * listed in BODY_LIMITS, which need more room; the table is read once when the app is built.
 */

/** A route (methods and path under /api) whose bodies may be larger than MAX_BODY_BYTES. */
export interface BodyLimit {
  methods: readonly string[];
  path: RegExp;
  /** Bytes allowed; MAX_BODY_BYTES wins when it is larger. */
  bytes: number;
}

/** The first entry matching a request's method and path sets its limit. */
export const BODY_LIMITS: readonly BodyLimit[] = [
  // Creating a prompt (POST /api/prompts) or editing one (PATCH /api/prompts/{id}): a template
  // may be 100,000 characters (prompts.content), as JSON up to four bytes each (six for an
  // escaped control character), plus title and description.
  { methods: ['POST', 'PATCH'], path: /^\/api\/prompts(?:\/[0-9a-f-]{36})?\/?$/i, bytes: 640 * 1024 },
  // Importing prompts (POST /api/import/prompts): many prompts with their versions in one request.
  { methods: ['POST'], path: /^\/api\/import\/prompts\/?$/i, bytes: 8 * 1024 * 1024 },
];

/**
 * The limits for an API whose default is `defaultBytes`: `limitFor(method, path)` gives the
 * bytes a request may send, and `distinct` every value it can give (to build one checker each).
 */
export function bodyLimits(defaultBytes: number, table: readonly BodyLimit[] = BODY_LIMITS) {
  const rules = table.map((rule) => ({ ...rule, bytes: Math.max(defaultBytes, rule.bytes) }));
  return {
    distinct: [...new Set([defaultBytes, ...rules.map((rule) => rule.bytes)])],
    limitFor: (method: string, path: string): number =>
      rules.find((rule) => rule.methods.includes(method) && rule.path.test(path))?.bytes ?? defaultBytes,
  };
}
