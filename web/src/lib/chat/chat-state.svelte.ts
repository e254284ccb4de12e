// One conversation's client state: the loaded messages (oldest → newest), older-history
// paging, and every way a running answer reaches this tab. A turn runs on the server; this
// tab only watches it:
// - the tab that sends reads the POST /chat stream (turn-sender.ts);
// - a tab that opens (or reloads) a chat with a running answer re-attaches with
//   GET /chat/{id}/stream from the `seq` its copy of the row includes;
// - other tabs and devices apply the broadcast deltas of `session:<id>`, and re-attach when
//   they find a gap in `seq`;
// - Realtime row changes and page reads bring new rows and final answers; a broadcast that
//   names an answer whose rows do not follow makes the tab re-read (unseen-answers.ts).
// All of them go through answer-merge.ts, so the order they arrive in never matters.
// A chat opened on a message far back (a search hit) shows a window of the branch with newer
// messages after it (`newerCursor`): the reader pages down to them, and live rows, catch-up
// reads and leaf moves wait until the view reaches the newest messages again (paging down, or
// "Jump to latest", which reads the newest page and accepts the gap in between).
// The chat is a tree; this tab shows one branch (the session's active leaf up to the root).
// A row joins the view only when it continues the branch shown; when the session's active
// leaf moves elsewhere (another tab switched, regenerated or edited), the branch is re-read.
// Reads and live changes share one clock (live-changes.ts): a read that answers late neither
// drops, overwrites nor revives rows changed live after it began, nor undoes a later read.
import { nameOf, namedAttachments, pathName } from '$lib/attachments/names';
import { browserApi, ok, type Message, type MessagePage } from '$lib/api';
import { mergeRow } from '$lib/chat/answer-merge';
import { notShown, readNewerPage, readNewestPage, readOlderPage } from '$lib/chat/message-pages';
import { branchAfterRead, continuesBranch, pageExtendsView } from '$lib/chat/branch-view';
import { ReadFollower } from '$lib/chat/read-follow';
import { LiveChanges } from '$lib/chat/live-changes';
import { type ChatMeta } from '$lib/chat/chat-stream';
import { AnswerStop } from '$lib/chat/answer-stop.svelte';
import { TurnEvents } from '$lib/chat/turn-events';
import { answerBeingWritten, errorText, TurnSender, type SendError, type SentFile } from '$lib/chat/turn-sender';
import { editToMessageBox, type ReturnedEdit } from '$lib/chat/edit-refusal';
import { shownRunning, type Notice } from '$lib/chat/chat-notice';
import { TurnViews } from '$lib/chat/turn-views';
import { browserOnline, emptyQueue, SendQueue, type QueuedMessage, type SendResult } from '$lib/chat/send-queue';
import { UnseenAnswers } from '$lib/chat/unseen-answers';
import type { Turn } from '$lib/chat/turn';
import { turnDelta, turnDone, turnSaving } from '$lib/realtime-rows';

export type { MessagePage };

export { CONTINUE_MESSAGE, type PromptUse, type Turn } from '$lib/chat/turn';

