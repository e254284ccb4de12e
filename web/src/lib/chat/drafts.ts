// What the user was typing in each chat, kept for the tab's life (sessionStorage), so opening
// another chat, a new chat or Settings and coming back — or a reload — does not lose it, as in
// ChatGPT. Keyed by user as well: someone signing in next in the same tab never sees it. An
// empty box removes its entry. The files in the box are kept beside the text (draftFiles): those
// already uploaded come back as chips after a reload (their objects wait in Storage, which the
// server sweeps only after CHAT_UPLOAD_GRACE_SECONDS); those still uploading when the page went
// are named as lost, to attach again. Messages waiting for a connection (send-queue.ts) are
// kept here too, per user and chat, but in the browser's localStorage rather than the tab's: a
// message the person sent is theirs to lose no more than a sent mail, so closing the tab (or a
// phone killing it) keeps it, and the next tab of theirs that opens the chat sends it. So is the
// alert of a question refused back into the box (why, and the link to where it is fixed): it
// lives as long as the draft it explains, and goes when the box is sent or emptied.
// None of it outlives the session: signing out here forgets it all (forgetAllDrafts), and a page
// showing someone else or nobody forgets what is not theirs (forgetDraftsOfOthers, from
// $lib/left-behind), so a session ended on another device leaves nothing for the next person.
// The text is kept once typing pauses (writeDraftSoon), not on every key: each write copies the
// whole box into storage, 400 kB per key with 200 kB pasted. Whatever still waits is written
// before the page goes (flushDrafts on pagehide, on the tab hidden, on leaving the chat).
import { z } from 'zod';
import { onPageLeaving } from '../page-leaving.ts';

const PREFIX = 'mrprompt-draft:';
const FILES_PREFIX = 'mrprompt-draft-files:';
const QUEUE_PREFIX = 'mrprompt-queued:';
const REFUSAL_PREFIX = 'mrprompt-draft-refusal:';

function key(userId: string | null, sessionId: string | null, prefix = PREFIX): string {
  return `${prefix}${userId ?? 'anonymous'}:${sessionId ?? 'new'}`;
}

/** Whose and which chat's a key of `prefix` is: what `key` wrote into it. */
function keyParts(storageKey: string, prefix: string): { userId: string | null; sessionId: string | null } {
  const [user, session] = storageKey.slice(prefix.length).split(':');
  return { userId: user === 'anonymous' ? null : user!, sessionId: session === 'new' ? null : session! };
}

/** Every key `store` holds now. */
function keysOf(store: Storage): string[] {
  return Array.from({ length: store.length }, (_, i) => store.key(i)).filter((k): k is string => k !== null);
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

/** Where messages waiting to be sent are kept: every tab of this browser reads the same list. */
function sharedStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage blocked: the messages wait in their page only
  }
}

