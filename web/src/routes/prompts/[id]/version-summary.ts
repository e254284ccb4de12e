// What the history shows of a version: never its text, which is read when a version is
// viewed, compared or restored (a prompt's 50 newest versions can be megabytes of text).
import type { PromptVersionSummary } from '$lib/api';

export function summarise(v: PromptVersionSummary) {
  // Labels are shown from the prompt's own list, which every action reloads.
  const { id, version, title, commit_message, created_at, created_by, chars, first_line } = v;
  return { id, version, title, commit_message, created_at, created_by, chars, first_line };
}

export type VersionSummary = ReturnType<typeof summarise>;

/** A template's size as a person reads it: 845 characters, 20.3k characters. */
export function sizeText(chars: number): string {
  return chars < 1000 ? `${chars} characters` : `${(chars / 1000).toFixed(1)}k characters`;
}
