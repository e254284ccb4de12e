/**
 * A running turn's live feed to other tabs and devices: its units, then `done`, as Realtime
 * broadcasts on the session's channel (lib/realtime-broadcast.ts) — from the moment its rows
 * exist, so a device that sees a unit can also find the message it belongs to.
 *
 * The channel is joined when the rows exist: the provider's request has left by then
 * (routes/chat.ts writes the rows once the provider has answered it), and the join is usually
 * done before the first token, which then goes to other devices as a frame on the socket.
 * Joined at the first unit instead (until 2026-12-05), that unit's REST request and the join
 * reached Realtime together with the asker's first token (the bench's chat section, 4 at a
 * time, added TTFT p50: +6.0 / +6.1 ms joined at the first unit, +5.1 / +5.6 joined with the
 * rows, +4.3 with no fan-out). Joined at the turn's start it was on the path to the provider
 * (+6.7 ms on 2026-12-01).
 */
import type { Broadcaster } from '../realtime-broadcast.ts';
import type { FinalStatus } from './turn-store.ts';
import type { UnitKind } from './units.ts';

export class TurnFanout {
  private live = false;
  private sent = 0;
  /** 'open': the broadcaster holds the channel for this turn; 'closed': the turn is done with it. */
  private state: 'none' | 'open' | 'closed' = 'none';
  private close: (() => void) | null = null;

  constructor(
    private readonly broadcaster: Broadcaster,
    readonly topic: string,
    private readonly messageId: string,
  ) {}

  /** The turn's rows exist: joins the channel (unless the turn is already done with it) and sends the units so far. */
  begin(texts: readonly string[], kinds: readonly UnitKind[]): void {
    this.live = true;
    if (this.state === 'none') {
      this.state = 'open';
      this.close = this.broadcaster.open(this.topic);
    }
    this.send(texts, kinds);
  }

  /** Sends the units not sent yet (none before the rows exist). */
  send(texts: readonly string[], kinds: readonly UnitKind[]): void {
    if (!this.live) return;
    for (; this.sent < texts.length; this.sent++) {
      const i = this.sent;
      this.broadcaster.send({
        topic: this.topic,
        event: kinds[i] === 'content' ? 'delta' : 'reasoning',
        payload: { message_id: this.messageId, seq: i + 1, text: texts[i] },
      });
    }
  }

  /**
   * The answer's text is whole (its last unit is `seq`) and its final write is waiting: `saving`,
   * so devices stop offering Stop and say so until `done`.
   */
  saving(seq: number): void {
    if (this.live) this.broadcaster.send({ topic: this.topic, event: 'saving', payload: { message_id: this.messageId, seq } });
  }

  /**
   * The answer ended: `done` (once the rows exist), then the channel is released. `seq` is the
   * answer's last unit: a device that holds fewer (it joined late, or a unit's broadcast
   * overtook the asker's own stream) keeps the answer open until the rest arrives. A failed
   * answer's `done` carries what failed (`error`: the text its row stores), so a device that
   * learns of the end from here first shows why at once, not a bare "failed".
   */
  end(status: FinalStatus, code: string | null, seq: number, error: { code: string; message: string } | null = null): void {
    if (this.live) {
      const payload = { message_id: this.messageId, status, code, seq, ...(status === 'error' && error ? { error } : {}) };
      this.broadcaster.send({ topic: this.topic, event: 'done', payload });
    }
    this.release();
  }

  /** The turn is done with its channel (after `done`, or when it failed). */
  release(): void {
    this.state = 'closed';
    this.close?.();
    this.close = null;
  }
}