/** The storage key of a chat's waiting messages (a `storage` event naming it says another tab changed them). */
export function queuedKey(userId: string | null, sessionId: string | null): string {
  return key(userId, sessionId, QUEUE_PREFIX);
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
 * the box is empty (sent, cleared). At once: a text of this chat's still waiting to be kept is dropped. */
export function writeDraft(userId: string | null, sessionId: string | null, text: string, store = storage()): void {
  dropWaiting(key(userId, sessionId));
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

/** How long typing pauses before the box's text is kept: a burst of keys is one write. */
export const DRAFT_IDLE_MS = 300;

/** Texts typed but not yet kept, by storage key: the last of each chat's, and its timer. */
const waiting = new Map<string, { timer: ReturnType<typeof setTimeout>; write: () => void }>();

function dropWaiting(storageKey: string): void {
  clearTimeout(waiting.get(storageKey)?.timer);
  waiting.delete(storageKey);
}

/**
 * writeDraft once typing pauses for DRAFT_IDLE_MS (or at flushDrafts); an emptied box is forgotten
 * at once. The text goes under the chat named now: a new chat that gets its id meanwhile keeps it
 * where it was typed (and the send that emptied the box removed it there).
 */
export function writeDraftSoon(userId: string | null, sessionId: string | null, text: string, store = storage()): void {
  if (!text.trim()) return writeDraft(userId, sessionId, text, store);
  const storageKey = key(userId, sessionId);
  const write = () => writeDraft(userId, sessionId, text, store);
  dropWaiting(storageKey);
  waiting.set(storageKey, { timer: setTimeout(write, DRAFT_IDLE_MS), write });
}

/** Writes every text still waiting to be kept, at once: the page is going (a reload, the tab
 * closed or hidden, another chat opened), and a draft must outlive it. */
export function flushDrafts(): void {
  for (const { write } of [...waiting.values()]) write();
}

/** For a view's onMount: flushes the waiting drafts whenever the page may go without another
 * word (pagehide: a reload or the tab closed; the tab hidden, which a phone may kill unseen), and
 * once more when the view goes (another chat opened). */
export function flushDraftsOnLeaving(): () => void {
  const stop = onPageLeaving(flushDrafts);
  return () => {
    stop();
    flushDrafts();
  };
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
export function readQueued(userId: string | null, sessionId: string | null, store = sharedStorage()): QueuedMessage[] {
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

/** How many messages wait to be sent in this browser, in every chat (signing out deletes them). */
export function countWaiting(store = sharedStorage()): number {
  try {
    const queues = store ? keysOf(store).filter((k) => k.startsWith(QUEUE_PREFIX)) : [];
    return queues.reduce((n, k) => {
      const { userId, sessionId } = keyParts(k, QUEUE_PREFIX);
      return n + readQueued(userId, sessionId, store).length;
    }, 0);
  } catch {
    return 0; // blocked storage holds none
  }
}

/** Keeps this chat's waiting messages (none: the entry goes); says whether storage took it. */
export function writeQueued(userId: string | null, sessionId: string | null, items: QueuedMessage[], store = sharedStorage()): boolean {
  try {
    if (items.length > 0) store?.setItem(key(userId, sessionId, QUEUE_PREFIX), JSON.stringify(items));
    else store?.removeItem(key(userId, sessionId, QUEUE_PREFIX));
    return store !== null;
  } catch {
    // Full or blocked storage: the messages wait in this page only, not through a reload or a close.
    return false;
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
 * Forgets every draft (and waiting message) kept in this browser, whoever typed it: signing out leaves nothing of what was
 * being written behind for the next person at this browser (per-user keys only hide it). The
 * drafts are the tab's (`store`), the waiting messages every tab's (`shared`). Returns the paths
 * of the files they kept, for the caller to remove from Storage.
 */
export function forgetAllDrafts(store = storage(), shared = sharedStorage()): string[] {
  return forgetDrafts(() => true, store, shared);
}

/**
 * Forgets the drafts and waiting messages of everyone but `userId` (of everyone when nobody is
 * signed in): the session ended some other way than this browser's Sign out — on another
 * device, by a password reset, by expiring — or someone else signed in, and the next person at
 * this browser must not find them (security review 16 #2). Their files stay in Storage for
 * the server's sweep (CHAT_UPLOAD_GRACE_SECONDS): no one here may remove them now.
 */
export function forgetDraftsOfOthers(userId: string | null, store = storage(), shared = sharedStorage()): void {
  forgetDrafts((owner) => userId === null || owner !== userId, store, shared);
}

function forgetDrafts(forget: (owner: string) => boolean, store: Storage | null, shared: Storage | null): string[] {
  const paths: string[] = [];
  for (const storageKey of [...waiting.keys()]) if (forget(ownerOf(storageKey, PREFIX))) dropWaiting(storageKey); // nothing is written back
  for (const kept of new Set([store, shared])) if (kept) paths.push(...forgetIn(kept, forget));
  return paths;
}

const PREFIXES = [PREFIX, FILES_PREFIX, QUEUE_PREFIX, REFUSAL_PREFIX];

/** The user part of a key (`<prefix><user>:<chat>`): a user id, or 'anonymous'. */
function ownerOf(storageKey: string, prefix: string): string {
  return storageKey.slice(prefix.length).split(':')[0]!;
}

function forgetIn(store: Storage, forget: (owner: string) => boolean): string[] {
  const paths: string[] = [];
  try {
    const prefixOf = (k: string) => PREFIXES.find((p) => k.startsWith(p));
    const keys = keysOf(store).filter((k) => prefixOf(k) !== undefined && forget(ownerOf(k, prefixOf(k)!)));
    for (const k of keys) {
      if (k.startsWith(QUEUE_PREFIX)) {
        const { userId, sessionId } = keyParts(k, QUEUE_PREFIX);
        for (const q of readQueued(userId, sessionId, store)) paths.push(...q.files.map((f) => f.path));
      }
      if (k.startsWith(FILES_PREFIX)) {
        const { userId, sessionId } = keyParts(k, FILES_PREFIX);
        paths.push(...readDraftFiles(userId, sessionId, store).kept.map((f) => f.path));
      }
      store.removeItem(k);
    }
  } catch {
    // Blocked storage holds no drafts.
  }
  return paths;
}
