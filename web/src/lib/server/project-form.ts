// The checks the project forms share (the list's create, a project's settings).
import { z } from 'zod';

export const projectName = z.string().trim().min(1, 'Give the project a name').max(100, 'A project name is at most 100 characters');

/** The settings form of a project's page (empty select and label mean none). */
export const projectSettings = z.object({
  name: projectName,
  description: z.string().trim().max(2000, 'A description is at most 2,000 characters'),
  system_prompt_id: z.union([z.literal('').transform(() => null), z.uuid()]),
  // Absent when the field is disabled (no prompt chosen): the API clears the label with the prompt.
  system_prompt_label: z.union([
    z.literal('').transform(() => null),
    z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'Labels are lowercase letters, digits, - and _'),
  ]).optional(),
});
