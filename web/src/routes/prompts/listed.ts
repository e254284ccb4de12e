// What the prompt library's list shows of each prompt (the first page from the server, the next
// ones read in the browser).
import type { PromptSummary } from '$lib/api';

type ListedPrompt = Pick<PromptSummary, 'id' | 'title' | 'description' | 'tags' | 'is_public' | 'latest_version' | 'updated_at'>;

export function listed({ id, title, description, tags, is_public, latest_version, updated_at }: ListedPrompt): ListedPrompt {
  return { id, title, description, tags, is_public, latest_version, updated_at };
}
