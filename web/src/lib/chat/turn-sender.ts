// How this tab sends a turn (a new question, a regenerate, an edit) and reads its POST /chat
// stream: the placeholder rows shown until the server names the real ones, the new chat's id,
// a stop asked for before the answer had an id, and what the chat shows when the send is
// refused (a new question's text and files given back to the message box, an edit's to its own
// Edit box — edit-refusal.ts —, a Retry and a link to the fix where they can help —
// send-refusal.ts — or the answer already running followed). A
// new question that got no answer at all (offline, the server down) is handed to the chat's
// queue (send-queue.ts), which sends it again with the same client id; one the server
// already has (409 already_sent: the answer to its POST was lost) is shown as stored.
// The stream's events change the answer through turn-events.ts like any other view's.
import { ApiError, type Message } from '$lib/api';
import { fileAtFault, filesOutliveRefusal, refusalText } from '$lib/attachments/refusals';
import { discardAttachments } from '$lib/attachments/upload';
import { isFinished } from '$lib/chat/answer-merge';
import { writtenByOther } from '$lib/chat/group-labels';
import { streamChat, type ChatMeta, type ChatRequest } from '$lib/chat/chat-stream';
import type { LiveChanges } from '$lib/chat/live-changes';
import { NewChat } from '$lib/chat/new-chat';
import type { TurnEvents } from '$lib/chat/turn-events';
import type { TurnViews } from '$lib/chat/turn-views';
import type { SendResult } from '$lib/chat/send-queue';
import { refusalAdvice, type RefusalFix } from '$lib/chat/send-refusal';
import { editRefusal, type ReturnedEdit } from '$lib/chat/edit-refusal';
import { keptPromptRefusal, keptPromptWords, type KeptPromptRefusal } from '$lib/chat/kept-prompt';
import type { Notice } from '$lib/chat/chat-notice';

/** A refused send. */
export interface SendError {
  message: string;
  /** Sends the same request again; null when that cannot succeed until something changes, or
   * when the question went back to the message box (`resend`). */
  retry: (() => void) | null;
  /** The question is back in the message box and sending it again can work: "Send again" sends the box. */
  resend?: boolean;
  /** Retry or Send again is offered this many ms after the refusal (a rate limit's Retry-After). */
  againAfterMs?: number;
  /** Where the refusal is fixed (the budget, the provider's key), as a link. */
  fix?: RefusalFix | null;
  /** Refused for the chat's kept system prompt (KeptPrompt.svelte asks for its values or offers
   * to go on without it); `textBack`: the question is back in the message box. */
  keptPrompt?: { refusal: KeptPromptRefusal; textBack: boolean };
}

/** The chat state (chat-state.svelte.ts) a send reads and writes. */
export interface SendingChat {
  sessionId: string | null;
  /** A new chat's id is known but its rows are not committed yet (between `meta` with `stored: false` and `stored`). */
  rowsPending: boolean;
  /** The person using this tab (whose answers are theirs to stop). */
  readonly myId: string | null;
  messages: Message[];
  sending: boolean;
  readonly streaming: boolean;
  sendError: SendError | null;
  notice: Notice | null;
  returnedDraft: string | null;
  returnedAttachments: string[];
  /** A refused edit, for its question's Edit box (edit-refusal.ts). */
  returnedEdit: ReturnedEdit | null;
  /** The one of them the refusal blamed, with its reason, to flag in the tray. */
  flaggedAttachment: { path: string; reason: string } | null;
  filesUsed: Record<string, NonNullable<ChatMeta['files_used']>>;
  /** The files each question of this tab's sends carries (its chips), shown from the send on. */
  filesSent: Record<string, SentFile[]>;
  /** How many of the oldest messages each answer of this tab's sends was written without (lib/chat/left-out-turns.ts). */
  leftOutTurns: Record<string, number>;
  stop(): Promise<void>;
  catchUp(): Promise<void>;
}

/** What the send shares with the rest of the chat state. */
export interface SenderParts {
  find: (id: string) => Message | undefined;
  views: TurnViews;
  events: TurnEvents;
  changes: LiveChanges;
}

