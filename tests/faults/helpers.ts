/**
 * Shared by the fault tests and bench/: reading a chat's Server-Sent Events, polling for a
 * condition without sleeping a fixed time, and giving the stack's Deno function extra
 * settings (a lower provider timeout, a higher rate limit) without touching the repository.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SUPABASE_DIR } from '../../local/src/paths.ts';

export interface SseEvent {
  event: string;
  data: unknown;
}

/** Splits an event-stream body into events (comments dropped, data JSON-parsed when it is JSON). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length === 0) continue;
    const raw = data.join('\n');
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // not JSON: keep the text
    }
    events.push({ event, data: parsed });
  }
  return events;
}

/**
 * Reads a streaming response until `until` matches an event (or the stream ends) and returns
 * the events so far; the reader stays usable for more.
 */
export async function readEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (event: SseEvent) => boolean = () => false,
  state = { text: '' },
): Promise<{ events: SseEvent[]; done: boolean }> {
  const decoder = new TextDecoder();
  for (;;) {
    const events = parseSse(state.text.slice(0, state.text.lastIndexOf('\n\n') + 2));
    if (events.some(until)) return { events, done: false };
    const { value, done } = await reader.read();
    if (done) return { events: parseSse(state.text), done: true };
    state.text += decoder.decode(value, { stream: true });
  }
}

/** Reads a whole event-stream response. */
export async function allEvents(res: Response): Promise<SseEvent[]> {
  return parseSse(await res.text());
}

export function dataOf<T = Record<string, unknown>>(events: SseEvent[], name: string): T | undefined {
  return events.find((e) => e.event === name)?.data as T | undefined;
}

/** Polls `probe` until it returns a value other than undefined (bounded; nothing is timed). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, { attempts = 300, everyMs = 50 } = {}): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`condition not reached${lastError ? `: ${String(lastError)}` : ''}`);
}

/**
 * A functions folder that runs the real `api` function with extra environment: a temp
 * folder whose `api` and `_shared` link to supabase/functions and whose `.env` holds `env`
 * (the stack passes a functions folder's `.env` to its functions, as the CLI does). Pass
 * `dir` as startStack's `functionsDir`.
 */
export async function functionsDirWithEnv(env: Record<string, string>): Promise<{ dir: string; remove(): Promise<void> }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'mrprompt-functions-'));
  const dir = path.join(root, 'functions');
  await fs.mkdir(dir);
  const source = path.join(SUPABASE_DIR, 'functions');
  for (const name of ['api', '_shared']) await fs.symlink(path.join(source, name), path.join(dir, name), 'dir');
  // Single quotes keep a JSON value (MODEL_PRICES) as it is: dotenv unescapes nothing in them.
  const quote = (v: string) => (v.includes('"') && !v.includes("'") ? `'${v}'` : JSON.stringify(v));
  await fs.writeFile(path.join(dir, '.env'), Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`).join('\n') + '\n', { mode: 0o600 });
  return { dir, remove: () => fs.rm(root, { recursive: true, force: true }) };
}
