/**
 * The prompt a chat keeps as its system prompt (chat_sessions.metadata.prompt). A turn that
 * names a prompt as its system message (POST /chat `prompt_id` without `prompt_in_message`)
 * makes it the chat's: every later turn, regenerate and edit that names none is answered with
 * it, as the chat was started. It is kept as it was asked for — at its label, which is resolved
 * again on each turn (so moving `production` reaches the chat, as a project's prompt at its
 * label does), at a pinned version, or at the newest version — with the variables it was given,
 * and each turn's usage is logged against the version that turn actually used. A turn with
 * `prompt_id: null` drops it; a turn that names another prompt replaces it.
 */
import { z } from '@hono/zod-openapi';
import { fitsJsonb } from '../inputs.ts';

type Values = Record<string, string | number | boolean>;

export interface ChatPrompt {
  id: string;
  label: string | null;
  version: number | null;
  /**
   * The values the prompt was chosen with; null when they were too large to keep with the
   * chat (see KEPT_VARIABLES_BYTES): later turns must then send them again.
   */
  variables: Values | null;
}

/**
 * The chat's settings must fit chat_sessions.metadata's 16 KiB check, so the values kept with
 * its prompt are at most this much JSON; larger ones (a whole document as a variable) are used
 * for the turn that gave them and not kept.
 */
export const KEPT_VARIABLES_BYTES = 12 * 1024;

// What the API wrote, read back defensively: the metadata can also be replaced through
// PATCH /sessions/{id}, and a shape the API did not write is not taken for a prompt.
const storedPrompt = z.object({
  id: z.uuid(),
  label: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/).nullable().catch(null),
  version: z.number().int().min(1).max(2_147_483_647).nullable().catch(null),
  // Absent in chats started before the prompt was kept (their metadata named it only): the
  // prompt applies with no values of its own, and a turn that needs some is told to send them.
  variables: z.record(z.string().max(64), z.union([z.string(), z.number(), z.boolean()])).nullable().default({}).catch(null),
});

/** The chat's prompt from its session's `metadata->'prompt'` (null: none, or not one the API wrote). */
export function chatPromptOf(stored: unknown): ChatPrompt | null {
  const parsed = storedPrompt.safeParse(stored);
  return parsed.success ? { ...parsed.data, label: parsed.data.label ?? null, version: parsed.data.version ?? null } : null;
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
  variables?: Values;
}): { prompt: ChatPrompt | null } | Record<string, never> {
  if (body.prompt_id === null) return { prompt: null };
  if (!body.prompt_id || body.prompt_in_message) return {};
  const variables = body.variables ?? {};
  return {
    prompt: {
      id: body.prompt_id,
      label: body.prompt_label ?? null,
      version: body.prompt_version ?? null,
      variables: fitsJsonb(KEPT_VARIABLES_BYTES)(variables) ? variables : null,
    },
  };
}
