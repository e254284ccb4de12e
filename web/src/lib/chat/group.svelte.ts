// A group chat as one person sees it: their role, the people in it (names for the author of
// each message), whose key answers what they send, who is here now and who is typing
// (Realtime Presence on each person's own topic, lib/chat/person-presence.ts: this view publishes
// on its own and follows the other participants'), and whether they were removed. Solo chats
// show none of it.
import type { Message, Participant } from '$lib/api';
import type { TableWatch } from '$lib/realtime';
import { deletedRow } from '$lib/realtime-rows';
import { authorLabel, handedOverFrom, keyNote, otherAsker, presentNames, stopperName, writtenByOther, type PresenceState, type Role } from './group-labels';
import { followedPeople, personState } from './person-presence';
import { PresenceThrottle } from './presence-throttle';

export { typingLine, type PresenceState, type Role } from './group-labels';

/** How long typing counts after the last keystroke. */
export const TYPING_IDLE_MS = 4000;

/** This person's own presence topic as this class uses it (lib/realtime.ts watchPrivateChannel). */
export interface PresenceChannel {
  track(state: Record<string, unknown>): void;
  stop(): void;
}

export class GroupChat {
  people = $state<Participant[]>([]);
  shareOwnerKey = $state(false);
  /** Everyone here now, by the user id of their person topic (any of their tabs), with the latest state. */
  present = $state<Record<string, PresenceState>>({});
  removed = $state(false);
  /** The chat itself was deleted while open here (on another device, or by its owner). */
  deleted = $state(false);
  role = $state<Role>('owner');
  /** Accounts deleted while this view was open: their words are a former member's at once, as a
   * page read shows them once the deletion has set their messages' author to null. */
  private deletedAuthors = $state<ReadonlySet<string>>(new Set());

  constructor(
    readonly myId: string | null,
    role: Role,
    people: Participant[],
    shareOwnerKey: boolean,
    /** The messages the view holds: someone else's words among them make it a group chat. */
    private readonly messages: () => Message[] = () => [],
  ) {
    this.role = role;
    this.people = people;
    this.shareOwnerKey = shareOwnerKey;
  }

  /** A fresh read of GET /sessions/{id}/members: people, key sharing, and this person's role. */
  update(members: { participants: Participant[]; share_owner_key: boolean }): void {
    const gone = handedOverFrom(this.people, members.participants);
    if (gone) this.deletedAuthors = new Set([...this.deletedAuthors, gone]);
    this.people = members.participants;
    this.shareOwnerKey = members.share_owner_key;
    const mine = members.participants.find((p) => p.user_id === this.myId);
    if (mine) this.role = mine.role;
  }

  /** A chat with anyone besides its owner (or one this person only joined, or where someone else
   * is present), or with anyone else's words in it: once the last other participant left, was
   * removed or deleted their account, what they wrote is still theirs, not the owner's. */
  get isGroup(): boolean {
    return this.role !== 'owner' || this.people.length > 1 || Object.keys(this.present).some((id) => id !== this.myId) ||
      this.messages().some((m) => m.sender === 'user' && writtenByOther(m, this.myId));
  }

  /** Whether this person may edit `message`: their own words only (the API's rule, not_your_message). */
  mayEdit(message: Message): boolean {
    return this.canPost && !writtenByOther(message, this.myId);
  }

  /** Whose person topics this view follows: the other participants (none once removed). A
   * newcomer is followed once the participants list is read again (`members_changed`). */
  get followed(): string[] {
    return this.removed ? [] : followedPeople(this.people, this.myId);
  }

  get canPost(): boolean {
    return this.role !== 'viewer' && !this.removed;
  }

  /** Whether this person may ask for another answer to `question` (the API's rule: the owner
   * any, a member only answers to their own messages, a viewer none), so no button is offered
   * that the API refuses. */
  mayRegenerate(question: Message | undefined): boolean {
    if (!question || !this.canPost) return false;
    return this.role === 'owner' || authorLabel(question, this.people, this.myId) === 'You';
  }

  private get owner(): Participant | undefined {
    return this.people.find((p) => p.role === 'owner');
  }

  /** "Answered with Alice's key" / "your key": whose provider key answers this person's messages. */
  get keyNote(): string {
    return this.isGroup ? keyNote(this.role, this.shareOwnerKey, this.owner?.display_name) : '';
  }

  /** The label over a user message in a group chat ("You", a name, or "Former member"). */
  authorOf(message: Message): string | null {
    return this.isGroup ? authorLabel(message, this.people, this.myId, this.deletedAuthors) : null;
  }

