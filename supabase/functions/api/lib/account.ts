/**
 * Account-wide operations behind /api/me: deleting the caller's account (the one privileged
 * write the API makes) and exporting everything the caller owns.
 */
import type { TransactionSql } from 'postgres';
import type { AuthUser } from './context.ts';
import type { Db } from './db.ts';
import type { MessageRow, ProjectRow, PromptLabelRow, PromptRow, PromptVersionRow, SessionRow, UsageLogRow } from './resource-schemas.ts';

/**
 * Deletes the auth user and, by cascade, every row they own. Runs as the connection owner
 * (auth.users is out of the API roles' reach) through private.delete_account, always with
 * the id verified from the caller's JWT — never one taken from the request.
 */
export async function deleteOwnAccount(db: Db, verifiedUserId: string): Promise<boolean> {
  const [row] = await db.sql<{ deleted: boolean }[]>`select private.delete_account(${verifiedUserId}::uuid) as deleted`;
  return Boolean(row?.deleted);
}

export interface ProfileRow {
  id: string;
  display_name: string;
  avatar_url: string | null;
  role: 'user' | 'admin';
  custom_instructions: string;
  preferences: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export const PROFILE_COLUMNS = 'id, display_name, avatar_url, role, custom_instructions, preferences, created_at, updated_at';

/**
 * Everything the caller owns, read as the caller (RLS) in one transaction. Credentials are
 * metadata only: the API roles cannot select the ciphertext column, so it cannot leak here.
 */
export async function exportAccount(sql: TransactionSql, user: AuthUser) {
  const uid = user.id;
  const [profile] = await sql<ProfileRow[]>`select ${sql.unsafe(PROFILE_COLUMNS)} from public.profiles where id = ${uid}`;
  const credentials = await sql<Record<string, unknown>[]>`
    select provider, key_hint, base_url, last_used_at, created_at, updated_at
      from public.api_credentials where user_id = ${uid} order by provider`;
  const projects = await sql<ProjectRow[]>`
    select id, name, description, system_prompt_id, system_prompt_label, created_at, updated_at
      from public.projects where user_id = ${uid} order by created_at, id`;
  const sessions = await sql<SessionRow[]>`
    select id, project_id, title, metadata, last_message_at, created_at, updated_at
      from public.chat_sessions where user_id = ${uid} order by created_at, id`;
  const messages = await sql<MessageRow[]>`
    select id, session_id, sender, content, status, error, provider, model, provider_message_id,
           token_count, prompt_tokens, completion_tokens, ttft_ms, latency_ms, created_at, updated_at
      from public.messages where user_id = ${uid} order by created_at, id`;
  const prompts = await sql<Omit<PromptRow, 'is_owner'>[]>`
    select id, user_id, title, description, content, tags, is_public, forked_from, latest_version, created_at, updated_at
      from public.prompts where user_id = ${uid} order by created_at, id`;
  const versions = await sql<PromptVersionRow[]>`
    select v.id, v.prompt_id, v.version, v.title, v.content, v.commit_message, v.created_at
      from public.prompt_versions v join public.prompts p on p.id = v.prompt_id
     where p.user_id = ${uid} order by v.prompt_id, v.version`;
  const labels = await sql<(PromptLabelRow & { prompt_id: string })[]>`
    select l.prompt_id, l.label, l.version, l.updated_at
      from public.prompt_labels l join public.prompts p on p.id = l.prompt_id
     where p.user_id = ${uid} order by l.prompt_id, l.label`;
  const usage = await sql<Omit<UsageLogRow, 'prompt_title'>[]>`
    select id, executed_at, provider, model, status, prompt_id, prompt_version, session_id, message_id,
           ttft_ms, latency_ms, prompt_tokens, completion_tokens, token_count, error_code
      from public.prompt_usage_logs where user_id = ${uid} order by executed_at, id`;

  const messagesBySession = groupBy(messages, (m) => m.session_id);
  const versionsByPrompt = groupBy(versions, (v) => v.prompt_id);
  const labelsByPrompt = groupBy(labels, (l) => l.prompt_id);
  return {
    format: 'mrprompt-export/1' as const,
    exported_at: new Date().toISOString(),
    user: { id: uid, email: user.email },
    profile: profile ?? null,
    credentials,
    projects,
    sessions: sessions.map((s) => ({ ...s, messages: messagesBySession.get(s.id) ?? [] })),
    prompts: prompts.map((p) => ({
      ...p,
      versions: versionsByPrompt.get(p.id) ?? [],
      labels: (labelsByPrompt.get(p.id) ?? []).map(({ prompt_id: _, ...l }) => l),
    })),
    usage_logs: usage,
  };
}

// Map.groupBy needs Node 21; this runs on Node 20 too.
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
