/**
 * Cuts a turn's provider text into stream units (units.ts) as soon as the live feed can carry
 * them, and no sooner: text that arrives while the feed is busy joins the pending unit.
 * `ready` says when to cut — the broadcast outbox's `whenReady`: at once when no request is in
 * flight, when the one in flight answers, at the latest 50 ms later. So an answer streams chunk
 * by chunk on a quiet server and in larger units under load, instead of in fixed 50 ms units
 * that made every chunk wait ~25 ms on average. The first unit is cut at once: the asker's
 * first token does not wait for other turns' broadcast requests (a new chat has no rows to
 * broadcast from yet anyway, and the outbox batches what it finds queued).
 *
 * A unit never changes kind (answer/reasoning) and never ends inside a surrogate pair.
 */
import { endsInHighSurrogate, type UnitKind } from './units.ts';

export class UnitBatcher {
  private pending: { kind: UnitKind; text: string } | null = null;
  private waiting = false;
  private started = false;

  constructor(
    /** Calls `cut` once, when the units' consumers can take the next one. */
    private readonly ready: (cut: () => void) => void,
    private readonly onUnit: (kind: UnitKind, text: string) => void,
  ) {}

  /** Provider text, in arrival order. */
  add(kind: UnitKind, text: string): void {
    if (!text) return;
    if (this.pending && this.pending.kind !== kind) this.cut();
    this.pending = this.pending ? { kind, text: this.pending.text + text } : { kind, text };
    if (!this.started) return this.cut();
    if (this.waiting) return;
    this.waiting = true;
    this.ready(() => {
      this.waiting = false;
      this.cut();
    });
  }

  /** Cuts what is pending into a unit now; `final` (the stream ended) keeps nothing back. */
  cut(final = false): void {
    if (!this.pending) return;
    let text = this.pending.text;
    let carry = '';
    // Stored and replayed units must be whole text: an emoji split across chunks waits for its other half.
    if (!final && endsInHighSurrogate(text)) {
      carry = text.slice(-1);
      text = text.slice(0, -1);
    }
    const kind = this.pending.kind;
    this.pending = carry ? { kind, text: carry } : null;
    if (!text) return;
    this.started = true;
    this.onUnit(kind, text);
  }
}