export class ChatState {
  sessionId = $state<string | null>(null);
  /** A new chat's id is known (its answer streams) but its rows are not committed yet: nothing of it can be read (its members 404). */
  rowsPending = $state(false);
  messages = $state<Message[]>([]);
  olderCursor = $state<string | null>(null);
  loadingOlder = $state(false);
  /** Newer messages follow the ones shown (a window opened on an older message): read with `after`. */
  newerCursor = $state<string | null>(null);
  loadingNewer = $state(false);
  /** This tab is sending a turn (until its stream ends). */
  sending = $state(false);
  /** A refused send, which has no message row to hang on (e.g. a 4xx before `meta`). */
  sendError = $state<SendError | null>(null);
  /** A note about the last send that is not an error (a turn was already running: shown while it runs, chat-notice.ts). */
  notice = $state<Notice | null>(null);
  /** Text the composer should get back (a send refused because an answer is running). */
  returnedDraft = $state<string | null>(null);
  /** The uploaded files of a send that was not made, for the composer's tray. */
  returnedAttachments = $state<string[]>([]);
  /** A refused edit, for its question's Edit box to take back (edit-refusal.ts). */
  returnedEdit = $state<ReturnedEdit | null>(null);
  /** The one of them a refusal blamed, flagged in the tray with its reason. */
  flaggedAttachment = $state<{ path: string; reason: string } | null>(null);
  /** A branch switch is being asked for and read. */
  switching = $state(false);
  /**
   * The project files answers asked from this tab are given with, by answer id, from the turn's
   * `meta`: shown while the answer streams, before they are read back with the chat's files.
   */
  filesUsed = $state<Record<string, NonNullable<ChatMeta['files_used']>>>({});
  filesSent = $state<Record<string, SentFile[]>>({});
  /** The oldest messages each answer asked from this tab was written without, by answer id (`meta` `dropped_turns`), until a read of the answer's row brings its own. */
  leftOutTurns = $state<Record<string, number>>({});
  /** True once Realtime delivers this session's rows and broadcasts (tests and the UI wait for it). */
  live = $state(false);
  /** The answer being written in this session, by this or any other tab or device (this tab's
   * own from the moment it sends: its placeholder streams until the server names it). */
  running = $derived(answerBeingWritten(this.messages));
  /**
   * A new turn waits while an answer is being written. Not while `sending`: this tab's stream
   * closes after its answer ended, and the answer often ends first by broadcast — an Enter
   * pressed in between must send, not do nothing (turn-sender.ts keeps overlapping sends apart).
   */
  streaming = $derived(this.running !== undefined);

  /** Rows this tab knows are gone (regenerated, edited away, deleted). A catch-up page or a
   * Realtime update read before the delete may still carry them; ids are never reused. */
  private removed = new Set<string>();
  /** Rows a regenerate or edit in this tab just moved off the branch shown: a page read or a
   * Realtime copy from before it must not bring them back (a read begun after it may). */
  private superseded = new Set<string>();
  /** When each row last changed live, and which reads of the branch have been applied. */
  private changes = new LiveChanges();
  private joined = { rows: false, broadcast: false };
  private events = new TurnEvents((id) => this.find(id), (id) => this.views.attach(id));
  private views = new TurnViews((id) => this.find(id), (id) => this.events.for(() => id));
  private sender = new TurnSender(this, { find: (id) => this.find(id), views: this.views, events: this.events, changes: this.changes });
  /** Stop, and whether the running answer can still be stopped (it is not only being saved). */
  readonly stopper = new AnswerStop(() => this.running, this.events.saving, () => this.sender.stopWhenNamed());
  /** The active leaf a live signal named, read until a read shows it (read-follow.ts). */
  private leaves = new ReadFollower<string>({
    reload: () => this.reloadBranch(),
    shows: (id) => this.find(id) !== undefined,
    busy: () => this.sending || this.switching,
  }, "The chat's active leaf");
  /** Answers named by broadcast whose rows have not reached this view (unseen-answers.ts). */
  private unseen = new UnseenAnswers({
    // A window further back shows no answer newer than it by design (paging down to the
    // newest reads it): nothing to re-read for, and no warning of rows Realtime did bring.
    holds: (id) => this.newerCursor !== null || this.find(id) !== undefined || this.removed.has(id) || this.superseded.has(id),
    mark: () => this.changes.begin(),
    readSince: (mark) => this.changes.readSince(mark),
    reread: (id) => {
      console.warn(`Realtime did not bring the rows of answer ${id} within ${this.unseen.graceMs} ms of its first broadcast; re-reading the chat.`);
      void this.catchUp().catch(() => {});
    },
  });

  /** The chat's messages waiting for a connection (send-queue.ts), kept per user and chat. */
  readonly queue: SendQueue;
  private queueState = $state(emptyQueue());
  /** Where a sent message's new chat goes (the page's), for messages sent from the queue. */
  private onQueuedSession: (id: string) => void = () => {};

