// Realtime frames in browser journeys: a Phoenix frame read, frames held back and sent on
// later, and a page whose socket drops row changes (a device that misses them).
import type { Page } from 'playwright-core';

/** A Phoenix text frame's ref, topic and event (v2 arrays `[join_ref, ref, topic, event, payload]`, or v1 objects). */
export function phoenixFrame(frame: string): { ref: string; topic: unknown; event: unknown } | undefined {
  try {
    const message: unknown = JSON.parse(frame);
    if (Array.isArray(message)) return { ref: String(message[1]), topic: message[2], event: message[3] };
    if (typeof message !== 'object' || message === null) return undefined;
    const { ref, topic, event } = message as { ref?: unknown; topic?: unknown; event?: unknown };
    return { ref: String(ref), topic, event };
  } catch {
    return undefined;
  }
}

/** Frames a routed socket keeps back while told to, then sends on in order: a signal delivered after newer ones. */
export class HeldFrames {
  private pick: ((frame: string) => boolean) | null = null;
  private readonly kept: (() => void)[] = [];

  /** Keeps back the frames `pick` chooses, from now on (null: none). */
  hold(pick: ((frame: string) => boolean) | null): void {
    this.pick = pick;
  }

  /** How many are kept back. */
  get count(): number {
    return this.kept.length;
  }

  /** Sends the kept frames on, in the order they came, and keeps back no more. */
  release(): void {
    this.pick = null;
    for (const send of this.kept.splice(0)) send();
  }

  /** Keeps `frame` back (its `send` for later) when chosen; a binary one (how database broadcasts
   * reach v2 clients, local/src/realtime/protocol.ts) is chosen by its bytes read as text. */
  take(frame: string | Buffer, send: () => void): boolean {
    if (!this.pick?.(typeof frame === 'string' ? frame : frame.toString('utf8'))) return false;
    this.kept.push(send);
    return true;
  }
}

/**
 * Routes a page's Realtime socket so that no Postgres Changes event reaches it: joins, replies,
 * broadcasts and presence pass, no row change does (hosted Realtime does not promise their
 * delivery either); `held` keeps back the frames it is told to. Call before the page opens the
 * socket; returns how many were dropped so far.
 */
export async function dropRowChanges(page: Page, held?: HeldFrames): Promise<() => number> {
  let dropped = 0;
  await page.routeWebSocket(/\/realtime\/v1\/websocket/, (socket) => {
    const server = socket.connectToServer();
    server.onMessage((message) => {
      if (typeof message === 'string' && phoenixFrame(message)?.event === 'postgres_changes') {
        dropped++;
        return;
      }
      if (held?.take(message, () => socket.send(message))) return;
      socket.send(message);
    });
  });
  return () => dropped;
}
