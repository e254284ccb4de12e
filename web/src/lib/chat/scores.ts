// The signed-in user's scores for one chat, loaded once per chat and shared by every answer's
// rating buttons (one request per chat opened, not one per answer).
import { browserApi, ok } from '$lib/api';

export type Score = { id: string; rating: 'up' | 'down'; comment: string | null };

const bySession = new Map<string, Promise<Map<string, Score>>>();

export function sessionScores(sessionId: string): Promise<Map<string, Score>> {
  let pending = bySession.get(sessionId);
  if (!pending) {
    pending = ok(browserApi().GET('/api/scores', { params: { query: { session_id: sessionId } } }))
      .then(({ scores }) => new Map(scores.flatMap((s) => (s.message_id ? [[s.message_id, s] as const] : []))))
      .catch(() => new Map());
    bySession.set(sessionId, pending);
  }
  return pending;
}

export async function saveScore(messageId: string, rating: 'up' | 'down', comment: string | null): Promise<Score> {
  return await ok(browserApi().PUT('/api/scores', { body: { message_id: messageId, rating, comment } }));
}