  constructor(sessionId: string | null, page: MessagePage | null, readonly myId: string | null = null) {
    this.sessionId = sessionId;
    this.messages = page?.messages ?? [];
    this.olderCursor = page?.next_cursor ?? null;
    this.newerCursor = page?.newer_cursor ?? null;
    this.queue = new SendQueue(myId, this, this.queueState);
  }

  /** In the browser, after mount: follow answers that were still running when the page loaded,
   * and send the messages that were waiting for a connection once it is there. */
  resume(onSession: (id: string) => void = () => {}): () => void {
    for (const message of this.messages) if (message.status === 'streaming') this.views.attach(message.id);
    this.onQueuedSession = onSession;
    return this.queue.start();
  }

  /** Leaving the chat closes this tab's views; the turns go on on the server. */
  dispose(): void {
    this.views.closeAll();
    this.sender.dispose();
    this.unseen.stop();
    this.leaves.stop();
  }

  private find(id: string): Message | undefined {
    return this.messages.find((m) => m.id === id);
  }

  /** Loads the page of messages before the oldest one shown. */
  async loadOlder(): Promise<void> {
    if (!this.sessionId || !this.olderCursor || this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      const page = await readOlderPage(this.sessionId, this.olderCursor);
      this.messages = [...notShown(this.messages, page.messages), ...this.messages];
      this.olderCursor = page.next_cursor;
    } finally {
      this.loadingOlder = false;
    }
  }

  /** Loads the page of messages after the newest one shown (a window opened further back). */
  async loadNewer(): Promise<void> {
    if (!this.sessionId || !this.newerCursor || this.loadingNewer) return;
    this.loadingNewer = true;
    try {
      const page = await readNewerPage(this.sessionId, this.newerCursor);
      // The window left the branch shown (switched or deleted elsewhere): show the branch as it is.
      if (!page) return await this.reloadBranch();
      const { messages, newer_cursor } = page;
      this.messages = [...this.messages, ...notShown(this.messages, messages)];
      this.newerCursor = newer_cursor;
      // Reached the newest: what was written meanwhile, live updates held off, is read now.
      if (!newer_cursor) await this.catchUp();
    } finally {
      this.loadingNewer = false;
    }
  }

  /** A Realtime channel (re)joined: what happened before it was not delivered, so re-read. */
  async joinedChannel(kind: 'rows' | 'broadcast'): Promise<void> {
    this.joined[kind] = true;
    await this.catchUp();
    if (this.joined.rows && this.joined.broadcast) this.live = true;
  }

  /** Re-reads the newest page, for rows written while this tab was not listening. */
  async catchUp(): Promise<void> {
    if (!this.sessionId || this.newerCursor) return; // a window further back: read when the reader gets to the newest
    const mark = this.changes.begin();
    const shownThen = new Set(this.messages.map((m) => m.id));
    const page = await readNewestPage(this.sessionId);
    // The page either extends what was shown when it was asked for (it holds the last message
    // shown then; rows shown live since are newer than the page) or the active branch was
    // switched elsewhere meanwhile: then show it as it is now.
    const asked = this.messages.filter((m) => shownThen.has(m.id));
    if (!this.sending && !pageExtendsView(asked, page.messages)) {
      await this.reloadBranch();
      return;
    }
    if (!this.changes.apply(mark)) return; // a read begun after this one was applied already
    for (const row of page.messages) this.applyRow(row);
  }

  /** Applies a Realtime INSERT/UPDATE (only rows of the branch shown). */
  applyRemote(row: Message): void {
    if (this.applyRow(row)) this.changes.touch(row.id);
  }

  /** Applies a row from a page read or Realtime; true when the view took it. */
  private applyRow(row: Message): boolean {
    if (row.session_id !== this.sessionId || this.removed.has(row.id) || this.superseded.has(row.id)) return false;
    const index = this.messages.findIndex((m) => m.id === row.id);
    // Another branch's, or newer than a window further back (paging down reads it): not shown.
    if (index === -1 && (this.newerCursor || !continuesBranch(this.messages, row))) return false;
    const merged = mergeRow(this.messages[index], row, this.views.has(row.id));
    if (!merged) return false;
    if (index === -1) this.messages = [...this.messages, merged].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
    else this.messages[index] = merged;
    return true;
  }

