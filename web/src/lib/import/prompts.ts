/**
 * Prompt import in the browser: reads this app's account export (its `prompts`, with
 * versions and labels) or chatbot-ui's export (`prompts: [{ name, content, description, folderId }]`,
 * also a bare array of them; a prompt folder becomes a tag), sends them to POST /api/import/prompts in batches that fit its
 * limits, and sums up what was imported, what was changed to fit and what was skipped and why.
 * Cosmetic fields the API would refuse (an over-long title, odd tags) are fitted first
 * (prompt-fit.ts); the API checks each prompt on its own, so a bad one is skipped there with
 * its reason; a prompt too large for a request with all its versions (over about 7 MB, or 1,000
 * versions) goes with its newest versions that fit (the report says how many older ones were
 * left out), a rate limit is waited out, and a request that fails is reported with the API's
 * reason ("try again" only when no answer came, for a rate limit or the server failing) while
 * the rest still go.
 */
import { z } from 'zod';
import { browserApi, ok, type Api } from '../api';
import { shortTitle } from './fit';
import { foldersOf, fromBrowserStorage } from './chatbot-ui';
import { fitPrompts, fittedTags, TEST_CASES_PER_REQUEST, type PromptAdjusted } from './prompt-fit';
import { MAX_WAITS, requestFailure, retryAfterMs, UnknownFormat, type ImportFailure } from './run';

/** The largest file read (the browser holds it in memory as text). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** The API's limits per request (routes/import.ts, app.ts), with room to spare for the envelope. */
const PER_REQUEST = 100;
const REQUEST_BYTES = 7 * 1024 * 1024;
/** Versions a request may carry in all (MAX_VERSIONS_PER_IMPORT); a prompt without versions is one. */
const VERSIONS_PER_REQUEST = 1_000;

export type PromptFormat = 'mrprompt' | 'chatbot-ui';

export interface PromptItem {
  /** What the report calls it. */
  label: string;
  /** Sent as is: the API reads it. */
  body: unknown;
  /** Older versions left out so that it fits a request. */
  leftOut?: number;
}

export interface PromptReport {
  format: PromptFormat;
  /** Chats the file also holds, for the chat import. */
  chats: number;
  imported: { prompt_id: string; title: string; versions: number; renamed_from: string | null; left_out: number }[];
  skipped: { title: string; reason: string }[];
  /** What was changed so that the API would take it (prompt-fit.ts). */
  adjusted: PromptAdjusted;
  failures: ImportFailure[];
}

const ChatbotUiPrompt = z.object({ name: z.string(), content: z.string(), description: z.string().nullish(), folderId: z.union([z.string(), z.number()]).nullish().catch(null) }).loose();

const labelOf = (raw: unknown, index: number) => {
  const named = z.object({ title: z.string().min(1) }).or(z.object({ name: z.string().min(1) })).safeParse(raw);
  return named.success ? ('title' in named.data ? named.data.title : named.data.name) : `Item ${index + 1}`;
};

/** A prompt file as read: its prompts, and how many chats it holds beside them (for the chat import). */
export interface PromptFile {
  format: PromptFormat;
  items: PromptItem[];
  chats?: number;
}

