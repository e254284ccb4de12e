/**
 * Prompt templates: `{{name}}` slots, optionally typed and with a default:
 *   {{name}}  {{name|default text}}  {{n:number}}  {{n:number|3}}
 *   {{tone:enum(formal,casual)|formal}}  {{flag:boolean|false}}  {{text:string}}
 * A backslash before the braces keeps them as text: `\{{name}}` is sent as `{{name}}` (for
 * prompts about Mustache, Jinja or Vue templates). Slots inside code blocks are variables too.
 * A default may hold braces that pair up, up to two deep, so a JSON default works:
 * `{{filter|{"status":"open","tags":{"any":[]}}}}` defaults to `{"status":"open","tags":{"any":[]}}`.
 * A default is text like a value: it is never read as a template again.
 * A name is a letter of any script (`{{名前}}`, `{{größe}}`) or `_`, then letters, digits and
 * `_ . -`, at most 64 characters (code points, as zod counts the keys of values sent for them).
 * The one parser for the API (render, resolve, chat, the gateway) and the web editor (which
 * imports this module), so they can never disagree about what a variable is.
 */
import { ApiError } from './errors.ts';

export type VariableType = 'string' | 'number' | 'boolean' | 'enum';

/** A slot found in a template. `required` is false when every use of it has a default. */
export interface TemplateVariable {
  name: string;
  type: VariableType;
  /** The allowed values of an enum (empty for other types). */
  options: string[];
  default: string | null;
  required: boolean;
}

// A default: text whose braces pair up, at most two deep (`{"a":{"b":1}}`). Each step of it is
// decided by its first character (a brace opens a group, anything else but `}` is text), so
// there is one way to read it and a failed attempt stops at its first unpaired brace.
const DEFAULT_TEXT = String.raw`(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*?`;
// A name in any script: a non-English team writes its variables in its own words, and a slot it
// meant as one would otherwise reach the model as literal text. Combining marks count as part
// of a letter (Devanagari's vowel signs, a decomposed `ö`). The regexes reading it are Unicode
// ones (`u`), so `{0,63}` counts code points.
const NAME = String.raw`[\p{L}_][\p{L}\p{M}\p{Nd}_.-]{0,63}`;
// `{{ name }}`, `{{ name : type }}`, either with `| default` (trimmed where it is read).
// Written to be read in linear time, since every list, get and render reads every template: an
// enum's list holds no brace, a default only paired ones (above); and no two `\s*` meet, which let `{{a` and 100 KB of spaces take minutes (and
// 100 KB of `{{a|`, with any `{` allowed in the default, seconds).
const SLOT = new RegExp(
  String.raw`\{\{\s*(${NAME})\s*(?::\s*(string|number|boolean|enum\(([^(){}]*)\))\s*)?(?:\|(${DEFAULT_TEXT}))?\}\}`,
  'gu',
);
// What a template is read as, left to right: an escaped `\{{` (no groups) or a slot (groups 1-4).
// One scan for extracting, rendering and highlighting, so `\{{{x}}}` is read the same by all.
const TOKEN = new RegExp(`\\\\\\{\\{|${SLOT.source}`, 'gu');

/** A slot as written in a template: where it starts, its text and the groups SLOT captures. */
export interface SlotMatch {
  index: number;
  text: string;
  name: string;
  type: string | undefined;
  enumList: string | undefined;
  fallback: string | undefined;
}

/** Every slot of a template in order; escaped braces (`\{{`) are text, not slots. */
export function templateSlots(template: string): SlotMatch[] {
  const found: SlotMatch[] = [];
  for (const m of template.matchAll(TOKEN)) {
    if (m[1] !== undefined) found.push({ index: m.index, text: m[0], name: m[1], type: m[2], enumList: m[3], fallback: m[4] });
  }
  return found;
}

function parseType(raw: string | undefined, enumList: string | undefined): { type: VariableType; options: string[] } {
  if (!raw) return { type: 'string', options: [] };
  if (raw.startsWith('enum')) {
    const options = [...new Set((enumList ?? '').split(',').map((o) => o.trim()).filter(Boolean))];
    return { type: 'enum', options };
  }
  return { type: raw as Exclude<VariableType, 'enum'>, options: [] };
}

/** Every distinct variable in first-appearance order; the first typed use fixes the type. */
export function extractVariables(template: string): TemplateVariable[] {
  const found = new Map<string, TemplateVariable & { typed: boolean }>();
  for (const match of templateSlots(template)) {
    const name = match.name;
    const { type, options } = parseType(match.type, match.enumList);
    const fallback = match.fallback === undefined ? null : match.fallback.trim();
    const seen = found.get(name);
    if (!seen) {
      found.set(name, { name, type, options, default: fallback, required: fallback === null, typed: Boolean(match.type) });
    } else {
      seen.default ??= fallback;
      // A slot used once without a default needs a value even if another use has one.
      seen.required = seen.required || fallback === null;
      if (!seen.typed && match.type) Object.assign(seen, { type, options, typed: true });
    }
  }
  return [...found.values()].map(({ typed: _, ...v }) => v);
}