/** A file a question carries, as its chip shows it. */
export type SentFile = NonNullable<ChatMeta['attachments']>[number];

/** What the user's side of a send shows: the question's text and the files it carries. */
export interface SendShown {
  userText?: string;
  /** New uploads of the send, given back to the message box when it is not made. */
  attachments?: string[];
  /** The question's chips until the server names its files (an edit's, kept and added). */
  chips?: SentFile[];
  /** A new question with a client id, which the chat's queue keeps when its POST gets no answer. */
  queueable?: boolean;
  /** An edit of this question: refused before its turn begins, it goes back to the question's Edit box with these files. */
  edit?: { messageId: string; files?: SentFile[] };
  /** Sent from the queue: it waits for an answer being written (409 turn_running) rather than coming back to the box. */
  fromQueue?: boolean;
  /** A regenerate of this question: one already begun for it elsewhere is followed without a word. */
  regenerates?: string;
}

/** One send of this tab, from its POST until its stream closes. */
interface Send {
  controller: AbortController;
  /** Named: the server gave its answer an id (`meta`). */
  named: boolean;
  /** Stop was asked for before it was named. */
  stopWanted: boolean;
}

export class TurnSender {
  /** The files only sendError's Retry still refers to. */
  private retryFiles: string[] = [];
  /**
   * The sends whose streams are open, oldest first. Usually one; two when the answer of the
   * first already ended (its `done` came by broadcast before its own stream closed) and the
   * person sent again: each send keeps its own controller and ends only itself.
   */
  private sends: Send[] = [];

  constructor(
    private readonly chat: SendingChat,
    private readonly parts: SenderParts,
  ) {}

  /** A stop asked for before the server named the answer: it is stopped once it is named. */
  stopWhenNamed(): void {
    const newest = this.sends.at(-1);
    if (newest && !newest.named) newest.stopWanted = true;
  }

  /** The chat is being left: this tab stops reading its stream (the turn goes on on the server). */
  dispose(): void {
    for (const send of this.sends) send.controller.abort();
    // A refused send's files were kept for its Retry, which goes away with the view.
    if (this.chat.sendError?.retry && this.retryFiles.length > 0) void discardAttachments(this.retryFiles).catch(() => {});
    this.retryFiles = [];
  }

