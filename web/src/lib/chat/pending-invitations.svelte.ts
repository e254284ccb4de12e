// The invitations waiting for this person, read once per chat layout and shared: the sidebar's
// list answers them (routes/chat/Invitations.svelte, which reads them again when this person's
// channel says they changed), the phone's Chats button counts them, and the layout announces
// one that arrives while the page is open (lib/chat/invitation-news.ts).
import { getContext, setContext } from 'svelte';
import { browserApi, ok, type MyInvitation } from '$lib/api';
import { showHidden } from '$lib/invisible-chars';
import { orderedReads } from '$lib/ordered-reads';
import { arrivalNews, arrivals } from './invitation-news';

export class PendingInvitations {
  list = $state<MyInvitation[]>([]);
  /** The latest announcement of invitations that arrived (the live region's text). */
  news = $state('');
  #seen: Set<string> | null = null;
  /** Reads on their way when another begins (mount, the channel's join, each signal) may answer
   * in any order: an older answer must not replace a newer list (an invitation just made would
   * vanish until the next signal). */
  #reads = orderedReads();

  /** Reads the pending invitations again (on load, and when a signal says they changed). */
  async reload(): Promise<void> {
    const read = this.#reads.begin();
    const body = await ok(browserApi().GET('/api/invitations')).catch(() => null);
    if (body && read.apply()) this.#show(body.invitations);
  }

  /** This person answered one here: reads begun before the answer may still list it. */
  answered(id: string): void {
    this.#reads.supersede();
    this.list = this.list.filter((i) => i.id !== id);
  }

  #show(list: MyInvitation[]): void {
    const { fresh, seen } = arrivals(this.#seen, list);
    this.#seen = seen;
    this.list = list;
    const news = arrivalNews(fresh.map((i) => ({ ...i, session_title: showHidden(i.session_title || 'Untitled chat') })));
    if (news) this.news = news;
  }
}

const KEY = Symbol('pending-invitations');

/** The chat layout's list: one per page, so that a sign-out never leaves one person's in another's. */
export function providePendingInvitations(): PendingInvitations {
  const invitations = new PendingInvitations();
  setContext(KEY, invitations);
  return invitations;
}

/** The enclosing chat layout's list (a list of its own outside one, as in a component test). */
export function pendingInvitations(): PendingInvitations {
  return getContext<PendingInvitations | undefined>(KEY) ?? new PendingInvitations();
}