  /** The session's active leaf is now `leafId` (a chat_sessions update, a `branch` message, a
   * session read): re-read, until a read shows it, if it is not what is shown. */
  followLeaf(leafId: string | null): void {
    if (!leafId || this.sending || this.switching || this.newerCursor) return;
    if (this.messages.at(-1)?.id === leafId) return;
    this.leaves.follow(leafId);
  }

  /** Shows the branch through `messageId` (its newest reply), for ‹ › controls and search hits. */
  async switchBranch(messageId: string): Promise<void> {
    if (!this.sessionId || this.streaming || this.switching) return;
    this.switching = true;
    try {
      const path = { id: this.sessionId };
      await ok(browserApi().POST('/api/sessions/{id}/branch', { params: { path }, body: { message_id: messageId } }));
      await this.reloadBranch();
    } catch (err) {
      this.notice = `Could not switch to that version: ${errorText(err)}`;
    } finally {
      this.switching = false;
    }
  }

  /** Deletes a message and every reply beneath it (its files too); the view shows what remains. */
  async deleteBranch(messageId: string): Promise<void> {
    if (!this.sessionId || this.streaming) return;
    try {
      const path = { id: this.sessionId, message_id: messageId };
      await ok(browserApi().DELETE('/api/sessions/{id}/messages/{message_id}', { params: { path } }));
      // It and the replies shown beneath it are gone: no read from before the delete shows them again.
      const index = this.messages.findIndex((m) => m.id === messageId);
      if (index !== -1) for (const message of this.messages.slice(index)) this.removeRemote(message.id);
      await this.reloadBranch();
    } catch (err) {
      this.notice = `Could not delete the message: ${errorText(err)}`;
    }
  }

  /** Replaces the view with the newest page of the active branch (after a switch, edit or regenerate, or
   * "Jump to latest" from a window further back, whose gap to the newest page is not read). */
  async reloadBranch(): Promise<void> {
    if (!this.sessionId) return;
    const mark = this.changes.begin();
    const page = await readNewestPage(this.sessionId);
    if (this.sending) return; // a send started meanwhile: its own rows win; it re-reads when done
    // Two reads in flight (a switch followed, a channel rejoined) may answer in either order.
    if (!this.changes.apply(mark)) return;
    const changedSince = (id: string) => this.changes.changedSince(id, mark);
    // Rows moved off the branch by this tab after the read began are still on the page.
    const movedOff = (id: string) => this.superseded.has(id) && changedSince(id);
    for (const id of this.superseded) if (!changedSince(id)) this.superseded.delete(id);
    this.messages = branchAfterRead(this.messages, page.messages, {
      changedSince,
      gone: (id) => this.removed.has(id) || movedOff(id),
      merge: (local, row) => mergeRow(local, row, this.views.has(row.id)) ?? local,
    });
    this.olderCursor = page.next_cursor;
    this.newerCursor = null;
    for (const message of this.messages) if (message.status === 'streaming' && !this.views.has(message.id)) this.views.attach(message.id);
  }

  /** A row deleted (a Realtime DELETE, or this tab's own delete). */
  removeRemote(id: string): void {
    this.leaves.forget(id);
    this.changes.touch(id);
    this.removed.add(id);
    this.messages = this.messages.filter((m) => m.id !== id);
  }

  /** A broadcast event of `session:<id>` (another tab's or device's answer, or this tab's own). */
  applyBroadcast(event: 'delta' | 'reasoning' | 'saving' | 'done', payload: unknown): void {
    if (event === 'saving') {
      const saving = turnSaving.safeParse(payload);
      if (saving.success) this.events.for(() => saving.data.message_id).saving?.(saving.data);
      return;
    }
    if (event === 'done') {
      const done = turnDone.safeParse(payload);
      if (!done.success) return;
      this.unseen.saw(done.data.message_id);
      this.events.for(() => done.data.message_id).done(done.data);
      return;
    }
    const delta = turnDelta.safeParse(payload);
    if (!delta.success) return;
    this.unseen.saw(delta.data.message_id);
    this.events.for(() => delta.data.message_id)[event](delta.data);
  }

