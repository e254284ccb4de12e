// How a prompt is named in a select (a project's system prompt, the playground's prompt): by its
// title, which the library lets repeat (names are unique, titles are not) — so a title shared by
// two or more of the listed prompts also carries the prompt's unique name and latest version,
// "Trip planner — trip-planner-2 · v3", or the two options read the same (QA4 #5). An option
// holds no markup, so a title's hidden characters are written as their markers' labels
// (`⟨U+202E⟩`): else a right-to-left override makes "Invoice \u202Efdp.exe" read "Invoice exe.pdf".
import { showHidden } from '../invisible-chars';

export interface PromptChoiceSource {
  id: string;
  title: string;
  name: string;
  latest_version: number;
}

export interface PromptChoice {
  id: string;
  title: string;
  /** What the option says: the title (hidden characters shown), with the name and version when the title repeats. */
  label: string;
}

const key = (title: string) => title.trim().toLocaleLowerCase();

/** The prompts as select options, in the order given. */
export function promptChoices(prompts: readonly PromptChoiceSource[]): PromptChoice[] {
  const counts = new Map<string, number>();
  for (const p of prompts) counts.set(key(p.title), (counts.get(key(p.title)) ?? 0) + 1);
  return prompts.map((p) => ({
    id: p.id,
    title: p.title,
    label: showHidden((counts.get(key(p.title)) ?? 0) > 1 ? `${p.title} — ${p.name} · v${p.latest_version}` : p.title),
  }));
}
