/**
 * Input building blocks shared by the resource routes, mirroring the database's check
 * constraints so bad input is a 400 from zod rather than a constraint error from Postgres.
 */
import { z } from '@hono/zod-openapi';

/** Trimmed text with a length range (the columns check `char_length(btrim(x))`). */
export const trimmed = (min: number, max: number) => z.string().trim().min(min).max(max);

/** Labels such as `production` (prompt_labels.label, projects.system_prompt_label). */
export const LABEL = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const labelName = z.string().regex(LABEL, 'lowercase letters, digits, - and _ (max 40)');

/** Provider ids as stored (`messages.provider`, `prompt_usage_logs.provider`). */
export const providerId = z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'not a provider id');

/**
 * A JSON object stored in a jsonb column with `octet_length(x::text) <= max`. Postgres
 * prints jsonb with a space after every `,` and `:`, so those are counted twice (an upper
 * bound: separators inside strings are counted too).
 */
export function jsonObject(maxBytes: number) {
  // z.unknown(), not z.json(): the body was parsed from JSON already, and z.json()'s recursive
  // schema sends the OpenAPI generator into infinite recursion.
  return z.record(z.string().max(200), z.unknown()).refine((value) => jsonbTextBytes(value) <= maxBytes, {
    message: `must be at most ${maxBytes} bytes of JSON`,
  });
}

function jsonbTextBytes(value: unknown): number {
  const text = JSON.stringify(value);
  const separators = text.match(/[,:]/g)?.length ?? 0;
  return new TextEncoder().encode(text).length + separators;
}

/** Query strings send empty parameters as ''; treat them as absent. */
export function optionalQuery<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

/** Requires a PATCH body to change something. */
export const nonEmpty = (value: Record<string, unknown>) => Object.keys(value).length > 0;
export const NOTHING_TO_UPDATE = { message: 'Nothing to update: send at least one field' };
