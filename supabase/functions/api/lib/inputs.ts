/**
 * Input building blocks shared by the resource routes, mirroring the database's check
 * constraints so bad input is a 400 from zod rather than a constraint error from Postgres.
 */
import { z } from '@hono/zod-openapi';

// Postgres text cannot hold U+0000: such input would fail in the database as a 500, so it
// is refused here as a 400 instead.
export const NO_NUL = /^[^\u0000]*$/;
export const NUL_MESSAGE = 'must not contain NUL characters';

/** Text up to `max` characters that Postgres can store. */
export const text = (max: number) => z.string().max(max).regex(NO_NUL, NUL_MESSAGE);

/** Characters as Postgres's char_length counts them (code points; an emoji is one, where `.length` says 2). */
export const codePoints = (value: string) => {
  let n = 0;
  for (const _ of value) n++;
  return n;
};

/** Text up to `max` characters as a column's `char_length(x) <= max` counts them. */
export const textChars = (max: number) =>
  z.string().regex(NO_NUL, NUL_MESSAGE).refine((v) => v.length <= max || codePoints(v) <= max, `must be at most ${max} characters`);

/** Trimmed text with a length range (the columns check `char_length(btrim(x))`). */
export const trimmed = (min: number, max: number) => z.string().trim().min(min).max(max).regex(NO_NUL, NUL_MESSAGE);

/**
 * A model as a provider names it (`gpt-4o-mini`, `meta-llama/Llama-3.1-8B`, `llama3:8b`):
 * sent to the provider before anything is stored, so what the database would refuse must be
 * refused here, or the call is billed and its answer lost.
 */
export const modelName = trimmed(1, 200).regex(/^\P{Cc}*$/u, 'must not contain control characters');

/**
 * A file's name as a person gave it (`Übersicht – Bericht.md`, `研究.md`): any script, but no
 * control characters (a newline would break the line it is shown on) and no bidirectional
 * embeddings, overrides or isolates, which can make `exe.txt` read as `txt.exe` in a chip, an
 * export or a search result. Up to 255 characters as the name columns count them.
 */
export const fileName = z
  .string()
  .trim()
  .min(1)
  .regex(NO_NUL, NUL_MESSAGE)
  .refine((v) => codePoints(v) <= 255, 'must be at most 255 characters')
  .regex(/^[^\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]*$/u, 'must not contain control characters or bidirectional overrides');

/** Labels such as `production` (prompt_labels.label, projects.system_prompt_label). */
export const LABEL = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const labelName = z.string().regex(LABEL, 'lowercase letters, digits, - and _ (max 40)');

/** Provider ids as stored (`messages.provider`, `prompt_usage_logs.provider`). */
export const providerId = z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'not a provider id');

/**
 * How deep objects and arrays a client sends may nest (the outermost counts 1). JSON.parse
 * takes any depth, but JSON.stringify and every recursive walk after it overflow the stack
 * at a few thousand levels (a 500), and a 16 KB jsonb value holds about 5000.
 */
export const MAX_JSON_DEPTH = 64;
const DEPTH_MESSAGE = `must not nest objects and arrays more than ${MAX_JSON_DEPTH} deep`;

/** True when `value` nests objects and arrays at most `max` deep. Iterative: any depth is safe to ask about. */
export function jsonDepthWithin(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [next, depth] = pending.pop()!;
    if (next === null || typeof next !== 'object') continue;
    if (depth > max) return false;
    for (const child of Array.isArray(next) ? next : Object.values(next)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return true;
}

/** Refuses JSON nested deeper than MAX_JSON_DEPTH, before any other check walks it. */
export const shallowJson = [(value: unknown) => jsonDepthWithin(value), { message: DEPTH_MESSAGE, abort: true }] as const;

/**
 * A JSON object stored in a jsonb column with `octet_length(x::text) <= max`. Postgres
 * prints jsonb with a space after every `,` and `:`, so those are counted twice (an upper
 * bound: separators inside strings are counted too). At most MAX_JSON_DEPTH deep.
 */
export function jsonObject(maxBytes: number) {
  // z.unknown(), not z.json(): the body was parsed from JSON already, and z.json()'s recursive
  // schema sends the OpenAPI generator into infinite recursion. Store it with
  // `${jsonbText(value)}::text::jsonb` (lib/jsonb.ts; a bare ::jsonb would make the client encode it twice).
  return z
    .record(z.string().max(200), z.unknown())
    .refine(...shallowJson)
    .refine((value) => jsonbTextBytes(value) <= maxBytes, { message: `must be at most ${maxBytes} bytes of JSON` })
    .refine((value) => !containsNul(value), { message: NUL_MESSAGE });
}

// jsonb rejects \u0000 in keys and strings alike.
function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v));
  return false;
}

/** True when `value` fits a jsonb column's `octet_length(x::text) <= maxBytes` check (see jsonObject). */
export const fitsJsonb = (maxBytes: number) => (value: unknown) => jsonbTextBytes(value) <= maxBytes;

function jsonbTextBytes(value: unknown): number {
  const text = JSON.stringify(value);
  const separators = text.match(/[,:]/g)?.length ?? 0;
  return new TextEncoder().encode(text).length + separators;
}

/**
 * Stored values of a prompt's `{{variables}}` (prompt_test_cases.variables,
 * projects.system_prompt_variables): at most 100 names, each value text, a number or true/false,
 * and at most 32 KB in all as the column's check counts it.
 */
export const storedVariableValues = () =>
  z
    .record(text(64), z.union([text(20_000), z.number(), z.boolean()]))
    .refine((v) => Object.keys(v).length <= 100, 'at most 100 variables')
    .refine(fitsJsonb(32_768), 'at most 32 KB in all (as JSON)');

/** Query strings send empty parameters as ''; treat them as absent. */
export function optionalQuery<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

/** Requires a PATCH body to change something. */
export const nonEmpty = (value: Record<string, unknown>) => Object.keys(value).length > 0;
export const NOTHING_TO_UPDATE = { message: 'Nothing to update: send at least one field' };
