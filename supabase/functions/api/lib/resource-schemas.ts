/**
 * Response shapes of the resource routes (projects, sessions, messages, prompts, usage, budget),
 * as zod schemas for the OpenAPI document, and the row types the SQL returns, derived from
 * those schemas (never written twice). Shared by the routes and by GET /me/export, so an
 * export holds exactly what the API shows.
 */
import { z } from '@hono/zod-openapi';

/**
 * What postgres.js returns for a response schema: the same fields, except timestamps (every
 * `*_at` column), which arrive as Date and serialise to the ISO strings the schema describes.
 */
export type DbRow<Schema extends z.ZodType> = {
  [K in keyof z.infer<Schema>]: K extends `${string}_at` ? Date | Extract<z.infer<Schema>[K], null> : z.infer<Schema>[K];
};

const timestamp = z.string().openapi({ format: 'date-time' });
const nullableInt = z.number().int().nullable();

export const ProjectSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    system_prompt_id: z.uuid().nullable(),
    system_prompt_label: z.string().nullable(),
    system_prompt_variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).openapi({
      description: "Values of the system prompt's variables, kept with the project",
    }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi('Project');

export type ProjectRow = DbRow<typeof ProjectSchema>;

export const SessionSchema = z
  .object({
    id: z.uuid(),
    project_id: z.uuid().nullable(),
    title: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    last_message_at: timestamp,
    pinned_at: timestamp.nullable().openapi({ description: "Set while you have it pinned (listed first): your own, in a group chat too" }),
    archived_at: timestamp.nullable().openapi({ description: "Set while you have it archived (left out of your default list): your own, in a group chat too" }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi('Session');

export type SessionRow = DbRow<typeof SessionSchema>;

export const MessageSchema = z
  .object({
    id: z.uuid(),
    session_id: z.uuid(),
    parent_id: z.uuid().nullable().openapi({ description: 'The message this one follows (null: a first message); siblings share it' }),
    sender: z.enum(['user', 'assistant', 'system']),
    author_id: z.uuid().nullable().openapi({ description: 'Who wrote it (on an answer: who asked for it); null when that account was deleted' }),
    content: z.string(),
    status: z.enum(['complete', 'streaming', 'stopped', 'error']),
    error: z.string().nullable(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    provider_message_id: z.string().nullable(),
    token_count: nullableInt.openapi({
      description: "An answer's completion tokens; a question's tokens only when its turn's context had to be counted to fit the model's window, otherwise null",
    }),
    prompt_tokens: nullableInt,
    completion_tokens: nullableInt,
    ttft_ms: nullableInt,
    latency_ms: nullableInt,
    reasoning: z.string().openapi({ description: "A reasoning model's thinking, apart from the answer ('' when none)" }),
    reasoning_ms: nullableInt.openapi({ description: 'How long it reasoned before answering' }),
    dropped_turns: nullableInt.openapi({
      description: "An answer: how many of the chat's oldest messages its context left out to fit the model's window (null: none; the turn's `meta` `dropped_turns`)",
    }),
    error_code: z.string().nullable().openapi({ description: 'Why it is `error`/`stopped`: interrupted, stopped_by_user, wall_clock_limit, answer_too_long, provider codes' }),
    stopped_by: z.uuid().nullable().openapi({ description: 'Who stopped this answer (a participant of a group chat, or its asker); null when no person did' }),
    seq: z.number().int().openapi({ description: 'The last stream seq the content and reasoning include (apply live deltas with a higher seq)' }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi('Message');

export type MessageRow = DbRow<typeof MessageSchema>;

/** The columns of a MessageRow, as a select list over public.messages. */
export const MESSAGE_COLUMNS = `id, session_id, parent_id, sender, author_id, content, status, error, provider, model, provider_message_id,
  token_count, prompt_tokens, completion_tokens, ttft_ms, latency_ms, reasoning, reasoning_ms, dropped_turns, error_code, stopped_by,
  coalesce(cardinality(stream_units), (content <> '')::int) as seq, created_at, updated_at`;

export const TemplateVariableSchema = z
  .object({
    name: z.string(),
    type: z.enum(['string', 'number', 'boolean', 'enum']).openapi({ description: 'From `{{name:type}}`; string when untyped' }),
    options: z.array(z.string()).openapi({ description: 'Allowed values of an enum, e.g. `{{tone:enum(formal,casual)}}`' }),
    default: z.string().nullable(),
    required: z.boolean(),
  })
  .openapi('TemplateVariable');

export const PromptLabelSchema = z
  .object({
    label: z.string(),
    version: z.number().int(),
    locked: z.boolean().openapi({ description: 'A locked label moves only with `force: true`' }),
    updated_at: timestamp,
  })
  .openapi('PromptLabel');

/** The model settings a version carries; every field optional. */
export const PromptConfigSchema = z
  .object({
    provider: z.string().optional(),
    model: z.string().optional(),
    temperature: z.number().optional(),
    max_tokens: z.number().int().optional(),
  })
  .openapi('PromptConfig');

export type PromptConfig = z.infer<typeof PromptConfigSchema>;

export type PromptLabelRow = DbRow<typeof PromptLabelSchema>;

export const PromptSchema = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    is_owner: z.boolean(),
    name: z.string().openapi({ description: 'Unique per owner; what other apps resolve the prompt by', example: 'support-reply' }),
    title: z.string(),
    description: z.string(),
    content: z.string(),
    tags: z.array(z.string()),
    is_public: z.boolean(),
    published_version: z.number().int().nullable().openapi({
      description: 'While public: the one version other people see (the shared label\'s, else the newest); they see no other. Null while private',
    }),
    shared_label: z.string().nullable().openapi({
      description: 'While public: the label whose version other people see; null shares the newest version (every save public at once)',
    }),
    forked_from: z.uuid().nullable(),
    latest_version: z.number().int(),
    revision: z.number().int().openapi({
      description: 'Goes up on every change of the prompt (description, tags and visibility too); send it back as `expected_revision` to have a stale edit refused. ' +
        'Someone else\'s public prompt gives its shared version\'s number instead: its owner\'s unshared drafts do not show',
    }),
    config: PromptConfigSchema,
    created_at: timestamp,
    updated_at: timestamp.openapi({
      description: 'The last change. Someone else\'s public prompt gives when what they see was last shared (its shared version saved, ' +
        'its shared label moved, or the prompt made public or shared at another label): its owner\'s unshared drafts do not move it',
    }),
    variables: z.array(TemplateVariableSchema),
    labels: z.array(PromptLabelSchema).optional(),
  })
  .openapi('Prompt');

/** A prompt as selected; `variables` and `labels` are added by the route. */
export type PromptRow = Omit<DbRow<typeof PromptSchema>, 'variables' | 'labels'>;

export const PromptVersionSchema = z
  .object({
    id: z.uuid(),
    prompt_id: z.uuid(),
    version: z.number().int(),
    title: z.string(),
    content: z.string(),
    config: PromptConfigSchema,
    commit_message: z.string().nullable(),
    created_at: timestamp,
    variables: z.array(TemplateVariableSchema),
  })
  .openapi('PromptVersion');

/** A version as selected; `variables` are added by the route. */
export type PromptVersionRow = Omit<DbRow<typeof PromptVersionSchema>, 'variables'>;

/** What a logged call was for: a chat answer, a chat's title, the OpenAI-compatible API, a project file's embeddings. */
export const USAGE_PURPOSES = ['chat', 'title', 'gateway', 'embedding'] as const;
export type UsagePurpose = (typeof USAGE_PURPOSES)[number];
const UsagePurposeSchema = z.enum(USAGE_PURPOSES).nullable().openapi({
  description: 'What the call was for: chat (an answer), title (naming a chat), gateway (POST /v1/chat/completions), embedding (project files); null for calls logged before this was recorded',
});

export const UsageLogSchema = z
  .object({
    id: z.uuid(),
    executed_at: timestamp,
    provider: z.string(),
    model: z.string(),
    status: z.enum(['success', 'error', 'stopped']),
    prompt_id: z.uuid().nullable(),
    prompt_version: nullableInt,
    prompt_title: z.string().nullable(),
    session_id: z.uuid().nullable(),
    message_id: z.uuid().nullable(),
    ttft_ms: nullableInt,
    latency_ms: nullableInt,
    prompt_tokens: nullableInt,
    completion_tokens: nullableInt,
    token_count: nullableInt,
    cached_tokens: nullableInt,
    reasoning_tokens: nullableInt.openapi({ description: 'The part of completion_tokens the model spent reasoning, as the provider reported it' }),
    purpose: UsagePurposeSchema,
    cost_usd: z.number().nullable().openapi({ description: 'USD at the prices in force when the call ran; null when unpriced' }),
    error_code: z.string().nullable(),
    api_key_id: z.uuid().nullable().openapi({ description: 'The API key that made the call; null for the web app' }),
    api_key_name: z.string().nullable(),
    api_key_prefix: z.string().nullable().openapi({ description: 'The key\'s first characters (`mrp_` and 8 more), as the key list shows them' }),
    api_key_revoked: z.boolean().openapi({ description: 'The key has been revoked since (false without a key)' }),
    asked_by: z.uuid().nullable().openapi({ description: 'Who asked for the call (you, or a group chat member whose turn you paid for); null: a deleted account, or not recorded (older calls)' }),
    asked_by_name: z.string().nullable().openapi({ description: 'Their display name (never an email); null when asked_by is null' }),
  })
  .openapi('UsageLog');

export type UsageLogRow = DbRow<typeof UsageLogSchema>;


export const BudgetSchema = z
  .object({
    monthly_budget_usd: z.number().nullable(),
    spent_usd: z.number(),
    used_share: z.number().nullable(),
    state: z.enum(['none', 'ok', 'warning', 'exceeded']),
    month_start: z.string(),
    resets_at: z.string(),
  })
  .openapi('Budget');
