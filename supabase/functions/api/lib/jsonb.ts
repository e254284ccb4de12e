/**
 * JSON a client sent, as text for a jsonb parameter: `${jsonbText(value)}::text::jsonb`.
 *
 * JSON.parse accepts a lone UTF-16 surrogate (`"\ud800"`), and JSON.stringify writes it back
 * as that escape, but jsonb refuses it ("Unicode low surrogate must follow a high surrogate"):
 * https://www.postgresql.org/docs/current/datatype-json.html. Such a key or string becomes
 * U+FFFD, as it does in a text column (the driver encodes text as UTF-8, which has no lone
 * surrogates). NUL (`\u0000`), which jsonb refuses too, is left to the input schemas to refuse.
 */
export function jsonbText(value: unknown): string {
  const text = JSON.stringify(value);
  // JSON.stringify escapes only lone surrogates this way (a pair is written as itself); a
  // backslash the client typed before such letters also matches, and costs one more pass.
  return LONE_SURROGATE_ESCAPE.test(text) ? JSON.stringify(wellFormed(value)) : text;
}

const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i;
// With the u flag a pair is one code point, so \p{Cs} matches only a lone surrogate.
const LONE_SURROGATE = /\p{Cs}/gu;

function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\uFFFD');
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(LONE_SURROGATE, '\uFFFD'), wellFormed(v)]));
  }
  return value;
}