/** Recognises the file's prompts; throws UnknownFormat if it has none this import reads. */
export function parsePromptFile(text: string): PromptFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UnknownFormat('This file is not JSON. Choose a Mr.Prompt export or a chatbot-ui export (.json).');
  }
  data = fromBrowserStorage(data);
  const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  const chats = chatsIn(data);
  // chatbot-ui's first export format is a bare array of chats, not of prompts.
  const prompts = Array.isArray(data) ? (chats ? [] : data) : Array.isArray(record?.prompts) ? (record.prompts as unknown[]) : null;
  if (!prompts?.length && chats) {
    throw new UnknownFormat(`This file holds ${chats === 1 ? '1 chat' : `${chats} chats`} and no prompts: import ${chats === 1 ? 'it' : 'them'} under Import chats above.`);
  }
  if (!prompts) throw new UnknownFormat('This JSON has no prompts. Choose a Mr.Prompt export (Settings › Export my data) or a chatbot-ui export.');
  if (typeof record?.format === 'string' && record.format.startsWith('mrprompt-export/')) {
    return { format: 'mrprompt', items: prompts.map((body, i) => ({ label: labelOf(body, i), body })), chats };
  }
  // chatbot-ui: a prompt's `name` is its title, its folder a tag; the API skips what is not a prompt, with the reason.
  const folders = foldersOf(Array.isArray(record?.folders) ? record.folders : null, 'prompt');
  const items = prompts.map((raw, i) => {
    const prompt = ChatbotUiPrompt.safeParse(raw);
    const folder = prompt.data?.folderId == null ? undefined : folders.get(String(prompt.data.folderId));
    const tags = folder === undefined ? [] : fittedTags([folder]);
    const body = prompt.success ? { title: prompt.data.name.trim(), content: prompt.data.content, description: prompt.data.description ?? '', ...(tags.length ? { tags } : {}) } : raw;
    return { label: labelOf(raw, i), body };
  });
  return { format: 'chatbot-ui', items, chats };
}

/**
 * The chats the file also holds (chatbot-ui's `history`, or a bare array of its chats; a
 * Mr.Prompt export's `sessions`), which the chat import reads: the report says they are there.
 */
function chatsIn(data: unknown): number {
  const isChat = (c: unknown) => typeof c === 'object' && c !== null && ('messages' in c || 'mapping' in c);
  if (Array.isArray(data)) return data.every(isChat) ? data.length : 0;
  const chats = ChatsBeside.safeParse(data).data;
  return chats?.history?.length ?? chats?.sessions?.length ?? 0;
}

const ChatsBeside = z.object({ history: z.array(z.unknown()).nullish(), sessions: z.array(z.unknown()).nullish() }).loose();

const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** The versions a prompt counts for, as the API counts them. */
const versionsOf = (body: unknown) => {
  const versions = typeof body === 'object' && body !== null && 'versions' in body ? body.versions : undefined;
  return Array.isArray(versions) && versions.length > 0 ? versions.length : 1;
};

/** The saved test cases a prompt carries (an export's `test_cases`). */
const testCasesOf = (body: unknown) => {
  const cases = typeof body === 'object' && body !== null && 'test_cases' in body ? body.test_cases : undefined;
  return Array.isArray(cases) ? cases.length : 0;
};

const WithVersions = z.object({ versions: z.array(z.object({ version: z.number().optional() }).loose()).min(2) }).loose();

/**
 * A prompt too large for a request with all its versions, with only its newest versions that
 * fit (the API numbers them from 1); undefined when it has none to leave out or still does not fit.
 */
export function newestVersionsThatFit(item: PromptItem, budget = REQUEST_BYTES, most = VERSIONS_PER_REQUEST): PromptItem | undefined {
  const parsed = WithVersions.safeParse(item.body);
  if (!parsed.success) return undefined;
  const { versions } = parsed.data;
  // As the API orders them: by version number, in file order where none is given.
  const newestFirst = versions.map((v, i) => ({ v, i })).sort((a, b) => (b.v.version ?? 0) - (a.v.version ?? 0) || b.i - a.i);
  let bytes = bytesOf({ ...parsed.data, versions: [] });
  const kept = new Set<number>();
  for (const { v, i } of newestFirst) {
    const size = bytesOf(v) + (kept.size ? 1 : 0);
    if (bytes + size > budget || kept.size === most) break;
    bytes += size;
    kept.add(i);
  }
  if (kept.size === 0 || kept.size === versions.length) return undefined;
  return { label: item.label, body: { ...parsed.data, versions: versions.filter((_, i) => kept.has(i)) }, leftOut: versions.length - kept.size };
}

