// The sidebar's chats: the list (read a page at a time as it is scrolled), the archive (the
// same, once opened), and what this tab heard of them since (Realtime rows, its own pin and
// archive, deletes) — Sidebar.svelte wires the live channels to it and shows it.
//
// The pages read so far are a span of the list (lib/chat/session-span.ts). A re-read (after
// Realtime rejoined, or a signal) reads as many pages again: a chat within them it lacks was
// archived or deleted, one below them is simply not read yet. A list that lost chats (deleted,
// archived or left here or on another device) reads as many more from below, so that it holds
// what a fresh load would (two devices show the same chats after a delete).
import { browserApi, ok, type ChatSession } from '$lib/api';
import { orderedReads } from '$lib/ordered-reads';
import { sessionRow } from '$lib/realtime-rows';
import { archivedChats } from './archived-chats.svelte';
import { byRecent, deeper, PAGE, readAgain, within, type FirstPage, type SessionsPage, type Span } from './session-span';
import { newerTitle } from './title-versions';

/** title_version: how many times the title changed (lib/chat/title-versions.ts); absent from an older server. */
export type SidebarItem = Pick<ChatSession, 'id' | 'title' | 'project_id' | 'last_message_at' | 'pinned_at' | 'archived_at'> & { role?: 'owner' | 'member' | 'viewer'; title_version?: number };
/** A row from Realtime (no marks: they are the user's own, not the chat's) or the API. */
export type SidebarRow = Omit<SidebarItem, 'pinned_at' | 'archived_at'> & Partial<Pick<SidebarItem, 'pinned_at' | 'archived_at'>>;

export type ReadSessions = (query: { archived?: 'true'; cursor?: string; limit: number }) => Promise<SessionsPage<SidebarRow>>;

const readFromApi: ReadSessions = (query) => ok(browserApi().GET('/api/sessions', { params: { query } }));
const message = (err: unknown) => (err instanceof Error ? err.message : 'the API did not answer');

/** Reads of one list a page at a time: how far they reach, how many chats they held, the read under way. */
class Pages {
  span = $state<Span>({ oldest: null, next: null });
  loading = $state(false);
  /** Why the last read failed ('' when it did not). */
  error = $state('');
  /** How many chats the pages read held: fewer now and the next are read to make up for them. */
  count = 0;

  /** `span` reaches further: it becomes the pages'. */
  extend(span: Span) {
    if (deeper(span, this.span)) this.span = span;
  }

  /**
   * Reads the page after the span (`read` with its cursor), hands its rows to `take`, and
   * reaches further (counting them when `grow`); false when there is none, one is under way,
   * or it failed (said in `error`).
   */
  async next(read: (cursor: string) => Promise<SessionsPage<SidebarRow>>, take: (rows: SidebarRow[]) => void, grow: boolean): Promise<boolean> {
    const cursor = this.span.next;
    if (!cursor || this.loading) return false;
    this.loading = true;
    try {
      const body = await read(cursor);
      this.error = '';
      take(body.sessions);
      if (grow) this.count += body.sessions.length;
      this.extend({ oldest: body.sessions.at(-1) ?? this.span.oldest, next: body.next_cursor });
      return true;
    } catch (err) {
      this.error = message(err);
      return false;
    } finally {
      this.loading = false;
    }
  }
}

export class SidebarList {
  /** The chats shown outside the archive. */
  list = $state<SidebarItem[]>([]);
  /** The archived chats, read when "Archived chats" is first opened; null until then. */
  archive = $state<SidebarItem[] | null>(null);
  readonly pages = new Pages();
  readonly archivePages = new Pages();

  /** The newest state of sessions Realtime (or this tab's own pin/archive) told us about, and
   * ones seen deleted: a layout load that read the list before they were committed (a new chat
   * navigates while its first turn is still being written) must not drop, revive or unarchive them. */
  private readonly live = new Map<string, SidebarItem>();
  private readonly deleted = new Set<string>();
  /** Live changes are numbered; a read of the list that began before a chat's last change is
   * older than what it shows for that chat (a chat created while the re-read after a join was
   * on its way is not in it), so that read neither drops nor overwrites it. */
  private changes = 0;
  private readonly changedAt = new Map<string, number>();
  private changedSince = (id: string, mark: number) => (this.changedAt.get(id) ?? 0) > mark;
  /** Re-reads of the list, and of the archive, that answer out of order (lib/ordered-reads.ts). */
  private readonly reads = orderedReads();
  private readonly archiveReads = orderedReads();

