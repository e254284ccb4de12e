// What each answer of one chat cost the signed-in user, and what its tokens were made of: their
// usage log's calls of that chat (GET /api/usage/recent?session_id=…), read once per chat opened
// and shared by every answer, and read again when an answer ends on screen (its call is logged
// as it ends). Answers the user did not pay for (a group chat member's, on their own key) have
// no call here. The chat's other calls (naming it: purpose `title`) are Usage's to show; the
// footer stays per answer.
import { browserApi, ok } from '$lib/api';

/** An answer's call: its cost (null: an unpriced model) and the token parts its provider reported. */
export interface AnswerCall {
  cost_usd: number | null;
  cached_tokens: number | null;
  reasoning_tokens: number | null;
}

type Calls = Map<string, AnswerCall>;

const bySession = new Map<string, Promise<Calls>>();

function read(sessionId: string): Promise<Calls> {
  const calls = ok(browserApi().GET('/api/usage/recent', { params: { query: { session_id: sessionId, limit: 100 } } }))
    .then(({ calls }) => new Map(calls.flatMap((call) => (call.message_id ? [[call.message_id, call] as const] : []))))
    .catch((): Calls => new Map());
  bySession.set(sessionId, calls);
  return calls;
}

/**
 * The answer's call, undefined when the user's log has none for it. `endedHere`: the answer
 * finished while shown, so a list read earlier cannot have it yet; answers that end together
 * share one new read.
 */
export async function answerCall(sessionId: string, messageId: string, endedHere = false): Promise<AnswerCall | undefined> {
  const before = bySession.get(sessionId);
  const calls = await (before ?? read(sessionId));
  if (calls.has(messageId) || !endedHere || !before) return calls.get(messageId);
  const now = bySession.get(sessionId);
  return (await (now && now !== before ? now : read(sessionId))).get(messageId);
}
