// What each answer of one chat cost the signed-in user: their usage log's calls of that chat
// (GET /api/usage/recent?session_id=…), read once per chat opened and shared by every answer,
// and read again when an answer ends on screen (its call is logged as it ends). Answers the
// user did not pay for (a group chat member's, on their own key) have no cost here.
import { browserApi, ok } from '$lib/api';

type Costs = Map<string, number | null>;

const bySession = new Map<string, Promise<Costs>>();

function read(sessionId: string): Promise<Costs> {
  const costs = ok(browserApi().GET('/api/usage/recent', { params: { query: { session_id: sessionId, limit: 100 } } }))
    .then(({ calls }) => new Map(calls.flatMap((call) => (call.message_id ? [[call.message_id, call.cost_usd] as const] : []))))
    .catch((): Costs => new Map());
  bySession.set(sessionId, costs);
  return costs;
}

/**
 * The answer's cost in USD: null when its model has no price, undefined when the user's log
 * has no call for it. `endedHere`: the answer finished while shown, so a list read earlier
 * cannot have it yet; answers that end together share one new read.
 */
export async function answerCost(sessionId: string, messageId: string, endedHere = false): Promise<number | null | undefined> {
  const before = bySession.get(sessionId);
  const costs = await (before ?? read(sessionId));
  if (costs.has(messageId) || !endedHere || !before) return costs.get(messageId);
  const now = bySession.get(sessionId);
  return (await (now && now !== before ? now : read(sessionId))).get(messageId);
}
