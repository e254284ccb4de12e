// What the user was typing in each chat, kept for the tab's life (sessionStorage), so opening
// another chat, a new chat or Settings and coming back — or a reload — does not lose it, as in
// ChatGPT. Keyed by user as well: someone signing in next in the same tab never sees it. An
// empty box removes its entry. The files in the box are kept beside the text (draftFiles): those
// already uploaded come back as chips after a reload (their objects wait in Storage, which the
// server sweeps only after CHAT_UPLOAD_GRACE_SECONDS); those still uploading when the page went
// are named as lost, to attach again. Messages waiting for a connection (send-queue.svelte.ts)
// are kept here too, per chat, so a reload sends them once the network is back. So is the
// alert of a question refused back into the box (why, and the link to where it is fixed): it
// lives as long as the draft it explains, and goes when the box is sent or emptied.
import { z } from 'zod';

const PREFIX = 'mrprompt-draft:';
const FILES_PREFIX = 'mrprompt-draft-files:';
const QUEUE_PREFIX = 'mrprompt-queued:';
const REFUSAL_PREFIX = 'mrprompt-draft-refusal:';

function key(userId: string | null, sessionId: string | null, prefix = PREFIX): string {
  return `${prefix}${userId ?? 'anonymous'}:${sessionId ?? 'new'}`;
}

/** A file in the box: its object's path, its name, and whether its upload had finished. */
export interface DraftFile {
  path: string;
  name: string;
  uploaded: boolean;
}

/** What a reload gives back of the box's files: the uploaded ones, and the names of those lost. */
export interface KeptFiles {
  kept: { path: string; name: string }[];
  lost: string[];
}

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage blocked by the browser's settings: drafts are simply not kept
  }
}

/** The draft kept for this chat ('' when none). */
export function readDraft(userId: string | null, sessionId: string | null, store = storage()): string {
  try {
    return store?.getItem(key(userId, sessionId)) ?? '';
  } catch {
    return '';
  }
}

/** Keeps the box's text for this chat, or forgets it — and the refusal that explained it — once
 * the box is empty (sent, cleared). */
export function writeDraft(userId: string | null, sessionId: string | null, text: string, store = storage()): void {
  try {
    if (text.trim()) store?.setItem(key(userId, sessionId), text);
    else {
      store?.removeItem(key(userId, sessionId));
      store?.removeItem(key(userId, sessionId, REFUSAL_PREFIX));
    }
  } catch {
    // Full or blocked storage: the draft is not kept, and typing goes on.
  }
}

/** The files kept with this chat's draft: uploaded ones to put back, unfinished ones by name. */
export function readDraftFiles(userId: string | null, sessionId: string | null, store = storage()): KeptFiles {
  let files: unknown;
  try {
    files = JSON.parse(store?.getItem(key(userId, sessionId, FILES_PREFIX)) ?? '[]');
  } catch {
    files = [];
  }
  const valid = (Array.isArray(files) ? files : []).filter((f): f is DraftFile =>
    typeof f?.path === 'string' && typeof f?.name === 'string' && typeof f?.uploaded === 'boolean');
  return {
    kept: valid.filter((f) => f.uploaded).map(({ path, name }) => ({ path, name })),
    lost: valid.filter((f) => !f.uploaded).map((f) => f.name),
  };
}

/** Keeps the box's files for this chat (none: the entry goes). */
export function writeDraftFiles(userId: string | null, sessionId: string | null, files: DraftFile[], store = storage()): void {
  try {
    if (files.length > 0) store?.setItem(key(userId, sessionId, FILES_PREFIX), JSON.stringify(files.map(({ path, name, uploaded }) => ({ path, name, uploaded }))));
    else store?.removeItem(key(userId, sessionId, FILES_PREFIX));
  } catch {
    // Full or blocked storage: the files are not kept through a reload.
  }
}

/** Why the draft's question was refused and given back, as the chat's alert shows it (SendOutcome.svelte). */
export interface DraftRefusal {
  message: string;
  /** Where it is fixed; only a path of this app (what storage holds is not trusted as a link). */
  fix: { href: string; label: string } | null;
  /** "Send again" may be offered (sending the box can work) … */
  resend: boolean;
  /** … from this time (epoch ms: a rate limit's wait), or at once when absent. */
  readyAt?: number;
}

const draftRefusal = z.object({
  message: z.string(),
  fix: z.object({ href: z.string().regex(/^\/(?!\/)/), label: z.string() }).nullable(),
  resend: z.boolean(),
  readyAt: z.number().optional(),
});