  /** `sessions` and `first`: the layout's read (server-rendered with the page). */
  constructor(sessions: SidebarItem[], first: FirstPage, private readonly read: ReadSessions = readFromApi) {
    this.loaded(sessions, first);
  }

  /** The layout's read of the list (first page and pinned chats): what this tab heard since stays. */
  loaded(sessions: SidebarItem[], first: FirstPage) {
    const loaded = sessions.filter((s) => !this.deleted.has(s.id)).map((s) => this.live.get(s.id) ?? s);
    const ids = new Set(loaded.map((s) => s.id));
    this.list = [...loaded, ...[...this.live.values()].filter((s) => !ids.has(s.id))].filter((s) => !s.archived_at);
    const span = { oldest: first.oldest, next: first.next };
    if (this.pages.count === 0 || deeper(span, this.pages.span)) {
      this.pages.span = span;
      this.pages.count = Math.max(this.pages.count, first.count);
    }
  }

  held = (id: string): SidebarItem | undefined => this.live.get(id) ?? this.list.find((s) => s.id === id) ?? this.archive?.find((s) => s.id === id);
  isKnown = (id: string) => this.held(id) !== undefined;
  isDeleted = (id: string) => this.deleted.has(id);

  /** A chat's newest state: from Realtime or this tab's own action (`fromRead` false), or a read of the list.
   * Realtime's rows lack the marks: the known ones stay. */
  upsert = (row: SidebarRow, fromRead = false) => {
    if (this.deleted.has(row.id)) return;
    if (!fromRead) this.changedAt.set(row.id, ++this.changes);
    const known = this.held(row.id);
    const role = row.role ?? known?.role;
    // A read or row from before a rename this list has heard of keeps its newer title.
    const { title, title_version } = newerTitle(known, row);
    const pinned_at = row.pinned_at === undefined ? (known?.pinned_at ?? null) : row.pinned_at;
    const archived_at = row.archived_at === undefined ? (known?.archived_at ?? null) : row.archived_at;
    const item = { id: row.id, title, title_version, project_id: row.project_id, last_message_at: row.last_message_at, pinned_at, archived_at, role };
    this.live.set(item.id, item);
    if (row.archived_at !== undefined) archivedChats.byId[item.id] = item.archived_at !== null;
    // Archived chats live in the archive list only.
    if (this.archive) this.archive = item.archived_at ? [item, ...this.archive.filter((s) => s.id !== item.id)].sort(byRecent) : this.archive.filter((s) => s.id !== item.id);
    const index = this.list.findIndex((s) => s.id === item.id);
    if (item.archived_at) this.list = this.list.filter((s) => s.id !== item.id);
    else if (index === -1) this.list = [item, ...this.list];
    else this.list[index] = item;
    if (!fromRead) this.fill();
  };

  /** A chat this tab left: out of the list, and reads begun before now keep it out (unlike a
   * deleted one, it may come back: an invitation accepted later is a read begun after). */
  forget(id: string) {
    this.changedAt.set(id, ++this.changes);
    this.live.delete(id);
    this.list = this.list.filter((s) => s.id !== id);
    this.fill();
  }

  /** A chat deleted: forgotten, for good. */
  remove(id: string) {
    this.deleted.add(id);
    if (this.archive) this.archive = this.archive.filter((s) => s.id !== id);
    this.forget(id);
  }

  /** One chat as the API shows it to this user, marks included. */
  async readOne(id: string) {
    const mark = this.changes;
    const body = await ok(browserApi().GET('/api/sessions/{id}', { params: { path: { id } } })).catch(() => null);
    const row = body ? sessionRow.safeParse(body) : null;
    if (row?.success && !this.changedSince(id, mark)) this.upsert(row.data);
  }