/** A required variable has no value: 422 missing_variables wherever it is thrown. */
export class MissingVariablesError extends ApiError {
  constructor(readonly missing: string[]) {
    super(422, 'missing_variables', `Missing value for ${missing.length === 1 ? 'variable' : 'variables'}: ${missing.join(', ')}`, undefined, {
      variables: missing.map((name) => ({ name, problem: 'is missing' })),
    });
    this.name = 'MissingVariablesError';
  }
}

/** A value (or a template's default) does not fit its type: 422 invalid_variables naming each. */
export class InvalidVariablesError extends ApiError {
  constructor(readonly problems: { name: string; problem: string }[]) {
    super(422, 'invalid_variables', problems.map((p) => `Variable \`${p.name}\` ${p.problem}`).join('; '), undefined, { variables: problems });
    this.name = 'InvalidVariablesError';
  }
}

type Value = string | number | boolean;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** The value as it goes into the text, or the reason it does not fit the variable. */
export function coerceValue(variable: TemplateVariable, value: Value): { text: string } | { problem: string } {
  const shown = JSON.stringify(value).slice(0, 60);
  switch (variable.type) {
    case 'number': {
      if (typeof value === 'number') return Number.isFinite(value) ? { text: String(value) } : { problem: `must be a number (got ${shown})` };
      // Text as a person writes a number (`5`, `-2.5`, `1e3`): Number() alone would also take
      // `0x10` as 16 and `0b11` as 3. The text goes in as written: an order ID past 2^53
      // (`12345678901234567890`), a price (`19.90`) or `007` would come back from Number() as
      // other digits, and the model would be told a different number from the one given.
      const written = typeof value === 'string' ? value.trim() : '';
      return DECIMAL.test(written) && Number.isFinite(Number(written)) ? { text: written } : { problem: `must be a number (got ${shown})` };
    }
    case 'boolean': {
      if (value === true || value === 'true') return { text: 'true' };
      if (value === false || value === 'false') return { text: 'false' };
      return { problem: `must be true or false (got ${shown})` };
    }
    case 'enum': {
      const text = String(value);
      return variable.options.includes(text) ? { text } : { problem: `must be one of ${variable.options.join(', ')} (got ${shown})` };
    }
    default:
      return { text: String(value) };
  }
}

/**
 * The longest text a render may give, in characters (UTF-16 code units, as JS counts them):
 * 1,000,000, ten times the longest template. A template may repeat one slot 20,000 times
 * (`{{a}}` is 5 of its 100,000 characters), so without a bound a request of a few KB built a
 * string of 100 M characters and more (and 20,000 × a 20,000-character value took the API
 * process down). The length is computed from the slots and the values before anything is built.
 */
export const MAX_RENDERED_CHARS = 1_000_000;

/** The text a render would give is over MAX_RENDERED_CHARS: 422 rendered_too_long. */
export class RenderedTooLongError extends ApiError {
  constructor(readonly length: number) {
    super(
      422,
      'rendered_too_long',
      `The rendered prompt would be ${length.toLocaleString('en')} characters, over the limit of ${MAX_RENDERED_CHARS.toLocaleString('en')}: shorten the values of variables used many times`,
      undefined,
      { rendered_chars: length, max_rendered_chars: MAX_RENDERED_CHARS },
    );
    this.name = 'RenderedTooLongError';
    this.about('variables');
  }
}

/**
 * Fills every slot after checking every value against its type. Values are inserted
 * verbatim (never re-scanned, so a value containing `{{x}}` stays literal). Unknown extra
 * values are ignored. Throws MissingVariablesError, then InvalidVariablesError (all problems),
 * then RenderedTooLongError when the result would pass MAX_RENDERED_CHARS (computed first:
 * the text is built only when it fits).
 */
export function renderTemplate(template: string, values: Record<string, Value>): string {
  const variables = extractVariables(template);
  const missing = variables.filter((v) => v.required && !hasValue(values, v.name)).map((v) => v.name);
  if (missing.length > 0) throw new MissingVariablesError(missing);
  const texts = new Map<string, string>();
  const problems: { name: string; problem: string }[] = [];
  for (const v of variables) {
    const given = hasValue(values, v.name);
    if (!given && v.default === null) continue;
    const result = coerceValue(v, given ? values[v.name] : (v.default ?? ''));
    if ('problem' in result) problems.push({ name: v.name, problem: given ? result.problem : `has an invalid default in the template: it ${result.problem}` });
    else if (given) texts.set(v.name, result.text);
  }
  if (problems.length > 0) throw new InvalidVariablesError(problems);
  const fill = (name: string | undefined, fallback: string | undefined) => (name === undefined ? '{{' : texts.get(name) ?? (fallback ?? '').trim());
  // The result's length: the template's text between the slots plus each slot's filling.
  let length = template.length;
  for (const m of template.matchAll(TOKEN)) length += fill(m[1], m[4]).length - m[0].length;
  if (length > MAX_RENDERED_CHARS) throw new RenderedTooLongError(length);
  return template.replace(TOKEN, (_slot, name?: string, _type?: string, _options?: string, fallback?: string) => fill(name, fallback));
}

