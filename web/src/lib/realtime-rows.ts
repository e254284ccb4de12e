// zod schemas for what arrives over Realtime (rows from postgres_changes, a running answer's
// broadcast events), checked before it reaches the UI.
import { z } from 'zod';

export const messageRow = z.object({
  id: z.string(),
  session_id: z.string(),
  parent_id: z.string().nullable().default(null),
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
  reasoning: z.string().nullish(),
  reasoning_ms: z.number().nullish(),
  dropped_turns: z.number().int().nullish(),
  error_code: z.string().nullish(),
  seq: z.number().nullish(),
  author_id: z.string().nullish(),
  branch_depth: z.number().int().nullish(),
  stopped_by: z.string().nullish(),
  created_at: z.string(),
});

export const sessionRow = z.object({
  id: z.string(),
  title: z.string(),
  project_id: z.string().nullable(),
  last_message_at: z.string(),
  /** The caller's own marks: from GET /sessions; Realtime rows lack them (session_marks are per person). */
  pinned_at: z.string().nullable().optional(),
  archived_at: z.string().nullable().optional(),
  /** The last message of the branch the chat shows (null: its newest message). */
  active_leaf_id: z.string().nullable().default(null),
  /** From GET /sessions (Realtime rows lack it: those are the user's own chats). */
  role: z.enum(['owner', 'member', 'viewer']).optional(),
  /** Which epoch of the live channel `session:<id>[:<epoch>]` to join (moves when someone is removed). */
  channel_epoch: z.number().int().optional(),
  /** How many times the title changed (web/src/lib/chat/title-versions.ts). */
  title_version: z.number().int().optional(),
  /** The chat's settings, its kept prompt among them (`prompt`, read by lib/chat/kept-prompt.ts). */
  metadata: z.record(z.string(), z.unknown()).optional().catch(undefined),
});

/** Broadcast on `user:<id>` by the database: the user's pins or archives changed, of the chat
 * named when one did (public.session_marks). */
export const marksChanged = z.object({ session_id: z.string().optional() });

/** Broadcast on `session:<id>` by the database when the chat's branch was switched: the leaf it
 * moved to (20261207170000_name_leaf_in_branch_signals.sql; earlier messages name none). */
export const branchSwitched = z.object({ active_leaf_id: z.string().nullable().optional() });

/** Broadcast on `session:<id>` by the database when the chat was renamed: the title's version
 * (20261207190000_name_values_in_session_signals.sql; earlier messages name none). */
export const chatRenamed = z.object({ title_version: z.number().int().optional() });

/** Broadcast on the old `session:<id>[:<epoch>]` by the database when someone was removed or
 * left: who, and the epoch the channel moved to (20261207190000; earlier messages name none);
 * `reason: 'account_deleted'` when they went with their account
 * (20261208200000_say_when_a_member_removed_is_a_deleted_account.sql; none when they left or were removed). */
export const memberRemoved = z.object({
  user_id: z.string().optional(),
  channel_epoch: z.number().int().optional(),
  reason: z.literal('account_deleted').optional().catch(undefined),
});

/** Broadcast on `user:<id>` by the database to every participant of a chat that was renamed: the
 * title's version (20261207190000; earlier messages name none). */
export const sessionRenamed = z.object({ session_id: z.string(), title_version: z.number().int().optional() });

/** Broadcast on `user:<id>` by the database to a chat's owner: one of its invitations changed. */
export const sessionInvitationsChanged = z.object({ session_id: z.string() });

/** DELETE events carry only the primary key (replica identity default). */
export const deletedRow = z.object({ id: z.string() });

/** Broadcast on `session:<id>`: one streamed unit of a running answer (text or reasoning). */
export const turnDelta = z.object({ message_id: z.string(), seq: z.number().int().positive(), text: z.string() });

/** Broadcast on `session:<id>`: a running answer is whole (its last unit is `seq`) and waits for its final write. */
export const turnSaving = z.object({ message_id: z.string(), seq: z.number().int().nonnegative() });

/** What failed in an answer: an SSE view's `error` event, and a failed answer's broadcast `done`. */
export const turnFailure = z.object({ code: z.string(), message: z.string() });

/** Broadcast on `session:<id>`: a running answer ended, after its unit `seq` (its last); a failed one says why (`error`). */
export const turnDone = z.object({
  message_id: z.string(),
  status: z.enum(['complete', 'stopped', 'error']),
  code: z.string().nullish(),
  seq: z.number().int().nonnegative().optional(),
  error: turnFailure.nullish().catch(null),
});
