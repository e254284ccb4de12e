// Parses the prompt form (new and edit) into the API's body shape.
import { z } from 'zod';

const schema = z.object({
  title: z.string().trim().min(1, 'Give the prompt a title').max(200),
  description: z.string().trim().max(2000),
  content: z.string().min(1, 'The template is empty').max(100_000),
  tags: z.array(z.string().trim().min(1).max(40)).max(20),
  is_public: z.boolean(),
  commit_message: z.string().trim().max(500).optional(),
});

export type PromptInput = z.infer<typeof schema>;

export function parsePromptForm(form: FormData) {
  const tags = String(form.get('tags') ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const commit = String(form.get('commit_message') ?? '').trim();
  return schema.safeParse({
    title: String(form.get('title') ?? ''),
    description: String(form.get('description') ?? ''),
    content: String(form.get('content') ?? ''),
    tags: [...new Set(tags)],
    is_public: form.get('is_public') === 'on',
    commit_message: commit || undefined,
  });
}