  /** Sends `body` and follows its answer until the stream ends; says how it went (for the queue). */
  async run(body: ChatRequest, onSession: (id: string) => void, opts: SendShown): Promise<SendResult> {
    const chat = this.chat;
    const { find, views, events } = this.parts;
    if (chat.streaming) return 'running';
    chat.sendError = null;
    chat.returnedEdit = null;
    this.retryFiles = [];
    chat.notice = null;
    const controller = new AbortController();
    const send: Send = { controller, named: false, stopWanted: false };
    this.sends.push(send);
    chat.sending = true;
    const started = performance.now();
    const pendingUserId = `pending-user-${crypto.randomUUID()}`;
    const pendingAssistantId = `pending-assistant-${crypto.randomUUID()}`;
    let assistantId: string | null = null;
    const now = new Date().toISOString();
    if (opts.userText !== undefined) chat.messages.push(draft(pendingUserId, chat.sessionId, 'user', opts.userText, 'complete', now, body));
    if (opts.userText !== undefined && opts.chips?.length) chat.filesSent[pendingUserId] = opts.chips;
    chat.messages.push({ ...draft(pendingAssistantId, chat.sessionId, 'assistant', '', 'streaming', now, body), seq: 0 });
    const dropDrafts = () => {
      chat.messages = chat.messages.filter((m) => m.id !== pendingAssistantId && m.id !== pendingUserId);
      delete chat.filesSent[pendingUserId];
    };

    let end: 'done' | 'error' | 'closed' | 'failed' = 'failed';
    let result: SendResult = 'sent';
    // A new chat's page moves to its URL once the chat exists: at once, or — when the answer
    // streams before the chat's rows are committed (`stored: false`) — on `stored` (new-chat.ts).
    const newChat = chat.sessionId ? null : new NewChat(onSession);
    let userMessageId: string | null = null;
    try {
      end = await streamChat(
        chat.sessionId ? { ...body, session_id: chat.sessionId, project_id: undefined } : body,
        {
          meta: (meta) => {
            if (newChat && !chat.sessionId) {
              chat.sessionId = meta.session_id;
              chat.rowsPending = meta.stored === false;
              newChat.meta(meta);
            }
            assistantId = meta.assistant_message_id ?? null;
            userMessageId = meta.user_message_id ?? null;
            this.adoptIds(pendingUserId, meta.user_message_id, pendingAssistantId, assistantId);
            // The question's chips, as the server recorded them (the placeholder's until now).
            if (meta.user_message_id && meta.attachments) {
              chat.filesSent[meta.user_message_id] = meta.attachments;
              delete chat.filesSent[pendingUserId];
            }
            if (assistantId && meta.files_used?.length) chat.filesUsed[assistantId] = meta.files_used;
            if (assistantId && meta.dropped_turns) chat.leftOutTurns[assistantId] = meta.dropped_turns;
            if (assistantId) views.adopt(assistantId, controller);
            send.named = assistantId !== null;
            if (send.stopWanted) void chat.stop();
          },
          stored: () => {
            chat.rowsPending = false;
            newChat?.stored();
          },
          ...events.for(() => assistantId ?? pendingAssistantId),
        },
        controller.signal,
      );
      if (newChat?.notCreated(end)) {
        // The answer ended before the chat's rows were written: nothing was kept and the chat
        // does not exist, so the next send starts a new one; the question is offered again.
        const failed = find(assistantId ?? pendingAssistantId);
        const gone = new Set([pendingUserId, pendingAssistantId, userMessageId, assistantId]);
        chat.messages = chat.messages.filter((m) => !gone.has(m.id));
        chat.sessionId = null;
        views.release(assistantId, controller);
        assistantId = null;
        chat.sendError = { message: failed?.error ?? 'Your message was not saved; send it again.', retry: () => void this.run(body, onSession, opts) };
        result = 'refused';
      }
    } catch (err) {
      // What the person typed goes back to the message box; Continue's words are the app's.
      const typed = body.continue ? undefined : opts.userText;
      result = 'refused';
      if (err instanceof ApiError && err.code === 'already_sent') {
        // A queued question sent again whose first POST reached the server (its answer was
        // lost): it is stored, so the chat shows it — and its answer — as stored.
        dropDrafts();
        result = 'sent';
        await this.showSent(err.details, onSession);
      } else if (opts.edit && !assistantId) {
        // An edit refused before its turn began: nothing of it was stored. Its text and files go
        // back to the question's Edit box with the reason (edit-refusal.ts), never to the message box.
        dropDrafts();
        if (err instanceof ApiError && startedElsewhere(err)) await this.followRunning(err.details.running_message_id);
        chat.returnedEdit = { ...opts.edit, text: opts.userText ?? body.message ?? '', refusal: editRefusal(err, body.provider) };
      } else if (opts.queueable && typed !== undefined && err instanceof ApiError && err.code === 'turn_running') {
        // A new question met an answer being written (someone else's, or this person's from
        // another tab that this tab had not seen yet): the chat's queue keeps it and sends it
        // once that answer ends (QA8 #6: it came back to the box, to be sent again by hand).
        dropDrafts();
        result = 'running';
        await this.followRunning(err.details.running_message_id);
      } else if (opts.queueable && unreachable(err) && typed !== undefined) {
        // No answer at all (offline, the server down): the chat's queue keeps it, shown as waiting,
        // and sends it once the server answers again.
        dropDrafts();
        result = 'unreachable';
      } else if (body.regenerate && err instanceof ApiError && err.code === 'answer_started_elsewhere') {
        // Regenerate pressed here a moment after elsewhere (another device, another member): the
        // answer begun there is followed. When it answers the same question — the regeneration
        // asked for here too — nothing needs saying; another question's gets a note while it runs.
        dropDrafts();
        const runningId = typeof err.details.running_message_id === 'string' ? err.details.running_message_id : null;
        await this.followRunning(runningId);
        const running = runningId ? find(runningId) : answerBeingWritten(chat.messages);
        if (running?.parent_id !== opts.regenerates) chat.notice = { text: 'Another answer was started in this chat a moment ago; it is shown here instead of regenerating.', whileRunning: runningId };
      } else if (err instanceof ApiError && startedElsewhere(err)) {
        // A regenerate, an edit or Continue while another answer is written: show that answer,
        // keep the text. Stopping it is offered only when it is this person's own. The note
        // holds while that answer runs (chat-notice.ts).
        dropDrafts();
        chat.returnedDraft = typed ?? null;
        chat.returnedAttachments = opts.attachments ?? [];
        const runningId = typeof err.details.running_message_id === 'string' ? err.details.running_message_id : null;
        await this.followRunning(runningId);
        const running = answerBeingWritten(chat.messages);
        const theirs = running !== undefined && writtenByOther(running, chat.myId);
        const text = `An answer is still being written in this chat. Your message was not sent; send it again once the answer ends${theirs ? '' : ' (or stop it)'}.`;
        chat.notice = { text, whileRunning: runningId };
      } else if (!assistantId && opts.queueable && typed !== undefined) {
        // A new question refused before its turn began (the budget used up, no key, a rate
        // limit, a setting or file refused, the server failing): nothing of it was stored. Its
        // text and files go back to the message box — before anything typed since — and so into
        // the chat's draft (drafts.ts), kept through Settings and back (QA6 #3: it was lost).
        dropDrafts();
        const files = opts.attachments ?? [];
        const atFault = fileAtFault(err, files);
        const { fix, againAfterMs } = refusalAdvice(err, body.provider);
        chat.returnedDraft = typed;
        chat.returnedAttachments = files;
        chat.flaggedAttachment = atFault;
        chat.sendError = {
          message: refusalText(errorText(err), files.length, true, atFault ? 'flagged' : 'all'),
          retry: null,
          resend: againAfterMs !== null && !atFault,
          ...(againAfterMs ? { againAfterMs } : {}),
          fix,
          ...keptPromptOf(err, true),
        };
      } else if (!assistantId) {
        // Nothing was stored for this answer (a regenerate, an edit, Continue): drop the placeholder.
        dropDrafts();
        const files = opts.attachments ?? [];
        const atFault = fileAtFault(err, files);
        const { fix, againAfterMs } = refusalAdvice(err, body.provider);
        if (atFault) {
          // One file is at fault (an image for a text-only model, a file the server cannot
          // read): the text and every file go back, that one flagged; one ✕ or another model fixes it.
          chat.returnedDraft = typed ?? null;
          chat.returnedAttachments = files;
          chat.flaggedAttachment = atFault;
          chat.sendError = { message: refusalText(errorText(err), files.length, Boolean(typed), 'flagged'), retry: null };
        } else if (againAfterMs === null || !filesOutliveRefusal(err)) {
          // The same request would be refused again (a bad setting, a read-only chat, the budget
          // used up, no key…): no Retry, a link where the fix is; the text goes back to the
          // message box to change and send again. Files the refusal made useless are removed
          // (lib/attachments/refusals.ts), others go back with the text.
          const kept = filesOutliveRefusal(err);
          if (files.length > 0 && !kept) void discardAttachments(files).catch(() => {});
          chat.returnedDraft = typed ?? null;
          if (kept) chat.returnedAttachments = files;
          chat.sendError = { message: refusalText(errorText(err), files.length, Boolean(typed), kept ? 'all' : false), retry: null, fix, ...keptPromptOf(err, Boolean(typed)) };
        } else {
          chat.sendError = { message: errorText(err), retry: () => void this.run(body, onSession, opts), ...(againAfterMs ? { againAfterMs } : {}), fix };
          this.retryFiles = files;
        }
      }
    } finally {
      chat.rowsPending = false;
      this.sends = this.sends.filter((s) => s !== send);
      chat.sending = this.sends.length > 0;
      views.release(assistantId, controller);
      const row = find(assistantId ?? pendingAssistantId);
      // The server's figure (its usage event, or the final row) is the one every view and Usage
      // show; this tab's stream-open time is only a stand-in when none came. It runs longer
      // than the turn when the answer was stopped elsewhere (the stop takes a while to arrive).
      if (row && end !== 'failed' && row.latency_ms == null) row.latency_ms = Math.round(performance.now() - started);
      // The view closed before the answer ended (network, proxy): the turn goes on; follow it.
      if (assistantId && row && !isFinished(row.status)) views.attach(assistantId);
    }
    return result;
  }

