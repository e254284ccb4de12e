/**
 * Runs an import in the browser: reads the file (or the conversations.json in ChatGPT's
 * export zip), recognises its format (ChatGPT, chatbot-ui, Mr.Prompt), sends it to
 * POST /api/import batch by batch (reporting progress after each), waits out a rate limit
 * when the API asks to (429 Retry-After), and sums up what came in, what was there already,
 * what was changed to fit (fit.ts) and what was left out (with the folders the account had no
 * room to make into projects). A batch that fails is reported with
 * the API's reason and the rest still go (without the later parts of a conversation that failed).
 */
import { unzipSync } from 'fflate';
import { ApiError, browserApi, ok } from '../api';
import type { components } from '../api/schema';
import { endsConversation, toBatches } from './batches';
import { fromBrowserStorage, isChatbotUiExport, parseChatbotUi } from './chatbot-ui';
import { isChatGptExport, parseChatGpt } from './chatgpt';
import { UnknownFormat, type ImportConversation, type Parsed, type Skipped } from './conversations';
import { fitForImport, shortTitle, type Adjusted } from './fit';
import { isMrPromptExport, parseMrPrompt } from './mrprompt';

export { UnknownFormat };

export interface ImportReport {
  format: Parsed['format'];
  /** Prompts the file also holds, for the prompt import. */
  prompts: number;
  /** Conversations in the file that had something to import. */
  conversations: number;
  imported: { session_id: string; title: string }[];
  messages: number;
  duplicates: number;
  skipped: Skipped;
  /** What was changed so that the API would take it (fit.ts). */
  adjusted: Adjusted;
  failures: ImportFailure[];
  /** Folders the API did not make into projects (their chats came in without one), once each. */
  foldersNotMade: FolderNotMade[];
}

export type FolderNotMade = components['schemas']['ImportFolderNotMade'];

/** A request that brought nothing in: the chats it carried and why. */
export interface ImportFailure {
  titles: string[];
  /** The API's reason, its field paths named by chat and message; or why the request got no answer. */
  reason: string;
  /**
   * Whether the same file may go in later: no answer (the network), a rate limit still
   * refusing after MAX_WAITS waits, or the server failing (5xx). A refusal (400, 409
   * limit_reached) would only be refused again.
   */
  retry: boolean;
}


const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * The export's JSON text: the file itself, or — when it is ChatGPT's whole export zip — its
 * conversations.json (only that entry is inflated, with fflate; synchronously, since the CSP
 * allows no blob: workers).
 */
export async function readExportFile(file: Blob): Promise<string> {
  try {
    return await readText(file);
  } catch (err) {
    throw err instanceof RangeError ? tooLarge(file.size) : err;
  }
}

/**
 * A browser holds a file's text as one string, of at most about 512 MB in Chromium (1 GB in
 * Firefox); past that it throws a RangeError ("Invalid string length", "Array buffer
 * allocation failed") whose words mean nothing to the person importing.
 */
function tooLarge(bytes: number | null): UnknownFormat {
  const size = bytes === null ? '' : ` (${Math.round(bytes / 1_000_000).toLocaleString('en-US')} MB)`;
  return new UnknownFormat(`This file${size} is too large for this browser to read at once.`);
}

async function readText(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!ZIP_MAGIC.every((b, i) => bytes[i] === b)) return new TextDecoder().decode(bytes);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (entry) => /(^|\/)conversations\.json$/.test(entry.name) });
  } catch {
    throw new UnknownFormat('This zip could not be read. Choose the export zip as ChatGPT sent it, or conversations.json from it.');
  }
  const [json] = Object.values(entries);
  if (!json) throw new UnknownFormat('This zip has no conversations.json. Choose the export zip from ChatGPT, or a Mr.Prompt export.');
  return new TextDecoder().decode(json);
}

/** Recognises ChatGPT's conversations.json, chatbot-ui's export or this app's; throws UnknownFormat otherwise. */
export function parseExport(text: string): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    if (err instanceof RangeError) throw tooLarge(null);
    throw new UnknownFormat('This file is not JSON. Choose conversations.json from a ChatGPT export, a chatbot-ui export or a Mr.Prompt export.');
  }
  data = fromBrowserStorage(data);
  if (isChatGptExport(data)) return parseChatGpt(data);
  const parsed = isMrPromptExport(data) ? parseMrPrompt(data) : isChatbotUiExport(data) ? parseChatbotUi(data) : null;
  const prompts = parsed ? (parsed.prompts ?? 0) : promptsOnly(data);
  if (prompts && !parsed?.conversations.length) {
    throw new UnknownFormat(`This file holds ${prompts === 1 ? '1 prompt' : `${prompts} prompts`} and no chats: import ${prompts === 1 ? 'it' : 'them'} under Import prompts below.`);
  }
  if (parsed) return parsed;
  throw new UnknownFormat('This JSON is not a ChatGPT conversations.json, a chatbot-ui export or a Mr.Prompt export.');
}

/**
 * How many prompts a file without chats holds (chatbot-ui exports prompts alone, as
 * `{prompts}` or a bare array of `{name, content}`), so that the chat import can point to
 * the prompt import instead of calling the file unreadable.
 */
