// Parses the prompt form (new and edit) into the API's body shape.
import { z } from 'zod';
import { TEMPLATE_CHARS, templateChars, tooLongText } from '$lib/text-length';

const optionalNumber = (min: number, max: number, int = false) =>
  z.union([z.literal('').transform(() => undefined), z.coerce.number().min(min).max(max).refine((n) => !int || Number.isInteger(n), 'Use a whole number')]);

const schema = z.object({
  name: z.union([z.literal('').transform(() => undefined), z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'Names use a-z, 0-9 and - (e.g. support-reply)')]),
  config: z.object({
    provider: z.union([z.literal('').transform(() => undefined), z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'Unknown provider')]),
    model: z.string().trim().max(200).transform((m) => m || undefined),
    temperature: optionalNumber(0, 2),
    max_tokens: optionalNumber(1, 200_000, true),
  }).transform((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined))),
  title: z.string().trim().min(1, 'Give the prompt a title').max(200),
  description: z.string().trim().max(2000),
  content: z.string().min(1, 'The template is empty').max(TEMPLATE_CHARS, {
    error: (issue) => tooLongText('template', templateChars(String(issue.input)), TEMPLATE_CHARS),
  }),
  // The API's rule (prompts.tags), checked here so the message names the tag.
  tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.+#-]{0,31}$/, {
    error: (issue) => `Tag “${String(issue.input)}”: a tag is 1–32 characters of a-z, 0-9 and _ . + # -`,
  })).max(20, 'Use at most 20 tags'),
  is_public: z.boolean(),
  // '' in the form: shared at its newest version (null); absent: the form does not choose.
  shared_label: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'Pick one of the prompt\'s labels').nullable().optional(),
  commit_message: z.string().trim().max(500).optional(),
});

export type PromptInput = z.infer<typeof schema>;

export function parsePromptForm(form: FormData) {
  const tags = String(form.get('tags') ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const commit = String(form.get('commit_message') ?? '').trim();
  const text = (key: string) => String(form.get(key) ?? '').trim();
  return schema.safeParse({
    name: text('name'),
    config: { provider: text('provider'), model: text('model'), temperature: text('temperature'), max_tokens: text('max_tokens') },
    title: String(form.get('title') ?? ''),
    description: String(form.get('description') ?? ''),
    content: String(form.get('content') ?? ''),
    tags: [...new Set(tags)],
    is_public: form.get('is_public') === 'on',
    // Only a public prompt is shared at a label (the API refuses one on a private prompt).
    shared_label: form.get('is_public') === 'on' && form.has('shared_label') ? text('shared_label') || null : undefined,
    commit_message: commit || undefined,
  });
}
