// What is said of the invitations waiting for this person outside the list that answers them:
// the phone's Chats button counts them (the list is inside the closed drawer there), and one
// that arrives while the page is open is announced once.

/** The words after "Chats" on the drawer's button: read with its name, so the count is heard too. */
export function invitationCount(count: number): string {
  return count === 1 ? '1 invitation' : `${count} invitations`;
}

/**
 * The invitations in `list` not in `seen` (ids), and `seen` grown by them. The first read of a
 * page (`seen` null) announces nothing: what waited before the page opened is counted on the
 * button, not read out as news.
 */
export function arrivals<T extends { id: string }>(seen: ReadonlySet<string> | null, list: readonly T[]): { fresh: T[]; seen: Set<string> } {
  const fresh = seen ? list.filter((i) => !seen.has(i.id)) : [];
  return { fresh, seen: new Set([...(seen ?? []), ...list.map((i) => i.id)]) };
}

/** The polite announcement of newly arrived invitations ('' for none). */
export function arrivalNews(fresh: readonly { inviter_name: string; session_title: string | null }[]): string {
  if (fresh.length === 0) return '';
  if (fresh.length > 1) return `${fresh.length} new invitations to group chats. They are under Invitations in Chats.`;
  const [one] = fresh;
  return `New invitation: ${one!.inviter_name} invites you to “${one!.session_title || 'Untitled chat'}”. It is under Invitations in Chats.`;
}