/** Batches within the API's limits; a prompt too large for any request, even cut to its newest versions, is returned apart. */
export function promptBatches(items: PromptItem[]): { batches: PromptItem[][]; tooLarge: PromptItem[] } {
  const batches: PromptItem[][] = [];
  const tooLarge: PromptItem[] = [];
  let batch: PromptItem[] = [];
  let bytes = 0;
  let versions = 0;
  let testCases = 0;
  for (const whole of items) {
    let item = whole;
    let size = bytesOf(item.body);
    let count = versionsOf(item.body);
    // At most a request's worth a prompt (prompt-fit.ts leaves the rest out, and says so).
    const cases = testCasesOf(item.body);
    if (size > REQUEST_BYTES || count > VERSIONS_PER_REQUEST) {
      const cut = newestVersionsThatFit(item);
      if (!cut) {
        tooLarge.push(item);
        continue;
      }
      item = cut;
      size = bytesOf(item.body);
      count = versionsOf(item.body);
    }
    const full = batch.length === PER_REQUEST || bytes + size > REQUEST_BYTES || versions + count > VERSIONS_PER_REQUEST || testCases + cases > TEST_CASES_PER_REQUEST;
    if (batch.length && full) {
      batches.push(batch);
      batch = [];
      bytes = 0;
      versions = 0;
      testCases = 0;
    }
    batch.push(item);
    bytes += size;
    versions += count;
    testCases += cases;
  }
  if (batch.length) batches.push(batch);
  return { batches, tooLarge };
}

export async function runPromptImport(
  parsed: PromptFile,
  onProgress: (done: number, total: number) => void,
  api: Api = browserApi(),
): Promise<PromptReport> {
  const { items, adjusted } = fitPrompts(parsed.items);
  const { batches, tooLarge } = promptBatches(items);
  const report: PromptReport = {
    format: parsed.format,
    chats: parsed.chats ?? 0,
    adjusted,
    imported: [],
    skipped: tooLarge.map((item) => ({ title: item.label, reason: `too large to import (over ${REQUEST_BYTES / 1024 / 1024} MB or ${VERSIONS_PER_REQUEST.toLocaleString('en')} versions)` })),
    failures: [],
  };
  let done = tooLarge.length;
  onProgress(done, parsed.items.length);
  for (const batch of batches) {
    try {
      // Imports share a rate-limit bucket with chat imports: a 429 is waited out (Retry-After), as there.
      let outcome = await api.POST('/api/import/prompts', { body: { prompts: batch.map((item) => item.body) } });
      for (let waits = 0; outcome.response.status === 429 && waits < MAX_WAITS; waits++) {
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs(outcome.response)));
        outcome = await api.POST('/api/import/prompts', { body: { prompts: batch.map((item) => item.body) } });
      }
      const { results } = await ok(Promise.resolve(outcome));
      for (const result of results) {
        const label = batch[result.index]?.label ?? `Item ${result.index + 1}`;
        if (result.status === 'imported' && result.prompt_id) {
          report.imported.push({
            prompt_id: result.prompt_id, title: result.title ?? label, versions: result.versions ?? 1, renamed_from: result.renamed_from ?? null,
            left_out: batch[result.index]?.leftOut ?? 0,
          });
        } else report.skipped.push({ title: result.title ?? label, reason: result.reason ?? 'not a prompt' });
      }
    } catch (err) {
      report.failures.push(requestFailure(batch.map((item) => item.label), err, (message) => withPromptNames(message, batch)));
    }
    done += batch.length;
    onProgress(done, parsed.items.length);
  }
  return report;
}

/**
 * The API names what it refused by its place in the request (`prompts.3: …`), which the person
 * importing never saw: name the prompt instead (`“Summarise”: …`), as run.ts does for chats.
 */
export function withPromptNames(message: string, sent: PromptItem[]): string {
  return message.replace(/\bprompts\.(\d+)([.:])/g, (whole, i: string, after: string) => {
    const item = sent[Number(i)];
    if (!item) return whole;
    return `“${shortTitle(item.label, 60)}”${after === ':' ? ':' : ', '}`;
  });
}
