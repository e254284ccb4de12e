/**
 * The prompt a chat keeps as its system prompt (chat_sessions.metadata.prompt). A turn that
 * names a prompt as its system message (POST /chat `prompt_id` without `prompt_in_message`)
 * makes it the chat's: every later turn, regenerate and edit that names none is answered with
 * it, as the chat was started. It is kept as it was asked for — at its label, which is resolved
 * again on each turn (so moving `production` reaches the chat, as a project's prompt at its
 * label does), at a pinned version, or at the newest version — and each turn's usage is logged
 * against the version that turn actually used. A turn with `prompt_id: null` drops it; a turn
 * that names another prompt replaces it.
 *
 * The values a turn fills the prompt with are not kept with the chat: its metadata is read by
 * everyone in a group chat (members and viewers, through the API, the Data API and Realtime),
 * and the values are the asker's (a customer's name, a document). Each turn sends the values it
 * needs, as a call to a model with a stored prompt does (OpenAI's `prompt.variables`); the
 * prompt's defaults fill the rest, and a value still missing is a 422 that names it.
 */
import { z } from '@hono/zod-openapi';

export interface ChatPrompt {
  id: string;
  label: string | null;
  version: number | null;
}

// What the API wrote, read back defensively: the metadata can also be replaced through
// PATCH /sessions/{id}, and a shape the API did not write is not taken for a prompt.
const storedPrompt = z.object({
  id: z.uuid(),
  label: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/).nullable().catch(null),
  version: z.number().int().min(1).max(2_147_483_647).nullable().catch(null),
});

/** The chat's prompt from its session's `metadata->'prompt'` (null: none, or not one the API wrote). */
export function chatPromptOf(stored: unknown): ChatPrompt | null {
  const parsed = storedPrompt.safeParse(stored);
  return parsed.success ? { id: parsed.data.id, label: parsed.data.label ?? null, version: parsed.data.version ?? null } : null;
}

/**
 * What a turn writes into the chat's metadata about its prompt: the prompt it chose as its
 * system message, `null` when it asked for none (`prompt_id: null`), and nothing when it named
 * no prompt or only rendered one into its message (the chat keeps the prompt it had).
 */
export function chatPromptSetting(body: {
  prompt_id?: string | null;
  prompt_label?: string;
  prompt_version?: number;
  prompt_in_message?: boolean;
}): { prompt: ChatPrompt | null } | Record<string, never> {
  if (body.prompt_id === null) return { prompt: null };
  if (!body.prompt_id || body.prompt_in_message) return {};
  return { prompt: { id: body.prompt_id, label: body.prompt_label ?? null, version: body.prompt_version ?? null } };
}
