/**
 * Prompt templates: `{{name}}` slots, optionally with a default as `{{name|default}}`.
 * Shared by POST /prompts/:id/render, chat (a chosen or project prompt) and, through the
 * same rules, the web editor that highlights variables.
 */

/** A slot found in a template. `required` is false when every use of it has a default. */
export interface TemplateVariable {
  name: string;
  default: string | null;
  required: boolean;
}

// `{{ name }}` or `{{ name | default text }}`; the default may not contain `}}`.
const SLOT = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]{0,63})\s*(?:\|([^}]*?))?\s*\}\}/g;

/** Every distinct variable in first-appearance order. */
export function extractVariables(template: string): TemplateVariable[] {
  const found = new Map<string, TemplateVariable>();
  for (const match of template.matchAll(SLOT)) {
    const name = match[1];
    const fallback = match[2] === undefined ? null : match[2].trim();
    const seen = found.get(name);
    if (!seen) {
      found.set(name, { name, default: fallback, required: fallback === null });
    } else {
      seen.default ??= fallback;
      // A slot used once without a default needs a value even if another use has one.
      seen.required = seen.required || fallback === null;
    }
  }
  return [...found.values()];
}

/** Raised when a required variable has no value; the API maps it to 422. */
export class MissingVariablesError extends Error {
  constructor(readonly missing: string[]) {
    super(`Missing value for ${missing.length === 1 ? 'variable' : 'variables'}: ${missing.join(', ')}`);
    this.name = 'MissingVariablesError';
  }
}

/**
 * Fills every slot. Values are inserted verbatim (never re-scanned, so a value containing
 * `{{x}}` stays literal). Unknown extra values are ignored.
 */
export function renderTemplate(template: string, values: Record<string, string | number | boolean>): string {
  const missing = extractVariables(template)
    .filter((v) => v.required && !hasValue(values, v.name))
    .map((v) => v.name);
  if (missing.length > 0) throw new MissingVariablesError(missing);
  return template.replace(SLOT, (_slot, name: string, fallback: string | undefined) =>
    hasValue(values, name) ? String(values[name]) : (fallback ?? '').trim(),
  );
}

function hasValue(values: Record<string, unknown>, name: string): boolean {
  return Object.hasOwn(values, name) && values[name] !== null && values[name] !== undefined && values[name] !== '';
}
