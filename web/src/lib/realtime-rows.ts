// zod schemas for rows that arrive over Realtime, checked before they reach the UI.
import { z } from 'zod';

export const messageRow = z.object({
  id: z.string(),
  session_id: z.string(),
  sender: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  status: z.enum(['complete', 'streaming', 'stopped', 'error']),
  error: z.string().nullable().default(null),
  provider: z.string().nullable().default(null),
  model: z.string().nullable().default(null),
  token_count: z.number().nullable().default(null),
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  latency_ms: z.number().nullish(),
  created_at: z.string(),
});

export const sessionRow = z.object({
  id: z.string(),
  title: z.string(),
  project_id: z.string().nullable(),
  last_message_at: z.string(),
});

/** DELETE events carry only the primary key (replica identity default). */
export const deletedRow = z.object({ id: z.string() });