  /** The chats read (a page, or a re-read): each shown unless this tab heard of it since `mark`. */
  private take(rows: SidebarRow[], mark: number): Set<string> {
    const seen = new Set<string>();
    for (const row of rows) {
      const parsed = sessionRow.safeParse(row);
      if (!parsed.success) continue;
      seen.add(parsed.data.id);
      if (!this.changedSince(parsed.data.id, mark)) this.upsert(parsed.data, true);
    }
    return seen;
  }

  /** The next page of the list ("Show more chats", or the sidebar scrolled near its end). */
  async loadMore(limit = PAGE, grow = true): Promise<void> {
    const mark = this.changes;
    if (await this.pages.next((cursor) => this.read({ cursor, limit }), (rows) => this.take(rows, mark), grow)) this.fill();
  }

  /** Chats left the pages read: as many more are read from below (not while a read is failing:
   * the reader's "Try again" or next scroll does it). */
  private fill() {
    const short = (pages: Pages, items: SidebarItem[]) =>
      pages.span.next && !pages.loading && !pages.error ? pages.count - items.filter((s) => within(s, pages.span)).length : 0;
    const list = short(this.pages, this.list);
    if (list > 0) void this.loadMore(Math.min(PAGE, list), false);
    const archive = this.archive ? short(this.archivePages, this.archive) : 0;
    if (archive > 0) void this.loadMoreArchive(Math.min(PAGE, archive), false);
  }

  /** Changes made while Realtime was (re)joining were not delivered: the pages read are read again. */
  async refresh() {
    const read = this.reads.begin();
    const mark = this.changes;
    const again = await readAgain((cursor) => this.read({ cursor, limit: PAGE }), this.pages.span).catch(() => null);
    // A later read (the channel rejoined again) already answered: this one is older than it.
    if (!again || !read.apply()) return;
    const seen = this.take(again.rows, mark);
    // A chat within the pages read again that they lack was archived or deleted before the read
    // (one Realtime brought in after the read began is simply newer than it).
    const gone = (s: SidebarItem) => !seen.has(s.id) && !this.changedSince(s.id, mark) && within(s, again.span, true);
    for (const item of this.list.filter(gone)) this.live.delete(item.id);
    this.list = this.list.filter((s) => !gone(s));
    this.pages.extend(again.span);
    this.fill();
  }

  /** The archive read (when first opened), or read again as far as its pages reached (a signal). */
  async readArchive() {
    const read = this.archiveReads.begin();
    const mark = this.changes;
    const pages = this.archivePages;
    const first = this.archive === null;
    let again;
    try {
      again = await readAgain((cursor) => this.read({ archived: 'true', cursor, limit: PAGE }), first ? null : pages.span);
    } catch (err) {
      pages.error = message(err);
      return;
    }
    if (!read.apply()) return;
    pages.error = '';
    // Chats archived or restored while the read was on its way: their live state wins. Chats
    // below what was read are the later pages, kept.
    const fresh = again.rows.filter((s) => !this.deleted.has(s.id) && !this.changedSince(s.id, mark));
    const changed = [...this.live.values()].filter((s) => this.changedSince(s.id, mark) && s.archived_at);
    const ids = new Set([...fresh, ...changed].map((s) => s.id));
    const below = (this.archive ?? []).filter((s) => !ids.has(s.id) && !within(s, again.span, true));
    this.archive = [...fresh.map((s) => ({ ...s, pinned_at: s.pinned_at ?? null, archived_at: s.archived_at ?? null })), ...changed, ...below].sort(byRecent);
    if (first) {
      pages.span = again.span;
      pages.count = again.rows.length;
    } else pages.extend(again.span);
    this.fill();
  }

  /** The archive's next page. */
  async loadMoreArchive(limit = PAGE, grow = true) {
    if (!this.archive) return;
    const mark = this.changes;
    const take = (rows: SidebarRow[]) => {
      const known = new Set(this.archive!.map((s) => s.id));
      const fresh = rows.filter((s) => !known.has(s.id) && !this.deleted.has(s.id) && !this.changedSince(s.id, mark));
      this.archive = [...this.archive!, ...fresh.map((s) => ({ ...s, pinned_at: s.pinned_at ?? null, archived_at: s.archived_at ?? null }))].sort(byRecent);
    };
    if (await this.archivePages.next((cursor) => this.read({ archived: 'true', cursor, limit }), take, grow)) this.fill();
  }
}
