// Following the leaf a live signal names (a chat_sessions UPDATE, the `branch` broadcast): the
// view reads the active branch until a read shows that leaf.
//
// One read is not enough. Realtime sends a transaction's row changes and database broadcasts as
// soon as it decodes the commit from the WAL, and Postgres flushes the commit record before the
// committing backend leaves the proc array: for that moment other sessions' snapshots still see
// the chat as it was (hosted Realtime broadcasts a decoded insert at once,
// supabase/realtime lib/realtime/tenants/replication_connection.ex; postgres_changes checks an
// UPDATE against the row's previous, visible version). A read made right after the signal can
// answer from before the switch; shown as the newest, it left a second tab on the old branch for
// good under a busy machine's load. The view still shows only what reads answer, so a late
// signal never puts back an older branch; it reads again, with growing pauses, and stops when a
// read shows the leaf, a newer leaf is named, the leaf is gone, or the pauses run out.

/** Pauses between reads of the branch while a read does not show the named leaf. */
export const LEAF_READ_PAUSES_MS = [250, 500, 1000, 2000, 4000];

export interface LeafView {
  /** Reads the active branch and shows it (unless a newer read was shown meanwhile). */
  reload(): Promise<void>;
  /** Whether the view shows this message. */
  shows(id: string): boolean;
  /** This tab is sending or switching: its own reads follow the leaf. */
  busy(): boolean;
}

export class LeafFollower {
  private generation = 0;
  private wanted: string | null = null;

  constructor(
    private readonly view: LeafView,
    private readonly pauses: readonly number[] = LEAF_READ_PAUSES_MS,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** A signal named `leaf` as the session's active leaf: read until the view shows it. */
  follow(leaf: string): void {
    if (this.wanted === leaf) return; // already reading for it (both roads name it)
    this.wanted = leaf;
    void this.readUntilShown(leaf, ++this.generation);
  }

  /** The message is gone (deleted): no read will show it. */
  forget(id: string): void {
    if (this.wanted === id) this.stop();
  }

  stop(): void {
    this.wanted = null;
    this.generation++;
  }

  private async readUntilShown(leaf: string, generation: number): Promise<void> {
    // Over when a newer leaf was named (or the view stopped); when this tab sends or switches,
    // its own reads follow.
    const over = () => {
      if (generation !== this.generation) return true;
      if (!this.view.busy()) return false;
      this.stop();
      return true;
    };
    for (let attempt = 0; ; attempt++) {
      await this.view.reload().catch(() => {});
      if (over()) return;
      if (this.view.shows(leaf)) return this.stop();
      const pause = this.pauses[attempt];
      if (pause === undefined) {
        console.warn(`The chat's active leaf ${leaf} was named live but no read of the branch showed it.`);
        return this.stop();
      }
      await this.sleep(pause);
      if (over()) return;
    }
  }
}