  /** The question the server already has (409 already_sent): its chat, then its rows, shown. */
  private async showSent(details: Record<string, unknown>, onSession: (id: string) => void): Promise<void> {
    const sessionId = typeof details.session_id === 'string' ? details.session_id : null;
    if (!this.chat.sessionId && sessionId) {
      this.chat.sessionId = sessionId;
      onSession(sessionId);
    }
    await this.chat.catchUp().catch(() => {});
    // Its answer may still be running: follow it.
    for (const m of this.chat.messages) if (m.status === 'streaming' && !m.id.startsWith('pending-') && !this.parts.views.has(m.id)) this.parts.views.attach(m.id);
  }

  /** Shows and follows the answer another tab or device is writing in this chat. */
  private async followRunning(id: unknown): Promise<void> {
    await this.chat.catchUp().catch(() => {});
    if (typeof id === 'string') this.parts.views.attach(id);
  }

  private adoptIds(pendingUser: string, userId: string | null | undefined, pendingAssistant: string, assistantId: string | null | undefined) {
    const chat = this.chat;
    for (const [from, to] of [
      [pendingUser, userId],
      [pendingAssistant, assistantId],
    ] as const) {
      if (!to) continue;
      const row = this.parts.find(from);
      if (!row) continue;
      // Realtime may have delivered the real row first; keep one copy (and what it streamed).
      const duplicate = chat.messages.findIndex((m) => m.id === to);
      if (duplicate !== -1) {
        const copy = chat.messages[duplicate]!;
        if ((copy.seq ?? 0) > (row.seq ?? 0)) Object.assign(row, { content: copy.content, reasoning: copy.reasoning, seq: copy.seq });
        chat.messages.splice(duplicate, 1);
      }
      row.id = to;
      row.session_id = chat.sessionId ?? row.session_id;
      this.parts.changes.touch(to); // this tab's own new row: a read begun before the send lacks it
    }
  }
}

