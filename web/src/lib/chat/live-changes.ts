// One clock for what reaches a chat view: live changes (Realtime rows, this tab's own writes)
// and reads of the server. A read answers with the server as it was when the read began, so
// it is older than every live change made after that, and older than a read begun after it.
// Without the clock, a read that answers late undoes what arrived while it was on its way.

export class LiveChanges {
  private clock = 0;
  private changedAt = new Map<string, number>();
  /** The mark of the newest read applied to the view. */
  private applied = 0;

  /** Row `id` changed live (inserted, updated or removed) now. */
  touch(id: string): void {
    this.changedAt.set(id, ++this.clock);
  }

  /** A read begins; its mark orders it against live changes and other reads. */
  begin(): number {
    return ++this.clock;
  }

  /** Row `id` changed live after the read marked `mark` began: the read's copy of it is older. */
  changedSince(id: string, mark: number): boolean {
    return (this.changedAt.get(id) ?? 0) > mark;
  }

  /**
   * Whether the read marked `mark` may be applied (it is then recorded as applied): not when a
   * read begun after it was applied already. A later read that is merely on its way does not
   * count: it may still fail, and then this one is the newest there is.
   */
  apply(mark: number): boolean {
    if (mark < this.applied) return false;
    this.applied = mark;
    return true;
  }

  /** Whether a read begun after `mark` (a `begin()` taken as a point in time) has been applied. */
  readSince(mark: number): boolean {
    return this.applied > mark;
  }
}
