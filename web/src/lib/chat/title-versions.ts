// The chat's title as open views show it: the newest one heard of, by its version.
//
// A title reaches a view on three roads that do not keep each other's order: the chat_sessions
// row's Postgres Changes UPDATE, a read of the session (on every rejoin), and the `renamed`
// broadcast, which names only the version (database broadcasts stay in realtime.messages for
// days: they carry no content). Each title comes with chat_sessions.title_version, which the
// database counts up with every rename (20261207190000_name_values_in_session_signals.sql), so a
// late or stale one never replaces a newer one. A `renamed` message can arrive before a read
// sees its commit: the view reads until one shows the version (read-follow.ts).
import { ReadFollower } from './read-follow';

export class TitleVersions {
  /** The version of the title shown (-1: none heard of yet, the page's own is shown). */
  private shown = -1;
  private readonly follower: ReadFollower<number>;

  /** `show` puts a title on screen; `reload` reads the session and offers its title here. */
  constructor(
    private readonly show: (title: string) => void,
    reload: () => Promise<void>,
    pauses?: readonly number[],
    sleep?: (ms: number) => Promise<void>,
  ) {
    this.follower = new ReadFollower<number>({ reload, shows: (version) => this.shown >= version, busy: () => false }, "The chat's title version", pauses, sleep);
  }

  /** A title with its version (a row, a read): shown unless a newer one was. A title without a
   * version (a client older than the column) is shown as before. */
  offer(title: string, version: number | undefined): void {
    if (version !== undefined) {
      if (version < this.shown) return;
      this.shown = version;
    }
    this.show(title);
  }

  /** A `renamed` message named this version: read until a read shows it (or a newer one). */
  named(version: number): void {
    if (this.shown < version) this.follower.follow(version);
  }

  stop(): void {
    this.follower.stop();
  }
}

/** A title with the version it came with (none: from a server older than the column). */
export interface VersionedTitle {
  title: string;
  title_version?: number;
}

/**
 * Of the title a list holds and one that came (a row, a read), the one to keep: the newer by
 * version, so a late read or row never puts back an older title. One without a version on
 * either side is taken as it came, as before the column.
 */
export function newerTitle(held: VersionedTitle | undefined, came: VersionedTitle): VersionedTitle {
  if (held?.title_version !== undefined && came.title_version !== undefined && came.title_version < held.title_version) {
    return { title: held.title, title_version: held.title_version };
  }
  return { title: came.title, title_version: came.title_version };
}

/**
 * Whether a `session_renamed` naming `version` needs the chat read: it names no title (database
 * broadcasts carry ids and counters only, 20261207190000), so a list reads when it does not hold
 * the chat, when either side names no version, or when what it holds is older — never for a
 * version it already shows (a late signal, or the row's change came first).
 */
export function renameNeedsRead(held: VersionedTitle | undefined, version: number | undefined): boolean {
  return held?.title_version === undefined || version === undefined || held.title_version < version;
}
