/**
 * Stopping a turn from anywhere. In this process: abort it directly. Elsewhere: set the stop
 * flag its process polls (private.chat_turns, read every 250 ms) and wait for the answer to
 * be stored. No live process (lease lapsed): settle it here as stopped, from its checkpoints.
 */
import type { TurnRuntime } from './runtime.ts';

const POLL_MS = 50;

/** Stops the user's running answer and waits (up to `timeoutMs`) until it is stored. Returns its status then. */
export async function stopAndWait(turns: TurnRuntime, userId: string, messageId: string, timeoutMs = 5_000): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  const local = turns.registry.get(messageId);
  if (local && local.options.userId === userId) {
    local.stop('stopped_by_user');
    const end = await Promise.race([local.ended, new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs))]);
    return end?.status ?? 'streaming';
  }
  const request = await turns.store.requestStop(userId, messageId);
  if (!request.alive) {
    await turns.store.settleAbandoned(userId, { messageId }, { status: 'stopped', code: 'stopped_by_user' });
  }
  for (;;) {
    const answer = await turns.store.readAnswer(userId, messageId);
    if (!answer) return null;
    if (answer.status !== 'streaming' || Date.now() > deadline) return answer.status;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
