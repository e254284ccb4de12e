// Where each message shown sits on the branch (the conversation from its first message to the
// active leaf), for screen readers: "Message 12 of 50" describes each article, so fifty
// articles named "Your message" and "Assistant message" can be told apart and counted. The
// server gives each row its depth on the branch (`branch_depth`, the messages before it); the
// view holds a contiguous part of the branch (older pages read on scroll-up, or a window
// around a search hit with newer pages below), so a row without it (this tab's own, while
// sending) follows the one before it. The count is the branch's length only while the view
// reaches its newest message; in a window further back it is unknown, and left unsaid.
import type { Message } from '$lib/api';

/** A message's 1-based place on the branch shown, and the branch's length; null where unknown. */
export interface MessagePlace {
  position: number | null;
  of: number | null;
}

/**
 * The place of each of `messages` (oldest first, a contiguous part of the branch).
 * `fromFirst`: the view starts at the branch's first message (no older page to read);
 * `toNewest`: it ends at the newest (no window further back).
 */
export function messagePlaces(messages: Message[], fromFirst: boolean, toNewest: boolean): MessagePlace[] {
  const positions: (number | null)[] = [];
  for (const [index, message] of messages.entries()) {
    const before = index === 0 ? (fromFirst ? 0 : null) : positions[index - 1]!;
    positions.push(typeof message.branch_depth === 'number' ? message.branch_depth + 1 : before === null ? null : before + 1);
  }
  const last = positions.at(-1) ?? null;
  return positions.map((position) => ({ position, of: toNewest && position !== null ? last : null }));
}

/** "Message 12 of 50", "Message 12" (a window further back), or null where the place is unknown. */
export function placeLabel(place: MessagePlace | undefined): string | null {
  if (!place?.position) return null;
  return place.of ? `Message ${place.position} of ${place.of}` : `Message ${place.position}`;
}
