/**
 * Response shapes of the resource routes (projects, sessions, messages, prompts, usage),
 * as zod schemas for the OpenAPI document, plus the row types the SQL returns. Shared by
 * the routes and by GET /me/export, so an export holds exactly what the API shows.
 *
 * Timestamps come from postgres as Date and serialise to ISO strings, which is what the
 * schemas describe.
 */
import { z } from '@hono/zod-openapi';

const timestamp = z.string().openapi({ format: 'date-time' });
const nullableInt = z.number().int().nullable();

export const ProjectSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    system_prompt_id: z.uuid().nullable(),
    system_prompt_label: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi('Project');

export interface ProjectRow {
  id: string;
  name: string;
  description: string;
  system_prompt_id: string | null;
  system_prompt_label: string | null;
  created_at: Date;
  updated_at: Date;
}

export const SessionSchema = z
  .object({
    id: z.uuid(),
    project_id: z.uuid().nullable(),
    title: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    last_message_at: timestamp,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi('Session');

export interface SessionRow {
  id: string;
  project_id: string | null;
  title: string;
  metadata: Record<string, unknown>;
  last_message_at: Date;
  created_at: Date;
  updated_at: Date;
}

export const MessageSchema = z
  .object({
    id: z.uuid(),
    session_id: z.uuid(),
    sender: z.enum(['user', 'assistant', 'system']),
    content: z.string(),
    status: z.enum(['complete', 'streaming', 'stopped', 'error']),
    error: z.string().nullable(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    provider_message_id: z.string().nullable(),
    token_count: nullableInt,
    prompt_tokens: nullableInt,
    completion_tokens: nullableInt,
    ttft_ms: nullableInt,
    latency_ms: nullableInt,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi('Message');

export interface MessageRow {
  id: string;
  session_id: string;
  sender: 'user' | 'assistant' | 'system';
  content: string;
  status: 'complete' | 'streaming' | 'stopped' | 'error';
  error: string | null;
  provider: string | null;
  model: string | null;
  provider_message_id: string | null;
  token_count: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  ttft_ms: number | null;
  latency_ms: number | null;
  created_at: Date;
  updated_at: Date;
}

export const TemplateVariableSchema = z
  .object({ name: z.string(), default: z.string().nullable(), required: z.boolean() })
  .openapi('TemplateVariable');

export const PromptLabelSchema = z
  .object({ label: z.string(), version: z.number().int(), updated_at: timestamp })
  .openapi('PromptLabel');

export const PromptSchema = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    is_owner: z.boolean(),
    title: z.string(),
    description: z.string(),
    content: z.string(),
    tags: z.array(z.string()),
    is_public: z.boolean(),
    forked_from: z.uuid().nullable(),
    latest_version: z.number().int(),
    created_at: timestamp,
    updated_at: timestamp,
    variables: z.array(TemplateVariableSchema),
    labels: z.array(PromptLabelSchema).optional(),
  })
  .openapi('Prompt');

export interface PromptRow {
  id: string;
  user_id: string;
  is_owner: boolean;
  title: string;
  description: string;
  content: string;
  tags: string[];
  is_public: boolean;
  forked_from: string | null;
  latest_version: number;
  created_at: Date;
  updated_at: Date;
}

export const PromptVersionSchema = z
  .object({
    id: z.uuid(),
    prompt_id: z.uuid(),
    version: z.number().int(),
    title: z.string(),
    content: z.string(),
    commit_message: z.string().nullable(),
    created_at: timestamp,
    variables: z.array(TemplateVariableSchema),
  })
  .openapi('PromptVersion');

export interface PromptVersionRow {
  id: string;
  prompt_id: string;
  version: number;
  title: string;
  content: string;
  commit_message: string | null;
  created_at: Date;
}

export interface PromptLabelRow {
  label: string;
  version: number;
  updated_at: Date;
}

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
    cost_usd: z.number().nullable().openapi({ description: 'USD at the prices in force when the call ran; null when unpriced' }),
    error_code: z.string().nullable(),
  })
  .openapi('UsageLog');

export interface UsageLogRow {
  id: string;
  executed_at: Date;
  provider: string;
  model: string;
  status: 'success' | 'error' | 'stopped';
  prompt_id: string | null;
  prompt_version: number | null;
  prompt_title: string | null;
  session_id: string | null;
  message_id: string | null;
  ttft_ms: number | null;
  latency_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  token_count: number | null;
  cached_tokens: number | null;
  cost_usd: number | null;
  error_code: string | null;
}