function promptsOnly(data: unknown): number {
  const isPrompt = (p: unknown) => typeof p === 'object' && p !== null && 'content' in p && ('name' in p || 'title' in p);
  const prompts = Array.isArray(data) ? data : typeof data === 'object' && data !== null && 'prompts' in data ? data.prompts : null;
  return Array.isArray(prompts) ? prompts.filter(isPrompt).length : 0;
}

export const MAX_WAITS = 20;

export async function runImport(parsed: Parsed, onProgress: (done: number, total: number) => void): Promise<ImportReport> {
  const skipped = { ...parsed.skipped };
  const { conversations, adjusted } = fitForImport(parsed.conversations, skipped);
  const batches = toBatches(conversations, skipped);
  const total = parsed.conversations.length;
  const titles = new Map(conversations.map((c) => [c.source_id, c.title ?? '']));
  const report: ImportReport = { format: parsed.format, prompts: parsed.prompts ?? 0, conversations: total, imported: [], messages: 0, duplicates: 0, skipped, adjusted, failures: [], foldersNotMade: [] };
  // Conversations a request failed for: their later parts would be refused as out of order.
  const failed = new Set<string>();
  let done = 0;
  onProgress(0, total);
  for (const batch of batches) {
    const sending = batch.conversations.filter((c) => !failed.has(c.source_id));
    for (let waits = 0; sending.length; waits++) {
      try {
        const outcome = await browserApi().POST('/api/import', { body: { conversations: sending } });
        if (outcome.response.status === 429 && waits < MAX_WAITS) {
          await new Promise((resolve) => setTimeout(resolve, retryAfterMs(outcome.response)));
          continue;
        }
        const { results, folders_not_made } = await ok(Promise.resolve(outcome));
        // A folder's chats may span batches: each batch that meets it without room says so.
        for (const folder of folders_not_made) {
          if (!report.foldersNotMade.some((f) => f.source_id === folder.source_id)) report.foldersNotMade.push(folder);
        }
        for (const [i, result] of results.entries()) {
          report.messages += result.messages;
          // A conversation sent in parts answers once per part; count it at its last one.
          if (result.status === 'duplicate' && endsConversation(sending[i])) report.duplicates++;
          else if (result.status === 'imported') report.imported.push({ session_id: result.session_id, title: titles.get(result.source_id) || 'Imported chat' });
        }
      } catch (err) {
        report.failures.push(failureOf(sending, err));
        for (const c of sending) failed.add(c.source_id);
      }
      break;
    }
    done += batch.finishes;
    onProgress(done, total);
  }
  return report;
}

export function failureOf(sent: ImportConversation[], err: unknown): ImportFailure {
  return requestFailure(sent.map((c) => c.title || c.source_id), err, (message) => withChatNames(message, sent));
}

/**
 * A request that brought nothing in (chats here, prompts in prompts.ts): the API's reason, its
 * field paths named by what they carried (`named`), or why no answer came; "try again" only when
 * the same request may work later.
 */
export function requestFailure(titles: string[], err: unknown, named: (message: string) => string = (m) => m): ImportFailure {
  const unique = [...new Set(titles)];
  if (!(err instanceof ApiError)) return { titles: unique, reason: err instanceof Error ? err.message : 'The import failed.', retry: true };
  const retry = err.status === 0 || err.status === 429 || err.status >= 500;
  return { titles: unique, reason: retry ? err.message : named(err.message), retry };
}

/** The names a failed request carried, for the report: each cut to a line's worth, at most `shown` named. */
export function failedNames(failure: ImportFailure, shown = 5): string {
  return quotedNames(failure.titles, shown);
}

function quotedNames(names: string[], shown = 5): string {
  const named = names.slice(0, shown).map((t) => `“${shortTitle(t, 80)}”`).join(', ');
  const more = names.length - shown;
  return more > 0 ? `${named} and ${more} more` : named;
}

/**
 * The report's line (under Left out) for the folders that did not become projects, all for
 * the one reason there is: the account's projects are full. Their chats did come in.
 */
export function foldersNotMadeText(folders: FolderNotMade[]): string {
  const one = folders.length === 1;
  return `${folders.length} ${one ? 'folder' : 'folders'} not made into ${one ? 'a project' : 'projects'}, since an account holds at most 1,000 projects ` +
    `(${one ? 'its chats' : 'their chats'} came in without one; to file them, delete projects you no longer need and use Move to project…): ${quotedNames(folders.map((f) => f.name))}`;
}

/**
 * The API names what it refused by its place in the request (`conversations.2.messages.5.model:
 * Too big…`), which the person importing never saw: name the chat and the message instead
 * (`“Trip to Lisbon”, message 6, model: Too big…`).
 */
export function withChatNames(message: string, sent: ImportConversation[]): string {
  return message.replace(/\bconversations\.(\d+)(?:\.messages\.(\d+))?([.:])/g, (whole, c: string, m: string | undefined, after: string) => {
    const conversation = sent[Number(c)];
    if (!conversation) return whole;
    const name = `“${shortTitle(conversation.title || conversation.source_id, 60)}”${m === undefined ? '' : `, message ${conversation.offset + Number(m) + 1}`}`;
    return after === ':' ? `${name}:` : `${name}, `;
  });
}

/** The API's Retry-After (seconds), within 1..60 s. */
export function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Math.min(60, Math.max(1, Number.isFinite(seconds) ? seconds : 2)) * 1000;
}
