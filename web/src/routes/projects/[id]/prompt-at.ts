// The project's prompt as a chat would use it: the version at the project's label (else the
// latest) and the variables that version asks for, read as the caller. The page's load reads
// the saved choice; the settings form reads another one when the prompt or label is changed,
// and posts the values in fields of their own (read back by variableValues).
import { ApiError, ok, type Api } from '$lib/api';
import type { TemplateVariable } from '$lib/prompt-variables';

export type PromptAt =
  | { id: string; title: string; labels: { label: string; version: number }[]; version: number; variables: TemplateVariable[]; missing: false }
  | { id: string; title: string; labels: []; version: null; variables: []; missing: true };

/**
 * `missing` when the caller cannot read the prompt (someone's public prompt made private since;
 * a deleted one clears the project's, by its foreign key). A label no version has yet gives the
 * latest version's variables, the best guess of what the label will point at.
 */
export async function promptAt(api: Api, id: string, label: string | null): Promise<PromptAt> {
  try {
    const prompt = await ok(api.GET('/api/prompts/{id}', { params: { path: { id } } }));
    const labels = (prompt.labels ?? []).map(({ label, version }) => ({ label, version }));
    const pinned = labels.find((l) => l.label === label)?.version;
    const at = pinned === undefined || pinned === prompt.latest_version
      ? { version: prompt.latest_version, variables: prompt.variables }
      : await ok(api.GET('/api/prompts/{id}/versions/{version}', { params: { path: { id, version: pinned } } }));
    return { id, title: prompt.title, labels, version: at.version, variables: at.variables, missing: false };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { id, title: 'A prompt you can no longer read', labels: [], version: null, variables: [], missing: true };
    throw err;
  }
}

/** Where the settings form puts a variable's value: `variable:<name>`, apart from the project's own fields. */
export const VARIABLE_FIELD = 'variable:';

/**
 * The values of the prompt's variables the form holds; an empty field takes the template's default.
 * A form sends a text box's line breaks as CRLF (HTML's form encoding); they go back to the LF the
 * box held, which is what the picker and the API send for the same text.
 */
export function variableValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form) {
    if (key.startsWith(VARIABLE_FIELD) && typeof value === 'string' && value !== '') values[key.slice(VARIABLE_FIELD.length)] = value.replace(/\r\n?/g, '\n');
  }
  return values;
}