/** The refusal kept with this chat's draft, or null (none, or unreadable). */
export function readDraftRefusal(userId: string | null, sessionId: string | null, store = storage()): DraftRefusal | null {
  try {
    return draftRefusal.safeParse(JSON.parse(store?.getItem(key(userId, sessionId, REFUSAL_PREFIX)) ?? 'null')).data ?? null;
  } catch {
    return null;
  }
}

/** Keeps the refusal that gave this chat's draft back (null: forgets it — dismissed, or another send). */
export function writeDraftRefusal(userId: string | null, sessionId: string | null, refusal: DraftRefusal | null, store = storage()): void {
  try {
    if (refusal) store?.setItem(key(userId, sessionId, REFUSAL_PREFIX), JSON.stringify(refusal));
    else store?.removeItem(key(userId, sessionId, REFUSAL_PREFIX));
  } catch {
    // Full or blocked storage: the alert is not shown again after leaving the chat.
  }
}

/** A message waiting for a connection: its client id, text, uploaded files and the turn's settings. */
export interface QueuedMessage {
  id: string;
  text: string;
  files: { path: string; name: string }[];
  /** The request's settings (provider, model, prompt, project…), without the message and files. */
  turn: Record<string, unknown> & { provider: string; model: string };
  queuedAt: string;
}

/** The messages waiting to be sent in this chat, oldest first (what is unreadable is dropped). */
export function readQueued(userId: string | null, sessionId: string | null, store = storage()): QueuedMessage[] {
  let items: unknown;
  try {
    items = JSON.parse(store?.getItem(key(userId, sessionId, QUEUE_PREFIX)) ?? '[]');
  } catch {
    items = [];
  }
  return (Array.isArray(items) ? items : []).filter((q): q is QueuedMessage =>
    typeof q?.id === 'string' && typeof q?.text === 'string' && typeof q?.queuedAt === 'string' &&
    typeof q?.turn?.provider === 'string' && typeof q?.turn?.model === 'string' &&
    Array.isArray(q?.files) && q.files.every((f: unknown) => typeof (f as DraftFile)?.path === 'string' && typeof (f as DraftFile)?.name === 'string'));
}

/** Keeps this chat's waiting messages (none: the entry goes). */
export function writeQueued(userId: string | null, sessionId: string | null, items: QueuedMessage[], store = storage()): void {
  try {
    if (items.length > 0) store?.setItem(key(userId, sessionId, QUEUE_PREFIX), JSON.stringify(items));
    else store?.removeItem(key(userId, sessionId, QUEUE_PREFIX));
  } catch {
    // Full or blocked storage: the messages wait in this page only, not through a reload.
  }
}

/**
 * The chat this text was typed in is closed to its writer (deleted, or they were removed from it):
 * it waits in a new chat's box instead, unless that box holds something already; the chat's own
 * entry goes. Returns whether it was carried.
 */
export function carryDraft(userId: string | null, sessionId: string, text: string, store = storage()): boolean {
  const carried = text.trim().length > 0 && !readDraft(userId, null, store).trim();
  if (carried) writeDraft(userId, null, text, store);
  writeDraft(userId, sessionId, '', store);
  return carried;
}

/**
 * Forgets every draft (and waiting message) kept in this tab, whoever typed it: signing out leaves nothing of what was
 * being written behind for the next person at this browser (per-user keys only hide it). Returns
 * the paths of the files the drafts kept, for the caller to remove from Storage.
 */
export function forgetAllDrafts(store = storage()): string[] {
  const paths: string[] = [];
  try {
    if (!store) return paths;
    const ours = (k: string | null) => [PREFIX, FILES_PREFIX, QUEUE_PREFIX, REFUSAL_PREFIX].some((p) => k?.startsWith(p));
    const keys = Array.from({ length: store.length }, (_, i) => store.key(i)).filter((k): k is string => ours(k));
    for (const k of keys) {
      if (k.startsWith(QUEUE_PREFIX)) {
        const [userId, sessionId] = k.slice(QUEUE_PREFIX.length).split(':');
        for (const q of readQueued(userId === 'anonymous' ? null : userId!, sessionId === 'new' ? null : sessionId!, store)) paths.push(...q.files.map((f) => f.path));
      }
      if (k.startsWith(FILES_PREFIX)) {
        const [userId, sessionId] = k.slice(FILES_PREFIX.length).split(':');
        const files = readDraftFiles(userId === 'anonymous' ? null : userId!, sessionId === 'new' ? null : sessionId!, store);
        paths.push(...files.kept.map((f) => f.path));
      }
      store.removeItem(k);
    }
  } catch {
    // Blocked storage holds no drafts.
  }
  return paths;
}
