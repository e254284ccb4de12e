// Splits a prompt template into plain text and variable slots for the editor's highlighting.
// The slot grammar itself lives in the API's prompt-template module, so the editor and the
// renderer can never disagree about what a variable is.
import { extractVariables, type TemplateVariable } from '../../../supabase/functions/api/lib/prompt-template.ts';

export type { TemplateVariable };
export { extractVariables };

export interface Segment {
  text: string;
  /** Set when this segment is a valid `{{name}}` / `{{name|default}}` slot. */
  variable?: string;
}

const BRACES = /\{\{[^{}]*\}\}/g;

export function segmentTemplate(template: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of template.matchAll(BRACES)) {
    const start = match.index ?? 0;
    const [slot] = extractVariables(match[0]);
    if (!slot) continue;
    if (start > last) segments.push({ text: template.slice(last, start) });
    segments.push({ text: match[0], variable: slot.name });
    last = start + match[0].length;
  }
  if (last < template.length) segments.push({ text: template.slice(last) });
  return segments;
}
