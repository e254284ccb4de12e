// What the chat page hands its conversation view (ChatView.svelte).
import type { Participant, Provider } from '$lib/api';
import type { MessagePage } from '$lib/chat/chat-state.svelte';
import type { Role } from '$lib/chat/group.svelte';
import type { KeptPromptRef } from '$lib/chat/kept-prompt';

export interface ChatViewProps {
  sessionId: string | null;
  title: string;
  /** Whether the chat is archived (the owner's): a note above the composer offers Restore. */
  archived?: boolean;
  page: MessagePage | null;
  /** The message a search hit opened the chat on (?message=): scrolled to and lit, or why it is not shown. */
  jump?: { id: string; found: boolean; note: string | null } | null;
  /** refused: the user's own key, refused by the provider when last checked. */
  providers: (Pick<Provider, 'id' | 'name' | 'models' | 'any_model'> & { shared?: boolean; refused?: boolean })[];
  defaults: { provider: string; model: string };
  /** The chat's answer settings as its last turn left them (null: the model's default). */
  settings?: { temperature: number | null; max_tokens: number | null };
  promptId: string | null;
  /** The library prompt the chat keeps as its system prompt (its metadata's), if any. */
  keptPrompt?: KeptPromptRef | null;
  projects: { id: string; name: string }[];
  projectId: string | null;
  /** The caller's role and the people of this chat (null for a new chat). */
  group?: { role: Role; participants: Participant[]; share_owner_key: boolean; channel_epoch: number } | null;
  /** Whether a chat this tab starts is named by its model after the first answer (Settings). */
  autoTitle?: boolean;
  /** The most characters a message may have (the server's MAX_MESSAGE_CHARS): the composer says so before sending. */
  maxMessageChars?: number | null;
  onSessionCreated: (id: string) => void;
}