/** The answer being written in a chat (this tab's own placeholder included), if any: while
 * there is one, a new turn waits. */
export function answerBeingWritten(messages: Message[]): Message | undefined {
  return messages.findLast((m) => m.sender === 'assistant' && m.status === 'streaming');
}

/** Refused for an answer being written in the chat (one this request did not name, or any). */
function startedElsewhere(err: ApiError): boolean {
  return err.code === 'turn_running' || err.code === 'answer_started_elsewhere';
}

/** The request never got an answer: no network, or the server could not be reached ($lib/api apiFetch). */
function unreachable(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'unreachable';
}

/** What the chat says about a failed request (in the web app's words where the API's name its request fields). */
export function errorText(err: unknown): string {
  return keptPromptWords(err) ?? (err instanceof Error ? err.message : 'Something went wrong. Try again.');
}

/** A refusal for the chat's kept prompt, for the chat to act on (KeptPrompt.svelte). */
function keptPromptOf(err: unknown, textBack: boolean): Pick<SendError, 'keptPrompt'> {
  const refusal = keptPromptRefusal(err);
  return refusal ? { keptPrompt: { refusal, textBack } } : {};
}

function draft(id: string, sessionId: string | null, sender: 'user' | 'assistant', content: string, status: Message['status'], at: string, body: ChatRequest): Message {
  return { id, session_id: sessionId ?? '', sender, content, status, error: null, provider: body.provider, model: body.model, token_count: null, created_at: at };
}
