/**
 * The turns this process is running, by assistant message id, and their link to the
 * database: while any turn runs, one timer per process
 *  - reads the stop flags of all of them (every `stopPollMs`, 250 ms: a stop sent to another
 *    instance reaches the provider call well within 1 s), and
 *  - renews all their leases in one statement (every lease/3), so a lease only lapses when
 *    the process is gone (killed, redeployed, out of memory) — then whoever reads the
 *    session settles the answer from its checkpoints.
 * A stop that lands in this process skips the poll (stopLocal). Polling works the same
 * through Supabase's transaction pooler, across instances and without LISTEN/NOTIFY.
 */
import type { Logger } from '../log.ts';
import type { Turn } from './turn.ts';
import type { TurnStore } from './turn-store.ts';

export interface TurnRegistryOptions {
  store: TurnStore;
  log: Logger;
  leaseMs: number;
  stopPollMs?: number;
}

export class TurnRegistry {
  private readonly turns = new Map<string, Turn>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastRenewal = 0;
  private polling = false;

  constructor(private readonly options: TurnRegistryOptions) {}

  get size() {
    return this.turns.size;
  }

  get(messageId: string): Turn | undefined {
    return this.turns.get(messageId);
  }

  /** Tracks a started turn until it ends. */
  add(turn: Turn): void {
    this.turns.set(turn.messageId, turn);
    void turn.ended.finally(() => {
      this.turns.delete(turn.messageId);
      if (this.turns.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    });
    this.timer ??= setInterval(() => void this.poll(), this.options.stopPollMs ?? 250);
  }

  /** Stops a turn running in this process; false when it runs elsewhere (or not at all). */
  stopLocal(messageId: string, code = 'stopped_by_user'): boolean {
    const turn = this.turns.get(messageId);
    if (!turn || turn.end) return false;
    turn.stop(code);
    return true;
  }

  /** Stops every running turn (the runtime is shutting down) and waits for them to be saved. */
  async stopAll(code: string, timeoutMs: number): Promise<void> {
    const running = [...this.turns.values()];
    for (const turn of running) turn.stop(code);
    await Promise.race([Promise.allSettled(running.map((t) => t.ended)), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  }

  private async poll() {
    if (this.polling || this.turns.size === 0) return;
    this.polling = true;
    try {
      const ids = [...this.turns.keys()];
      const renew = Date.now() - this.lastRenewal >= this.options.leaseMs / 3;
      const stops = renew ? await this.options.store.renewLeases(ids, this.options.leaseMs) : await this.options.store.stopRequests(ids);
      if (renew) this.lastRenewal = Date.now();
      for (const { messageId, stopCode } of stops) this.turns.get(messageId)?.stop(stopCode ?? 'stopped_by_user');
    } catch (error) {
      // The database is away: the turns keep streaming; their leases lapse only if it stays away.
      this.options.log.warn('chat turn poll failed', { message: error instanceof Error ? error.message : String(error) });
    } finally {
      this.polling = false;
    }
  }
}
