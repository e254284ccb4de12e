// One conversation's client state: the loaded messages (oldest → newest), the turn being
// streamed by this tab, older-history paging, and merging rows that Realtime delivers from
// other tabs and devices.
import { browserApi, ok, type Message } from '$lib/api';
import { applyDelta, finish, mergeRow } from '$lib/chat/answer-merge';
import { streamChat, type ChatRequest } from '$lib/chat/chat-stream';

export interface MessagePage {
  messages: Message[];
  next_cursor: string | null;
}

export interface Turn {
  provider: string;
  project_id?: string;
  model: string;
  prompt_id?: string;
  prompt_version?: number;
  variables?: Record<string, string>;
}

export class ChatState {
  sessionId = $state<string | null>(null);
  messages = $state<Message[]>([]);
  olderCursor = $state<string | null>(null);
  loadingOlder = $state(false);
  streaming = $state(false);
  /** A failure of the last send that has no message row to hang on (e.g. 4xx before meta). */
  sendError = $state<{ message: string; retry: () => void } | null>(null);
  /** The assistant row this tab is writing; Realtime copies of it lag behind, so skip them. */
  private localAssistantId: string | null = null;
  private controller: AbortController | null = null;
  /** Rows this tab knows are gone (regenerated, edited away, deleted). A catch-up page or a
   * Realtime update read before the delete may still carry them; ids are never reused. */
  private removed = new Set<string>();

  constructor(sessionId: string | null, page: MessagePage | null) {
    this.sessionId = sessionId;
    this.messages = page?.messages ?? [];
    this.olderCursor = page?.next_cursor ?? null;
  }

  /** Loads the page of messages before the oldest one shown. */
  async loadOlder(): Promise<void> {
    if (!this.sessionId || !this.olderCursor || this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      const path = { id: this.sessionId };
      const page = await ok(browserApi().GET('/api/sessions/{id}/messages', { params: { path, query: { limit: 30, before: this.olderCursor } } }));
      const known = new Set(this.messages.map((m) => m.id));
      this.messages = [...page.messages.filter((m) => !known.has(m.id)), ...this.messages];
      this.olderCursor = page.next_cursor;
    } finally {
      this.loadingOlder = false;
    }
  }

  /** True once Realtime delivers this session's changes (tests and the UI can wait for it). */
  live = $state(false);

  /** Re-reads the newest page after (re)joining Realtime, for rows written in between. */
  async catchUp(): Promise<void> {
    if (!this.sessionId) return;
    const page = await ok(browserApi().GET('/api/sessions/{id}/messages', { params: { path: { id: this.sessionId }, query: { limit: 50 } } }));
    for (const row of page.messages) this.applyRemote(row);
    this.live = true;
  }

  /** Applies an INSERT/UPDATE from Realtime (another tab, another device, or the server). */
  applyRemote(row: Message): void {
    if (row.session_id !== this.sessionId) return;
    if (this.removed.has(row.id)) return;
    const index = this.messages.findIndex((m) => m.id === row.id);
    // A page read or change from before the answer ended may arrive after it: merge forward only.
    const merged = mergeRow(this.messages[index], row, row.id === this.localAssistantId && this.streaming);
    if (!merged) return;
    if (index === -1) {
      this.messages = [...this.messages, merged].sort(byCreatedAt);
    } else {
      this.messages[index] = merged;
    }
  }

  removeRemote(id: string): void {
    this.removed.add(id);
    this.messages = this.messages.filter((m) => m.id !== id);
  }

  /** Drops every message from `index` on, remembering them as gone. */
  private truncate(index: number): void {
    for (const message of this.messages.slice(index)) this.removed.add(message.id);
    this.messages = this.messages.slice(0, index);
  }

  stop(): void {
    // Closing the stream no longer stops the answer (it is a server-side turn): ask the server.
    const id = this.localAssistantId;
    if (id) void browserApi().post(`/chat/${id}/stop`).catch(() => {});
    this.controller?.abort();
  }

  /** Sends a new user turn. */
  send(text: string, turn: Turn, onSession: (id: string) => void): Promise<void> {
    return this.run({ ...turn, message: text }, onSession, { userText: text });
  }

  /** Replaces the last answer with a new one. */
  regenerate(turn: Turn, onSession: (id: string) => void): Promise<void> {
    const lastUser = this.messages.findLast((m) => m.sender === 'user');
    if (!lastUser) return Promise.resolve();
    this.truncate(this.messages.lastIndexOf(lastUser) + 1);
    return this.run({ ...turn, message: lastUser.content, regenerate: true }, onSession, {});
  }

