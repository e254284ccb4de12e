// What a project card shows, and how many the list reads at a time (the server's first page
// and each "Load more" in the browser).
import type { ProjectWithPrompt } from '$lib/api';

export const PAGE_SIZE = 20;
/** A project page's chats, a page at a time. */
export const CHATS_PAGE_SIZE = 20;

export type ProjectCardRow = Pick<ProjectWithPrompt, 'id' | 'name' | 'description' | 'system_prompt_id' | 'system_prompt_label' | 'system_prompt_title'>;

export function toCard({ id, name, description, system_prompt_id, system_prompt_label, system_prompt_title }: ProjectWithPrompt): ProjectCardRow {
  return { id, name, description, system_prompt_id, system_prompt_label, system_prompt_title };
}
