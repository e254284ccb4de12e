/**
 * "Load more" under a list the API reads a page at a time with keyset cursors: the first page
 * comes with the page (server-rendered), each click reads the next one with the last
 * `next_cursor`. The rows loaded are kept apart from the first page so that a fresh first page
 * (after a form action or a navigation) can replace them with `reset`; a row in both is shown
 * once. A failed read says so in a toast and leaves the list as it was, so the click can be
 * tried again.
 *
 *   const pager = new LoadMore('projects', data.nextCursor, async (cursor) => {
 *     const page = await ok(browserApi().GET('/api/projects', { params: { query: { cursor } } }));
 *     return { rows: page.projects, next: page.next_cursor };
 *   });
 *   const projects = $derived(pager.after(data.projects));
 *   <LoadMoreButton {pager} />
 */
import { toast } from './toast.svelte';

export interface Page<T> {
  rows: T[];
  next: string | null;
}

export class LoadMore<T extends { id: string }> {
  more = $state<T[]>([]);
  cursor = $state<string | null>(null);
  loading = $state(false);

  /** `what` names the rows in the button and in the toast ("projects" → "Load more projects"). */
  constructor(readonly what: string, cursor: string | null, private readonly read: (cursor: string) => Promise<Page<T>>) {
    this.cursor = cursor;
  }

  /** A fresh first page: what was loaded after the old one goes. */
  reset(cursor: string | null): void {
    this.more = [];
    this.cursor = cursor;
  }

  /** The first page, then the rows loaded since, each once. */
  after(first: T[]): T[] {
    const seen = new Set(first.map((row) => row.id));
    return [...first, ...this.more.filter((row) => !seen.has(row.id) && (seen.add(row.id), true))];
  }

  async load(): Promise<void> {
    const cursor = this.cursor;
    if (!cursor || this.loading) return;
    this.loading = true;
    try {
      const page = await this.read(cursor);
      this.more = [...this.more, ...page.rows];
      this.cursor = page.next;
    } catch (err) {
      toast.error(err instanceof Error ? `Could not load more ${this.what}: ${err.message}` : `Could not load more ${this.what}.`);
    } finally {
      this.loading = false;
    }
  }
}
