// Following what a live signal names (the leaf a chat_sessions UPDATE or the `branch` broadcast
// names, the title version a `renamed` broadcast names): the view reads until a read shows it.
//
// One read is not enough. Realtime sends a transaction's row changes and database broadcasts as
// soon as it decodes the commit from the WAL, and Postgres flushes the commit record before the
// committing backend leaves the proc array: for that moment other sessions' snapshots still see
// the chat as it was (hosted Realtime broadcasts a decoded insert at once,
// supabase/realtime lib/realtime/tenants/replication_connection.ex; postgres_changes checks an
// UPDATE against the row's previous, visible version). A read made right after the signal can
// answer from before the change; shown as the newest, it left a second tab on the old branch for
// good under a busy machine's load. The view still shows only what reads answer, so a late
// signal never puts back an older value; it reads again, with growing pauses, and stops when a
// read shows the value, a newer one is named, the value is gone, or the pauses run out.

/** Pauses between reads while a read does not show the named value. */
export const FOLLOW_READ_PAUSES_MS = [250, 500, 1000, 2000, 4000];

export interface FollowedView<T> {
  /** Reads and shows what it answers (unless a newer read was shown meanwhile). */
  reload(): Promise<void>;
  /** Whether the view shows this value (or a newer one). */
  shows(value: T): boolean;
  /** This tab is changing it itself (sending, switching): its own reads follow. */
  busy(): boolean;
}

export class ReadFollower<T> {
  private generation = 0;
  private wanted: T | null = null;

  /** `what` names the value in the warning when no read shows it ("the chat's active leaf"). */
  constructor(
    private readonly view: FollowedView<T>,
    private readonly what: string,
    private readonly pauses: readonly number[] = FOLLOW_READ_PAUSES_MS,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** A signal named `value`: read until the view shows it. */
  follow(value: T): void {
    if (this.wanted === value) return; // already reading for it (both roads name it)
    this.wanted = value;
    void this.readUntilShown(value, ++this.generation);
  }

  /** The value is gone (a deleted message): no read will show it. */
  forget(value: T): void {
    if (this.wanted === value) this.stop();
  }

  stop(): void {
    this.wanted = null;
    this.generation++;
  }

  private async readUntilShown(value: T, generation: number): Promise<void> {
    // Over when a newer value was named (or the view stopped); when this tab changes it itself,
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
      if (this.view.shows(value)) return this.stop();
      const pause = this.pauses[attempt];
      if (pause === undefined) {
        console.warn(`${this.what} ${String(value)} was named live but no read showed it.`);
        return this.stop();
      }
      await this.sleep(pause);
      if (over()) return;
      if (this.view.shows(value)) return this.stop(); // another road brought it meanwhile
    }
  }
}
