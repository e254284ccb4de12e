// Presence in a group chat by topic, not by what clients say: each person publishes on their
// own topic `session:<id>[:<epoch>]:person:<user id>` and follows the others'. RLS on
// realtime.messages (20261204123804_create_person_presence_policies.sql) lets every participant
// read each person's topic and only that person publish there; hosted Realtime checks only the
// topic against those policies and takes the presence key and payload as sent
// (https://supabase.com/docs/guides/realtime/authorization), so the topic is the one identity a
// client cannot forge. Whatever arrives on a person's topic is shown as that person.

/** The channel of one person's presence in a chat at the chat's channel epoch. */
export function personTopic(sessionId: string, epoch: number, userId: string): string {
  return `session:${sessionId}${epoch > 0 ? `:${epoch}` : ''}:person:${userId}`;
}

/**
 * How many other people's topics one chat view follows. Hosted Realtime allows 100 channels per
 * client connection; the app holds a few of its own (the chat's rows and answers, the sidebar,
 * the user's channel), so a chat with more participants than this shows presence and typing for
 * the first ones in the participants list only (its owner first), and the rest are not shown
 * as here. Nothing else is lost: messages and members arrive over the chat's own channels.
 */
export const MAX_FOLLOWED_PEOPLE = 40;

/** The user ids whose topics a view follows: everyone in the chat but `myId`, at most MAX_FOLLOWED_PEOPLE. */
export function followedPeople(people: { user_id: string; role: string }[], myId: string | null): string[] {
  const ordered = [...people.filter((p) => p.role === 'owner'), ...people.filter((p) => p.role !== 'owner')];
  return [...new Set(ordered.map((p) => p.user_id).filter((id) => id !== myId))].slice(0, MAX_FOLLOWED_PEOPLE);
}

/** One person's presence state (metas by whatever keys their tabs chose) as here / typing. */
export function personState(state: Record<string, Record<string, unknown>[]>): { typing: boolean } | null {
  const metas = Object.values(state).flat();
  return metas.length === 0 ? null : { typing: metas.some((m) => m.typing === true) };
}

/**
 * The set of followed topics, kept in step with the participants: `follow(ids)` joins the topics
 * of new ids and leaves those of ids no longer listed (`join` returns the leave), so a change in
 * the list does not rejoin everyone. `stop()` leaves them all.
 */
export class PersonTopics {
  private following = new Map<string, () => void>();

  constructor(
    private readonly join: (userId: string) => () => void,
    private readonly left: (userId: string) => void,
  ) {}

  follow(userIds: string[]): void {
    const wanted = new Set(userIds);
    for (const [id, leave] of this.following) {
      if (wanted.has(id)) continue;
      this.following.delete(id);
      leave();
      this.left(id);
    }
    for (const id of wanted) if (!this.following.has(id)) this.following.set(id, this.join(id));
  }

  stop(): void {
    this.follow([]);
  }

  get followed(): string[] {
    return [...this.following.keys()];
  }
}
