// The library prompt a chat keeps as its system prompt (chat_sessions.metadata.prompt, written by
// the API when a turn names a prompt: a script or integration that started the chat through the
// API, usually), as the web app reads it, words it and keeps its values. The chat keeps the
// prompt but not its values — everyone in a group chat reads its metadata, and the values are
// the asker's — so each turn of this tab sends them (kept-prompt.svelte.ts); they are kept for
// the tab's life in sessionStorage under the user and the chat, like drafts, never in the chat.
import { z } from 'zod';
import { ApiError } from '$lib/api';
import { wordList } from '$lib/word-list';

/** The prompt a chat keeps: at a label (resolved on each turn), a pinned version, or its newest. */
export interface KeptPromptRef {
  id: string;
  label: string | null;
  version: number | null;
}

// What the API wrote, read back defensively: metadata can be replaced through PATCH /sessions/{id}.
const stored = z.object({
  id: z.uuid(),
  label: z.string().max(40).nullable().optional().catch(null),
  version: z.number().int().min(1).nullable().optional().catch(null),
});

/** The chat's kept prompt from its session's `metadata.prompt` (null: none). */
export function keptPromptOf(prompt: unknown): KeptPromptRef | null {
  const parsed = stored.safeParse(prompt);
  return parsed.success ? { id: parsed.data.id, label: parsed.data.label ?? null, version: parsed.data.version ?? null } : null;
}

/** Whether two reads of the chat's kept prompt name the same one (none: null). */
export function sameKeptPrompt(a: KeptPromptRef | null, b: KeptPromptRef | null): boolean {
  return a === b || (a !== null && b !== null && a.id === b.id && a.label === b.label && a.version === b.version);
}

/** A turn refused because of the chat's kept prompt: its values are missing, or it is gone. */
export type KeptPromptRefusal = { code: 'missing_variables'; missing: string[] } | { code: 'chat_prompt_unavailable' };

const missingNames = z.array(z.object({ name: z.string() }).loose()).catch([]);

/** Whether `err` refused a turn for the chat's kept prompt (not a project's or a chosen prompt's). */
export function keptPromptRefusal(err: unknown): KeptPromptRefusal | null {
  if (!(err instanceof ApiError) || err.status !== 422) return null;
  if (err.code === 'chat_prompt_unavailable') return { code: err.code };
  if (err.code !== 'missing_variables' || err.details.kept_by !== 'chat') return null;
  return { code: err.code, missing: missingNames.parse(err.details.variables).map((v) => v.name) };
}

/** The web app's words for such a refusal (the API's name request fields a web user cannot send); null for any other. */
export function keptPromptWords(err: unknown): string | null {
  const refusal = keptPromptRefusal(err);
  if (!refusal) return null;
  if (refusal.code === 'chat_prompt_unavailable') {
    return "This chat's system prompt was deleted or is no longer shared with you, so it can no longer be used. Go on without it, or start a new chat";
  }
  const names = refusal.missing.length ? `: ${wordList(refusal.missing)}` : '';
  return `This chat's system prompt needs values the chat does not keep${names}. Fill them in (Values, above the message box), or go on without the system prompt`;
}

/** What this tab keeps for the chat's prompt: the values typed, and whether the person dropped it. */
export interface KeptPromptChoice {
  values: Record<string, string>;
  dropped: boolean;
}

const choice = z.object({ values: z.record(z.string(), z.string()), dropped: z.boolean() });
const PREFIX = 'mrprompt-kept-prompt:';

function key(userId: string | null, sessionId: string): string {
  return `${PREFIX}${userId ?? 'anonymous'}:${sessionId}`;
}

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage blocked: the values last as long as the page
  }
}

/** The values and choice kept for this chat in this tab (none: empty values, not dropped). */
export function readKeptChoice(userId: string | null, sessionId: string): KeptPromptChoice {
  try {
    const parsed = choice.safeParse(JSON.parse(storage()?.getItem(key(userId, sessionId)) ?? 'null'));
    if (parsed.success) return parsed.data;
  } catch {
    // Unreadable: as if nothing were kept.
  }
  return { values: {}, dropped: false };
}

export function writeKeptChoice(userId: string | null, sessionId: string, kept: KeptPromptChoice): void {
  try {
    const empty = !kept.dropped && Object.keys(kept.values).length === 0;
    if (empty) storage()?.removeItem(key(userId, sessionId));
    else storage()?.setItem(key(userId, sessionId), JSON.stringify(kept));
  } catch {
    // Full or blocked: the values still last as long as the page.
  }
}

/** Forgets the kept values of everyone but `userId` (everyone's when nobody is signed in; $lib/left-behind). */
export function forgetKeptChoicesOfOthers(userId: string | null): void {
  try {
    const store = storage();
    if (!store) return;
    const others = Array.from({ length: store.length }, (_, i) => store.key(i))
      .filter((k): k is string => k?.startsWith(PREFIX) === true && (userId === null || !k.startsWith(`${PREFIX}${userId}:`)));
    for (const k of others) store.removeItem(k);
  } catch {
    // Blocked storage kept nothing.
  }
}

/** The values a turn sends: those typed, without the empty ones (the prompt's defaults fill those). */
export function filledValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
}
