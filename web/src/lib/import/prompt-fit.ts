/**
 * Fits prompts from a file to what POST /api/import/prompts takes (lib/import/prompt-import.ts
 * ImportPromptItem, routes/prompts/model.ts promptFields), so that no prompt is skipped for a
 * cosmetic field, as fit.ts does for chats: a title over 200 characters is shortened at a word
 * with an ellipsis, a blank one is taken from the template's first line; a description over
 * 2,000 characters is shortened; tags are made into the API's tags (lowercase a-z 0-9 _ . + # -,
 * 32 characters, 20 a prompt); a model name loses its control characters; a version's date in
 * the future, before 2000 or unreadable is left out (the API dates it as the version before it);
 * NUL characters, which Postgres text cannot hold, are dropped; saved test cases past a
 * request's worth (the first TEST_CASES_PER_REQUEST, in the file's order) are left out. Templates and settings that
 * change what a prompt does (its text, temperature, labels) are left for the API to judge: a
 * prompt it refuses for them is skipped with its reason. What was changed is counted for the report.
 */
import { isoTime } from './conversations';
import { countedText, EARLIEST, fittedModelName, shortTitle, withoutNul } from './fit';
import type { PromptItem } from './prompts';

/** prompts.title, prompts.description; a tag (routes/prompts/model.ts TAG) and how many a prompt has. */
export const PROMPT_TITLE_CHARS = 200;
export const DESCRIPTION_CHARS = 2_000;
const TAG_CHARS = 32;
const TAGS = 20;
const TAG = /^[a-z0-9][a-z0-9_.+#-]{0,31}$/;
/** Saved test cases a request may carry in all (MAX_TEST_CASES_PER_IMPORT), so also the most one prompt keeps. */
export const TEST_CASES_PER_REQUEST = 200;
/** A title made from a template's first line is a line's worth, as a chat's from its first message. */
const TITLE_FROM_TEMPLATE_CHARS = 80;

/** What may be changed, in the order the report lists it. */
export const PROMPT_ADJUSTMENTS = ['long_title', 'untitled', 'long_description', 'tags', 'model_name', 'odd_time', 'test_cases'] as const;
export type PromptAdjustment = (typeof PROMPT_ADJUSTMENTS)[number];
export type PromptAdjusted = Partial<Record<PromptAdjustment, number>>;

const LABELS: Record<PromptAdjustment, [one: string, many: string]> = {
  long_title: [`title shortened to ${PROMPT_TITLE_CHARS} characters`, `titles shortened to ${PROMPT_TITLE_CHARS} characters`],
  untitled: ['prompt without a title named from its template’s first line', 'prompts without a title named from their template’s first line'],
  long_description: [
    `description shortened to ${DESCRIPTION_CHARS.toLocaleString('en')} characters`,
    `descriptions shortened to ${DESCRIPTION_CHARS.toLocaleString('en')} characters`,
  ],
  tags: [
    `prompt’s tags made to fit (lowercase a-z, 0-9 and _ . + # -, ${TAG_CHARS} characters, ${TAGS} a prompt)`,
    `prompts’ tags made to fit (lowercase a-z, 0-9 and _ . + # -, ${TAG_CHARS} characters, ${TAGS} a prompt)`,
  ],
  model_name: ['model name shortened or cleaned of control characters', 'model names shortened or cleaned of control characters'],
  odd_time: [
    'version date in the future, before 2000 or unreadable left out (the version is dated as the one before it)',
    'version dates in the future, before 2000 or unreadable left out (each such version is dated as the one before it)',
  ],
  test_cases: [
    `prompt’s saved test cases past the first ${TEST_CASES_PER_REQUEST} left out`,
    `prompts’ saved test cases past the first ${TEST_CASES_PER_REQUEST} left out`,
  ],
};

/** "2 titles shortened to 200 characters": a count of what was changed on the way in. */
export const promptAdjustedText = (what: PromptAdjustment, count: number): string => countedText(LABELS, what, count);

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

export function fitPrompts(items: PromptItem[], now = Date.now()): { items: PromptItem[]; adjusted: PromptAdjusted } {
  const adjusted: PromptAdjusted = {};
  const count = (what: PromptAdjustment) => (adjusted[what] = (adjusted[what] ?? 0) + 1);
  const fitted = items.map((item) => (isObject(item.body) ? { ...item, body: fitPrompt(item.body, count, now) } : item));
  return { items: fitted, adjusted };
}

function fitPrompt(prompt: Fields, count: (what: PromptAdjustment) => void, now: number): Fields {
  const out: Fields = { ...prompt };
  const versions = Array.isArray(prompt.versions) ? prompt.versions : null;
  const template = typeof prompt.content === 'string' ? prompt.content : versions?.map((v) => (isObject(v) ? v.content : null)).find((c) => typeof c === 'string');
  if (typeof prompt.content === 'string') out.content = withoutNul(prompt.content);
  const fittedTitle = title(prompt.title, typeof template === 'string' ? template : null, count);
  if (fittedTitle !== undefined) out.title = fittedTitle;
  if (typeof prompt.description === 'string') out.description = description(prompt.description, count);
  if (Array.isArray(prompt.tags) && prompt.tags.every((t) => typeof t === 'string')) {
    const tags = fittedTags(prompt.tags as string[]);
    // The API lowercases, trims and de-duplicates too: only what it would refuse counts as a change.
    if (tags.length !== prompt.tags.length || tags.some((t, i) => t !== (prompt.tags as string[])[i].trim().toLowerCase())) count('tags');
    out.tags = tags;
  }
  if (isObject(prompt.config)) out.config = config(prompt.config, count);
  if (Array.isArray(prompt.test_cases) && prompt.test_cases.length > TEST_CASES_PER_REQUEST) {
    out.test_cases = prompt.test_cases.slice(0, TEST_CASES_PER_REQUEST);
    count('test_cases');
  }
  if (versions) {
    out.versions = versions.map((v) => {
      if (!isObject(v)) return v;
      const version: Fields = { ...v };
      if (typeof v.content === 'string') version.content = withoutNul(v.content);
      // A version without a title of its own has the prompt's (as fitted).
      const blank = v.title == null || (typeof v.title === 'string' && !withoutNul(v.title).trim());
      version.title = blank ? out.title : (title(v.title, null, count) ?? v.title);
      if (isObject(v.config)) version.config = config(v.config, count);
      if (v.created_at != null) version.created_at = time(v.created_at, now, count);
      return version;
    });
  }
  return out;
}

/**
 * A title the API takes: at most 200 characters (at a word, with an ellipsis); a blank or
 * missing one, the template's first line. Undefined: nothing to name it by (the API says so).
 */
function title(value: unknown, template: string | null, count: (what: PromptAdjustment) => void): string | undefined {
  const line = typeof value === 'string' ? withoutNul(value).trim() : '';
  if (line.length > PROMPT_TITLE_CHARS) {
    count('long_title');
    return shortTitle(line.replace(/\s+/g, ' '), PROMPT_TITLE_CHARS);
  }
  if (line) return line;
  if (value !== undefined && value !== null && typeof value !== 'string') return undefined; // not a title: the API explains
  const first = template?.split('\n').map((l) => withoutNul(l).replace(/\s+/g, ' ').trim()).find(Boolean);
  if (!first) return typeof value === 'string' ? value : undefined;
  count('untitled');
  return shortTitle(first, TITLE_FROM_TEMPLATE_CHARS);
}

function description(value: string, count: (what: PromptAdjustment) => void): string {
  const text = withoutNul(value);
  if (text.length <= DESCRIPTION_CHARS) return text;
  count('long_description');
  return shortTitle(text, DESCRIPTION_CHARS);
}

/** Tags as the API takes them: `Data Science` → `data-science`, accents dropped, 32 characters, 20 at most, each once. */
export function fittedTags(tags: string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const fitted = tag
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .trim()
      .replace(/\s+/g, '-')
      .replace(/[^a-z0-9_.+#-]/g, '')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, TAG_CHARS);
    if (TAG.test(fitted) && !out.includes(fitted)) out.push(fitted);
  }
  return out.slice(0, TAGS);
}

function config(value: Fields, count: (what: PromptAdjustment) => void): Fields {
  if (typeof value.model !== 'string') return value;
  const model = fittedModelName(value.model);
  if (model === value.model.trim()) return value;
  count('model_name');
  const { model: _, ...rest } = value;
  return model ? { ...rest, model } : rest;
}

/** A version's date as the API takes it (ISO 8601, from 2000 until now); null, counted, when it is not one. */
function time(value: unknown, now: number, count: (what: PromptAdjustment) => void): string | null {
  const iso = isoTime(value);
  const at = iso ? Date.parse(iso) : NaN;
  if (at >= EARLIEST && at <= now) return iso;
  count('odd_time');
  return null;
}
