/**
 * Private channels lose access when the answer of their read policies changes — local only.
 *
 * Hosted Realtime evaluates a private channel's RLS policies on realtime.messages when it is
 * joined and again when the client sends a new access token, and keeps the result for the
 * channel's life (https://supabase.com/docs/guides/realtime/authorization: "The validation is
 * done when the user connects"). So on hosted Supabase a user removed from a topic's audience
 * (say, from a group chat) keeps receiving its broadcasts and presence until they rejoin or
 * their token is refreshed; postgres_changes, checked per change, stop at once.
 *
 * Locally every joined private channel is checked again
 *  - shortly after a committed transaction deleted a row of a published table (a chat
 *    deleted: what policies usually read), passes coalesced;
 *  - as soon as a transaction sent a private broadcast from the database (realtime.send to a
 *    private topic): how an app tells people that their access changed — this app's
 *    `memberships_changed` and `member_removed` when someone is removed from or leaves a group
 *    chat, whose session_members table is not published. The broadcasts of that transaction go
 *    out first, so a removed member's channel still gets `member_removed`, then closes;
 *  - every `intervalMs` (default 30 s), for policies that read tables outside the publication.
 * A channel that lost a permission is closed as a token change closes it (system error, then
 * phx_close). This is stricter than hosted, never looser; README says so.
 */
import { isMessagesChange } from './database-broadcast.ts';
import type { Hub } from './hub.ts';
import { recheckRead } from './join.ts';
import type { RowChange } from './replication.ts';

export interface Revalidator {
  /** A transaction committed (all its changes, realtime.messages included, after they were
   * delivered): schedules a pass when it removed rows or sent a private database broadcast. */
  observe(changes: RowChange[]): void;
  /** Resolves after a full pass over the channels joined now (tests, and the timer). */
  revalidate(): Promise<void>;
  stop(): void;
}

export interface RevalidatorOptions {
  intervalMs?: number;
  /** Coalesces bursts of deletes into one pass. */
  delayMs?: number;
}

export function createRevalidator(hub: Hub, options: RevalidatorOptions = {}): Revalidator {
  const delayMs = options.delayMs ?? 50;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const pass = async () => {
    const channels = [...hub.channels].filter((c) => c.isPrivate && !c.isClosed);
    for (const channel of channels) {
      if (stopped) return;
      try {
        await recheckRead(hub, channel);
      } catch (error) {
        // The database is away: keep the channel (its join was valid), ask again next time.
        hub.log(`realtime: revalidating ${channel.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  const revalidate = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = pass().finally(() => {
      running = null;
      if (again && !stopped) {
        again = false;
        void revalidate();
      }
    });
    return running;
  };

  const interval = setInterval(() => void revalidate(), options.intervalMs ?? 30_000);
  interval.unref();

  return {
    observe(changes) {
      if (stopped || timer || !changes.some((c) => c.type === 'DELETE' || isPrivateDatabaseBroadcast(c))) return;
      timer = setTimeout(() => {
        timer = null;
        void revalidate();
      }, delayMs);
      timer.unref();
    },
    revalidate,
    stop() {
      stopped = true;
      clearInterval(interval);
      if (timer) clearTimeout(timer);
    },
  };
}

function isPrivateDatabaseBroadcast(change: RowChange): boolean {
  return change.type === 'INSERT' && isMessagesChange(change) && change.record?.private === 't';
}
