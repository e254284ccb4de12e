// The words a group chat shows, as plain functions of what the page knows (group.svelte.ts
// holds the state): who wrote a message, whose key answers, who is typing.
import type { Message, Participant } from '$lib/api';

export type Role = 'owner' | 'member' | 'viewer';

/** What each person publishes on their own presence topic (channel.track; lib/chat/person-presence.ts).
 * Names are not taken from it: the payload is the client's own word. */
export interface PresenceState {
  typing: boolean;
}

/** Whether someone other than `myId` wrote `message`: another author, or a deleted account
 * (no author, and a page read that said so with `author_name: null` — or named the author whose
 * deletion a live row then cleared). This tab's own copies (pending, or built while sending: no
 * author and no author_name) are this person's. */
export function writtenByOther(message: Message, myId: string | null): boolean {
  if (message.id.startsWith('pending-')) return false;
  if (!message.author_id) return message.author_name !== undefined;
  return message.author_id !== myId;
}

/** The label over a user message: "You", the author's name, or "Former member" (also for the
 * `deleted` accounts: known gone while the view was open, before any read says so). */
export function authorLabel(message: Message, people: Participant[], myId: string | null, deleted: ReadonlySet<string> = new Set()): string {
  if (message.id.startsWith('pending-') || (message.author_id && message.author_id === myId)) return 'You';
  if (message.author_id && deleted.has(message.author_id)) return 'Former member';
  // No author: a copy this tab built while sending (no author_name either), or a deleted account
  // (a name read before a live row cleared the author is theirs no more).
  if (!message.author_id) return message.author_name === undefined ? 'You' : 'Former member';
  return people.find((p) => p.user_id === message.author_id)?.display_name ?? message.author_name ?? 'Former member';
}

/** Whose account a fresh read of the participants shows gone: the owner of `before` when
 * `after` has another owner and not them. A chat changes owner only when its owner's account is
 * deleted and the chat is handed to its longest-standing member
 * (20261208040000_hand_over_group_chats_of_deleted_accounts.sql), so this holds even when the
 * read comes before the channel's `member_removed` (or instead of it, lost while rejoining). */
export function handedOverFrom(before: Participant[], after: Participant[]): string | null {
  const was = before.find((p) => p.role === 'owner')?.user_id;
  const now = after.find((p) => p.role === 'owner')?.user_id;
  if (!was || !now || was === now || after.some((p) => p.user_id === was)) return null;
  return was;
}

/** "Answered with Alice's key" / "your key": whose provider key answers this person's messages. */
export function keyNote(role: Role, shareOwnerKey: boolean, ownerName: string | undefined): string {
  if (role === 'viewer') return '';
  if (role === 'owner') return shareOwnerKey ? "Answered with your key — also members' messages" : 'Answered with your key; members use their own';
  return shareOwnerKey ? `Answered with ${ownerName ?? 'the owner'}'s key` : 'Answered with your key';
}

/** The names of the people present besides `myId` (only typing ones with `typingOnly`), from
 * the server's participants list by user id — never from what they published. The id is the
 * person topic's, not any presence key: hosted Realtime takes keys and payloads as the client
 * sends them and holds only the topic to the RLS policies on realtime.messages
 * (https://supabase.com/docs/guides/realtime/authorization; lib/chat/person-presence.ts).
 * Someone not (yet) in the list is "Someone" until it is read again. */
export function presentNames(present: Record<string, PresenceState>, people: Participant[], myId: string | null, typingOnly = false): string[] {
  return Object.entries(present)
    .filter(([id, state]) => id !== myId && (!typingOnly || state.typing))
    .map(([id]) => people.find((p) => p.user_id === id)?.display_name ?? 'Someone');
}

/** "Mia is typing…", "Mia and Vic are typing…", "3 people are typing…". */
export function typingLine(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/** Who stopped a stopped answer, as the chat names them: a participant's name, or null for
 * this person's own stop, a stop nobody made (a time limit) and someone no longer listed. */
export function stopperName(message: Message, people: Participant[], myId: string | null): string | null {
  if (message.status !== 'stopped' || !message.stopped_by || message.stopped_by === myId) return null;
  return people.find((p) => p.user_id === message.stopped_by)?.display_name ?? null;
}

/** Whose running answer `answer` is, for "Stop Olive's answer": null when this person asked
 * for it (their Stop is the message box's), else the asker's name ("someone" when unlisted). */
export function otherAsker(answer: Message, people: Participant[], myId: string | null): string | null {
  if (!writtenByOther(answer, myId)) return null;
  return people.find((p) => p.user_id === answer.author_id)?.display_name ?? 'someone';
}