  /** Stops the running answer, from whichever tab or device started it (answer-stop.svelte.ts). */
  stop(): Promise<void> {
    return this.stopper.stop();
  }

  /**
   * Sends a new user turn. A question (not Continue) carries a client id, and waits in the queue
   * when it cannot leave: offline, behind other waiting messages, or no answer to its POST.
   */
  async send(text: string, turn: Turn, onSession: (id: string) => void, attachments: string[] = []): Promise<void> {
    if (this.newerCursor) await this.reloadBranch(); // the turn continues the newest message: show it
    if (turn.continue) {
      await this.sender.run({ ...turn, message: text }, onSession, { userText: text });
      return;
    }
    this.sendError = null;
    this.notice = null;
    const message: QueuedMessage = {
      id: crypto.randomUUID(),
      text,
      files: attachments.map((path) => ({ path, name: nameOf(path) ?? pathName(path) })),
      turn: { ...turn },
      queuedAt: new Date().toISOString(),
    };
    this.onQueuedSession = onSession;
    // Offline, or someone else's answer being written (or one begun a moment before: 409 turn_running): it waits in the queue.
    if (!browserOnline() || this.streaming || this.queue.items.length > 0) return this.queue.add(message);
    if (['unreachable', 'running'].includes(await this.sendQueued(message, false))) this.queue.add(message);
  }

  /** Sends one message of the queue (`fromQueue`) or one about to join it, with its client id. */
  async sendQueued(message: QueuedMessage, fromQueue = true): Promise<SendResult> {
    const attachments = message.files.map((f) => f.path);
    const body = { ...message.turn, message: message.text, client_id: message.id, ...(attachments.length ? { attachments: namedAttachments(message.files) } : {}) };
    return await this.sender.run(body, this.onQueuedSession, { userText: message.text, attachments, queueable: true, fromQueue });
  }

  /** Asks for another answer to the last question; the old one stays, reachable with ‹ ›. */
  async regenerate(turn: Turn, onSession: (id: string) => void): Promise<void> {
    if (this.newerCursor) await this.reloadBranch();
    const lastUser = this.messages.findLast((m) => m.sender === 'user');
    if (!lastUser) return;
    const body = { ...turn, message: lastUser.content, regenerate: true, stop_message_id: shownRunning(this.messages) };
    // Only the view moves on: the old answer is a sibling now, not deleted.
    this.supersede(this.messages.lastIndexOf(lastUser) + 1);
    await this.sender.run(body, onSession, { regenerates: lastUser.id });
    await this.reloadBranch().catch(() => {}); // the new answer's ‹ 2/2 ›
  }

  /**
   * Asks a question differently: a new version beside it (its branch kept, reachable with ‹ ›).
   * `files`: the files the new version carries (those kept of the edited one, and new uploads),
   * shown on it at once; without, it carries the edited one's.
   */
  async editAndResend(id: string, text: string, turn: Turn, onSession: (id: string) => void, files?: SentFile[]): Promise<void> {
    const index = this.messages.findIndex((m) => m.id === id);
    if (index === -1) return;
    const stop_message_id = shownRunning(this.messages);
    this.supersede(index);
    const attachments = files ? { attachments: namedAttachments(files) } : {};
    await this.sender.run({ ...turn, message: text, edit_message_id: id, stop_message_id, ...attachments }, onSession, { userText: text, chips: files, edit: { messageId: id, files } });
    await this.reloadBranch().catch(() => {});
    if (!this.find(id)) editToMessageBox(this, id); // a refused edit's question no longer shown has no Edit box
  }

  /** Takes the messages from `index` on off the view (they stay on their branch). */
  private supersede(index: number): void {
    for (const message of this.messages.slice(index)) {
      this.superseded.add(message.id);
      this.changes.touch(message.id);
    }
    this.messages = this.messages.slice(0, index);
  }
}
