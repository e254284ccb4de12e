/**
 * Structured JSON logs. Entries are objects; anything that looks like a secret is redacted
 * before it reaches the sink, as a second line of defence — code should never pass a key
 * in the first place.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

// Field names whose values are never logged, whatever they hold.
const SECRET_FIELD = /(authorization|api[_-]?key|password|secret|encrypted_key|cookie|^(access_|refresh_)?token$|^jwt$)/i;

// Key-shaped fragments inside any logged text: provider keys (sk-…, gsk_…, xai-…) that an
// upstream error message may echo, our own API keys (mrp_…) and Supabase secret keys.
const SECRET_TEXT = /\b(?:sk|gsk|xai|rk|mrp|sb_secret)[-_][A-Za-z0-9*_.-]{3,}[A-Za-z0-9*_-]/g;

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(SECRET_TEXT, '[redacted]');
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export function createLogger(
  sink: (entry: Record<string, unknown>) => void,
  level: Level | 'silent' = 'info',
  base: Record<string, unknown> = {},
): Logger {
  return new JsonLogger(sink, ORDER[level], base);
}

/**
 * Methods on the prototype: a child logger (one per request, one per chat turn) is one small
 * object, not five closures and their scope, for as long as the request or the turn lives.
 */
class JsonLogger implements Logger {
  constructor(
    private readonly sink: (entry: Record<string, unknown>) => void,
    private readonly threshold: number,
    private readonly base: Record<string, unknown>,
  ) {}

  debug(msg: string, fields?: Record<string, unknown>) {
    this.emit('debug', msg, fields);
  }

  info(msg: string, fields?: Record<string, unknown>) {
    this.emit('info', msg, fields);
  }

  warn(msg: string, fields?: Record<string, unknown>) {
    this.emit('warn', msg, fields);
  }

  error(msg: string, fields?: Record<string, unknown>) {
    this.emit('error', msg, fields);
  }

  child(fields: Record<string, unknown>): Logger {
    return new JsonLogger(this.sink, this.threshold, { ...this.base, ...fields });
  }

  private emit(lvl: Level, msg: string, fields?: Record<string, unknown>) {
    if (ORDER[lvl] < this.threshold) return;
    const entry = { time: new Date().toISOString(), level: lvl, msg, ...this.base, ...(fields ?? {}) };
    this.sink(redact(entry) as Record<string, unknown>);
  }
}

/** The default sink: one JSON line per entry on stdout. */
export const consoleSink = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));
