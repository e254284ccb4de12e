// What the prompt library's list shows of each prompt (the first page from the server, the next
// ones read in the browser); `revision` lets a bulk tag change refuse to undo an edit made meanwhile.
import type { PromptSummary } from '$lib/api';

export type ListedPrompt = Pick<PromptSummary, 'id' | 'title' | 'description' | 'tags' | 'is_public' | 'latest_version' | 'revision' | 'updated_at' | 'recent_uses'>;

export function listed({ id, title, description, tags, is_public, latest_version, revision, updated_at, recent_uses }: ListedPrompt): ListedPrompt {
  return { id, title, description, tags, is_public, latest_version, revision, updated_at, recent_uses };
}

/** Sorted by use, what each prompt's count says ("3 uses in 30 days"); null in other orders. */
export function usesLabel(uses: number | undefined): string | null {
  if (uses === undefined) return null;
  return uses === 0 ? 'not used in 30 days' : `${uses.toLocaleString('en-US')} ${uses === 1 ? 'use' : 'uses'} in 30 days`;
}

/** The orders the library offers, as `?sort=` takes them. */
export const SORTS = ['updated', 'name', 'created', 'most_used'] as const;
export type Sort = (typeof SORTS)[number];

/** What the order picker calls each order. */
export const SORT_LABELS: Record<Sort, string> = {
  updated: 'Recently updated',
  name: 'Name A→Z',
  created: 'Recently created',
  most_used: 'Most used (30 days)',
};
