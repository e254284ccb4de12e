// The files of one chat's messages: those each user message carried (chips) and the project
// files each answer was given (sources), read from GET /sessions/{id}/attachments when the
// chat opens, after a send with files, and — in a group chat or a project — as answers appear
// and finish, whichever tab, device or person asked.
import { untrack } from 'svelte';
import { browserApi, ok, type AnswerSource, type MessageAttachment } from '$lib/api';
import type { ChatState } from './chat-state.svelte';

export class MessageFiles {
  chips = $state<Record<string, MessageAttachment[]>>({});
  sources = $state<Record<string, AnswerSource[]>>({});

  #reads = 0;
  #shown = 0;

  constructor(private readonly chat: ChatState) {}

  /** Reads the chat's files; a read answered after a later one's is dropped (it may predate a file). */
  async load(): Promise<void> {
    const id = this.chat.sessionId;
    if (!id) return;
    const read = ++this.#reads;
    const found = await ok(browserApi().GET('/api/sessions/{id}/attachments', { params: { path: { id } } })).catch(() => null);
    if (!found || read < this.#shown || id !== this.chat.sessionId) return;
    this.#shown = read;
    this.chips = byMessage(found.attachments);
    this.sources = byMessage(found.sources);
  }

  /**
   * Reads again when an answer appears (another tab's or device's: Realtime brings it once its
   * rows and sources are written) and when it finishes, while `wanted()` — other people's
   * questions carry files in a group chat, and in a project each answer has its sources. Call
   * while a component initialises, after its first `load()`. This tab's own answer shows its
   * sources from its `meta` at once.
   */
  followAnswers(wanted: () => boolean): void {
    const changes = $derived(this.chat.messages.reduce((n, m) => n + (m.sender !== 'assistant' ? 0 : m.status === 'streaming' ? 1 : 2), 0));
    let readAt = -1; // the first count is what the opening read already covers
    $effect(() => {
      const count = changes;
      if (!wanted() || count <= readAt) return;
      untrack(() => {
        if (readAt >= 0) void this.load();
        readAt = count;
      });
    });
  }
}

function byMessage<T extends { message_id: string }>(rows: T[]): Record<string, T[]> {
  const grouped: Record<string, T[]> = {};
  for (const row of rows) (grouped[row.message_id] ??= []).push(row);
  return grouped;
}
