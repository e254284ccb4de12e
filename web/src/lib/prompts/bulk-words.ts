// What the library's bulk actions say and decide without asking anything: how prompts are
// counted, what a delete's Undo toast warns of, and the tags a bulk tag change writes.
import type { Doomed } from '$lib/chat/pending-deletes';
import type { Noun } from '$lib/chat/bulk-requests';

export const prompts = (n: number) => (n === 1 ? '1 prompt' : `${n} prompts`);

export const PROMPTS: Noun = { count: prompts, none: 'No prompt' };

/** A prompt to delete: its id, its title as shown, and whether it is in the public library. */
export interface DoomedPrompt extends Doomed {
  isPublic: boolean;
  /** The caller's projects that use it as their system prompt. */
  projects: string[];
  /** How many of the caller's chats keep it as their system prompt (0 when that could not be read). */
  chats?: number;
}

const quoted = (names: readonly string[]) => names.map((name) => `“${name}”`).join(', ');

/** The toast offering Undo: how many go, then what that breaks, if anything. */
export function deletedMessage(items: readonly DoomedPrompt[]): string {
  const head = items.length === 1 ? `Deleted “${items[0]!.name}”.` : `${prompts(items.length)} deleted.`;
  const projects = [...new Set(items.flatMap((item) => item.projects))];
  const shared = items.filter((item) => item.isPublic);
  const parts = [head];
  if (projects.length > 0) {
    parts.push(`${projects.length === 1 ? 'Project' : 'Projects'} ${quoted(projects)} will have no system prompt.`);
  }
  // Such a chat's next message is refused, saying the prompt was deleted and offering to go on without it.
  const chats = items.reduce((sum, item) => sum + (item.chats ?? 0), 0);
  if (chats > 0) {
    const which = items.length === 1 ? 'it' : 'one of them';
    parts.push(chats === 1
      ? `1 of your chats keeps ${which} as its system prompt: its next message will offer to go on without it.`
      : `${chats} of your chats keep ${which} as their system prompt: their next messages will offer to go on without it.`);
  }
  if (shared.length > 0) {
    parts.push(`${shared.length === 1 ? `“${shared[0]!.name}” is public` : `${shared.length} are public`}: others can no longer open or run ${shared.length === 1 ? 'it' : 'them'}.`);
  }
  return parts.join(' ');
}

/** A tag as the API stores it (lower case); the API checks the same. */
export const TAG = /^[a-z0-9][a-z0-9_.+#-]{0,31}$/;

/** The tags with `tag` added or taken away, or null when the prompt has it so already. */
export function retagged(tags: readonly string[], tag: string, add: boolean): string[] | null {
  if (tags.includes(tag) === add) return null;
  return add ? [...tags, tag] : tags.filter((t) => t !== tag);
}