  /** Replaces a user message with new text and drops every turn after it. */
  editAndResend(id: string, text: string, turn: Turn, onSession: (id: string) => void): Promise<void> {
    const index = this.messages.findIndex((m) => m.id === id);
    if (index === -1) return Promise.resolve();
    // What followed is gone for good; the edited message keeps its id and comes back as a draft.
    this.truncate(index + 1);
    this.messages = this.messages.slice(0, index);
    return this.run({ ...turn, message: text, edit_message_id: id }, onSession, { userText: text });
  }

  private async run(body: ChatRequest, onSession: (id: string) => void, opts: { userText?: string }) {
    if (this.streaming) return;
    this.sendError = null;
    this.streaming = true;
    this.controller = new AbortController();
    const started = performance.now();
    const pendingUserId = `pending-user-${crypto.randomUUID()}`;
    const pendingAssistantId = `pending-assistant-${crypto.randomUUID()}`;
    const now = new Date().toISOString();
    if (opts.userText !== undefined) {
      this.messages.push(draft(pendingUserId, this.sessionId, 'user', opts.userText, 'complete', now, body));
    }
    this.messages.push(draft(pendingAssistantId, this.sessionId, 'assistant', '', 'streaming', now, body));
    const assistant = () => this.messages.find((m) => m.id === pendingAssistantId || m.id === this.localAssistantId);

    try {
      await streamChat(
        this.sessionId ? { ...body, session_id: this.sessionId, project_id: undefined } : body,
        {
          meta: (meta) => {
            if (!this.sessionId) {
              this.sessionId = meta.session_id;
              onSession(meta.session_id);
            }
            this.localAssistantId = meta.assistant_message_id ?? null;
            this.adoptIds(pendingUserId, meta.user_message_id, pendingAssistantId, meta.assistant_message_id);
          },
          delta: (text) => {
            const row = assistant();
            if (row) applyDelta(row, { text });
          },
          usage: (usage) => {
            const row = assistant();
            if (!row) return;
            row.prompt_tokens = usage.prompt_tokens ?? null;
            row.completion_tokens = usage.completion_tokens ?? null;
            row.token_count = usage.total_tokens ?? usage.token_count ?? row.token_count;
          },
          error: (error) => {
            const row = assistant();
            if (row) finish(row, 'error', error.message);
          },
        },
        this.controller.signal,
      );
      const row = assistant();
      if (row) finish(row, 'complete');
    } catch (err) {
      const row = assistant();
      if (this.controller.signal.aborted) {
        if (row) finish(row, 'stopped');
      } else if (row && row.content) {
        finish(row, 'error', errorText(err));
      } else {
        // Nothing was stored for this answer: drop the placeholder, offer a retry.
        this.messages = this.messages.filter((m) => m.id !== pendingAssistantId && m.id !== pendingUserId);
        this.sendError = { message: errorText(err), retry: () => void this.run(body, onSession, opts) };
      }
    } finally {
      const row = assistant();
      if (row) row.latency_ms = Math.round(performance.now() - started);
      this.streaming = false;
      this.localAssistantId = null;
      this.controller = null;
    }
  }

  private adoptIds(pendingUser: string, userId: string | null | undefined, pendingAssistant: string, assistantId: string | null | undefined) {
    for (const [from, to] of [
      [pendingUser, userId],
      [pendingAssistant, assistantId],
    ] as const) {
      if (!to) continue;
      // Realtime may have delivered the real row first; keep one copy.
      const duplicate = this.messages.findIndex((m) => m.id === to);
      const row = this.messages.find((m) => m.id === from);
      if (!row) continue;
      if (duplicate !== -1) this.messages.splice(duplicate, 1);
      row.id = to;
      row.session_id = this.sessionId ?? row.session_id;
    }
  }
}

function byCreatedAt(a: Message, b: Message): number {
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
}

function draft(id: string, sessionId: string | null, sender: 'user' | 'assistant', content: string, status: Message['status'], at: string, body: ChatRequest): Message {
  return { id, session_id: sessionId ?? '', sender, content, status, error: null, provider: body.provider, model: body.model, token_count: null, created_at: at };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : 'Something went wrong. Try again.';
}