  /** `userId` is no longer in the chat (member_removed). When their account was deleted (the
   * signal says so; or they owned the chat, which then changes hands only that way:
   * 20261208040000_hand_over_group_chats_of_deleted_accounts.sql) what they wrote is a former
   * member's from now on. A member who left or was removed keeps their name (their account stays). */
  personRemoved(userId: string, accountDeleted = false): void {
    if (accountDeleted || this.owner?.user_id === userId) this.deletedAuthors = new Set([...this.deletedAuthors, userId]);
  }

  /** "Stopped by Ann" names Ann: who stopped `answer` when it was not this person (group-labels.ts). */
  stopperOf(answer: Message): string | null {
    return stopperName(answer, this.people, this.myId);
  }

  /** The asker of a running answer this person did not ask for, whom they may stop (owner, member); else null. */
  stoppableFor(answer: Message): string | null {
    return this.canPost ? otherAsker(answer, this.people, this.myId) : null;
  }

  /** Other people here now, by their names in the participants list (not what they published). */
  get others(): string[] {
    return presentNames(this.present, this.people, this.myId);
  }

  get typing(): string[] {
    return presentNames(this.present, this.people, this.myId, true);
  }

  /** Presence sync on `userId`'s own topic: that person, whatever keys or payloads arrived
   * (several tabs count once; typing in any of them counts). */
  syncPerson(userId: string, state: Record<string, Record<string, unknown>[]>): void {
    const present = { ...this.present };
    const now = personState(state);
    if (now) present[userId] = now;
    else delete present[userId];
    this.present = present;
  }

  /** No longer following `userId`'s topic (they left the chat, or the chat's channel moved). */
  forget(userId: string): void {
    if (!(userId in this.present)) return;
    const present = { ...this.present };
    delete present[userId];
    this.present = present;
  }

  // This person's own presence: published on their own topic while the view follows the chat.
  private channel: PresenceChannel | null = null;
  private typingNow = false;
  private lastDraft: string | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  // Typing changes go out within Realtime's presence limit, the latest state last
  // (presence-throttle.ts).
  private tracks = new PresenceThrottle<boolean>((typing) => this.track(typing));

  /** Publishes on `channel` from now on: present, not typing (lib/realtime.ts sends it when the
   * channel joins, and again after every rejoin). */
  attach(channel: PresenceChannel): void {
    this.channel = channel;
    this.typingNow = false;
    this.tracks.restart(false);
    this.track(false);
  }

  detach(): void {
    this.channel = null;
    clearTimeout(this.typingTimer);
    this.tracks.cancel();
  }

  /** No name: others show this person by their user id's name. */
  private track(typing: boolean): void {
    this.channel?.track({ typing });
  }

  /** The draft kept for this tab (lib/chat/drafts.ts) came back with the chat: nobody is typing
   * it now, so it is no change (others would see "… is typing" each time the chat reopens). */
  restoredDraft(text: string): string {
    this.lastDraft = text;
    return text;
  }

  /** The composer's text changed: typing while it has text, until TYPING_IDLE_MS after the last change. */
  draftChanged(text: string): void {
    if (text === this.lastDraft) return;
    this.lastDraft = text;
    clearTimeout(this.typingTimer);
    const typing = text.trim().length > 0 && this.canPost;
    if (typing) this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_IDLE_MS);
    this.setTyping(typing);
  }

  /** Row changes that end this person's part in chat `id`: the chat deleted (its owner, any
   * device). Deletes carry only the primary key (and arrive unfiltered on hosted Realtime): each
   * is matched here. A removal (or leaving in another tab) comes as `member_removed` on the
   * chat's own channel instead: session_members is not published, since its deletes would tell
   * every listener who left which chat. */
  endings(id: string): TableWatch[] {
    return [
      {
        table: 'chat_sessions',
        event: 'DELETE',
        filter: `id=eq.${id}`,
        onChange: (change) => {
          if (deletedRow.safeParse(change.old).data?.id !== id) return;
          this.deleted = true;
          this.leave();
        },
      },
    ];
  }

  /** Removed from the chat (or it was deleted): stop following it (hosted Realtime would keep a joined channel). */
  leave(): void {
    this.removed = true;
    // Who was here (or typing) when it ended would otherwise stay on the screen for good.
    this.present = {};
    const channel = this.channel;
    this.detach();
    channel?.stop();
  }

  private setTyping(typing: boolean): void {
    if (typing === this.typingNow) return;
    this.typingNow = typing;
    // Without a channel (a new chat before it exists) there is nobody to tell: attach() starts
    // the next one from "not typing".
    if (this.channel) this.tracks.request(typing);
  }
}
