// Splits a prompt template into plain text and variable slots for the editor's highlighting.
// The slot grammar itself lives in the API's prompt-template module, so the editor and the
// renderer can never disagree about what a variable is.
import { extractVariables, templateProblems, templateSlots, type TemplateVariable } from '../../../supabase/functions/api/lib/prompt-template.ts';

export type { TemplateVariable };
export { extractVariables, templateProblems };

export interface Segment {
  text: string;
  /** Set when this segment is a valid `{{name}}` / `{{name|default}}` slot. */
  variable?: string;
}

/** The template as text and slots, read exactly as the renderer reads it (`\{{` stays text). */
export function segmentTemplate(template: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const slot of templateSlots(template)) {
    if (slot.index > last) segments.push({ text: template.slice(last, slot.index) });
    segments.push({ text: slot.text, variable: slot.name });
    last = slot.index + slot.text.length;
  }
  if (last < template.length) segments.push({ text: template.slice(last) });
  return segments;
}
