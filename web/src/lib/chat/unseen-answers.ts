// Broadcast and the rows' channel reach a chat view by two roads: an answer's deltas come
// from the function that runs it (Broadcast on session:<id>), its rows from the database
// (Postgres Changes, through the replication stream and each subscriber's RLS check). The
// deltas are usually first by a few milliseconds; the rows follow. When they do not follow —
// a row change Realtime did not deliver (hosted Realtime does not promise delivery:
// https://supabase.com/docs/guides/realtime/postgres-changes) — the view would never show the
// question and answer that another person or device is writing. A broadcast that names an
// answer the view does not hold therefore gives the rows a grace period, and the view re-reads
// the chat when they have not come by then — unless it read the branch meanwhile (a switch, a
// rejoin), which would have brought the answer had it belonged there. Once per answer, so an
// answer the view has no place for (another branch) costs at most one read, not one per delta.

export interface UnseenView {
  /** The view shows answer `id`, or knows it is gone or elsewhere (removed, superseded). */
  holds(id: string): boolean;
  /** Now, on the view's clock of reads (live-changes.ts `begin`). */
  mark(): number;
  /** A read of the branch begun after `mark` has been applied. */
  readSince(mark: number): boolean;
  /** Re-reads the chat for answer `id`, which the rows' channel did not bring. */
  reread(id: string): void;
}

export class UnseenAnswers {
  private named = new Set<string>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly view: UnseenView,
    /** How long the rows may trail the broadcast (the replication stream's p99 under load is ~0.1 s). */
    readonly graceMs = 2_000,
  ) {}

  /** A broadcast event named answer `id`. */
  saw(id: string): void {
    if (this.named.has(id) || this.view.holds(id)) return;
    this.named.add(id);
    const since = this.view.mark();
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        if (!this.view.holds(id) && !this.view.readSince(since)) this.view.reread(id);
      }, this.graceMs),
    );
  }

  /** The view is closing: no re-read after it. */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