/**
 * What makes a template unusable whatever values are given: an enum without values, a
 * default that does not fit its variable's type. Checked when a prompt is saved, so the
 * mistake is the author's 400 and not every caller's 422 later.
 */
export function templateProblems(template: string): string[] {
  const variables = new Map(extractVariables(template).map((v) => [v.name, v]));
  const problems = new Set<string>();
  // The first declared type of each name, as written, to compare later declarations with.
  const declared = new Map<string, { type: VariableType; options: string[]; text: string }>();
  for (const match of templateSlots(template)) {
    const variable = variables.get(match.name)!;
    if (variable.type === 'enum' && variable.options.length === 0) problems.add(`\`${variable.name}\` is an enum with no values: list them, e.g. enum(formal,casual)`);
    if (match.type) {
      // Only the first typed use counts (extractVariables), so a second, different type would
      // be silently ignored and every caller following it would get a 422.
      const { type, options } = parseType(match.type, match.enumList);
      const first = declared.get(variable.name);
      const text = type === 'enum' ? `enum(${options.join(',')})` : type;
      if (!first) declared.set(variable.name, { type, options, text });
      else if (first.type !== type || [...first.options].sort().join('\n') !== [...options].sort().join('\n')) {
        problems.add(`\`${variable.name}\` is declared both as ${first.text} and as ${text}: give every use the same type, or type it once and write {{${variable.name}}} elsewhere`);
      }
    }
    if (match.fallback === undefined) continue;
    const result = coerceValue(variable, match.fallback.trim());
    if ('problem' in result) problems.add(`the default of \`${variable.name}\` ${result.problem}`);
  }
  // What was meant as a variable but is not one would reach the model as literal text, and
  // no form would ask for it: words that are not a name (`{{customer name}}`, `{{1st}}`), a
  // type that is not one (`{{n:integer}}`), a name over 64 characters. Braces meant as text
  // say so with a backslash.
  // Where a slot starts, and which braces an escape made text (both of `\{{`).
  const taken = new Set<number>();
  for (const m of template.matchAll(TOKEN)) {
    if (m[1] !== undefined) taken.add(m.index);
    else taken.add(m.index + 1).add(m.index + 2);
  }
  const keep = 'write \\{{ to keep the braces as text';
  for (const m of template.matchAll(NEAR_MISS)) {
    if (taken.has(m.index) || taken.has(m.index + 1)) continue;
    const shown = m[0].length > 60 ? `${m[0].slice(0, 57)}…` : m[0];
    if (!WHOLE_NAME.test(m[1])) {
      const words = m[1].length > 40 ? `${m[1].slice(0, 39)}…` : m[1];
      problems.add(`${shown} is not a variable: \`${words}\` is not a name — use letters, digits, _ . or -, no spaces, starting with a letter or _ (or ${keep})`);
    } else if ([...m[1]].length > 64) problems.add(`${shown} is not a variable: a name is at most 64 characters (or ${keep})`);
    else if (m[2] !== undefined) {
      problems.add(`${shown} is not a variable: \`${m[2].trim().slice(0, 40)}\` is not a type — use string, number, boolean or enum(a,b) (or ${keep})`);
    }
  }
  for (const m of template.matchAll(DEFAULT_START)) {
    if (taken.has(m.index) || taken.has(m.index + 1)) continue;
    const shown = m[0].length > 60 ? `${m[0].slice(0, 57)}…` : m[0];
    problems.add(`${shown}… is not a variable: its default does not end with }} — braces in a default must pair up, at most two deep (or ${keep})`);
  }
  return [...problems];
}

// The shapes a slot has, with words where the name goes (`{{ customer name | Ada }}`, `{{1st}}`, a
// long name); those SLOT did not take are mistakes. Words, not any text: `{{ a ? b : c }}` (Vue),
// `{{#each}}` (Handlebars) and `{{.Name}}` (Go) are code a prompt quotes, not slots gone wrong.
// Words and the spaces between them are different characters, so an attempt has one way to read
// them; defaults as SLOT reads them: an attempt stops at the next `{{` (linear time).
const WORDS = String.raw`[\p{L}\p{Nd}_][\p{L}\p{M}\p{Nd}_.-]*(?:[ \t]+[\p{L}\p{M}\p{Nd}_.-]+)*`;
const NEAR_MISS = new RegExp(String.raw`\{\{\s*(${WORDS})\s*(?::([^{|}]*))?(?:\|${DEFAULT_TEXT})?\}\}`, 'gu');
const WHOLE_NAME = new RegExp(String.raw`^[\p{L}_][\p{L}\p{M}\p{Nd}_.-]*$`, 'u');
// The start of a slot with a default (`{{name|` or `{{name:type|`): where SLOT took none there,
// the default never ends, or its braces do not pair up (a JSON default missing a `}`).
const DEFAULT_START = new RegExp(String.raw`\{\{\s*${NAME}\s*(?::[^{|}]*)?\|`, 'gu');

function hasValue(values: Record<string, unknown>, name: string): boolean {
  return Object.hasOwn(values, name) && values[name] !== null && values[name] !== undefined && values[name] !== '';
}
