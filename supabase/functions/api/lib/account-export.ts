/**
 * The account export (GET /api/me/export), streamed: the JSON document is written piece by
 * piece while one repeatable-read transaction, run as the caller (RLS), reads it — sessions
 * with their messages one session at a time, everything large through postgres.js cursors
 * — so memory stays flat however much a user has, and a client that reads slowly slows
 * the reading down instead of filling the server's memory. Credentials are metadata only:
 * the API roles cannot select the ciphertext column, so it cannot leak here.
 */
import type { TransactionSql } from 'postgres';
import type { AuthUser } from './context.ts';
import type { Db } from './db.ts';
import type { Logger } from './log.ts';
import { PROFILE_COLUMNS } from './account.ts';
import { MESSAGE_COLUMNS } from './resource-schemas.ts';

const BATCH = 500;
/** A reader that takes nothing for this long ends the export (and frees its connection). */
const STALL_MS = 60_000;

const json = (value: unknown) => JSON.stringify(value);

/** Signed download URLs for the user's files (path → URL); absent when Storage is not set up. */
export type SignFiles = (paths: string[]) => Promise<Map<string, string>>;

/**
 * A session's messages as JSON fragments, oldest first, each with `author_name`: the name
 * public.message_author_names gives its author (the rule the chat's pages and its own export
 * follow — null for a deleted account), so a group chat's questions say who asked
 * them in the owner's sessions as in a member's group_chats. `ownedBy` keeps to that user's rows.
 */
async function* messagesWithAuthors(sql: TransactionSql, sessionId: string, ownedBy?: string): AsyncGenerator<string> {
  let first = true;
  for await (const rows of sql`
    select ${sql.unsafe(MESSAGE_COLUMNS)}, n.display_name as author_name
      from public.messages m
      left join public.message_author_names(${sessionId}, array(
        select distinct a.author_id from public.messages a where a.session_id = ${sessionId} and a.author_id is not null
      )) n on n.user_id = m.author_id
     where m.session_id = ${sessionId} ${ownedBy ? sql`and m.user_id = ${ownedBy}` : sql``}
     order by m.created_at, m.id`.cursor(BATCH)) {
    for (const row of rows) {
      yield `${first ? '' : ','}${json(row)}`;
      first = false;
    }
  }
}

/** Yields the export document as JSON text fragments, in order. */
async function* exportFragments(sql: TransactionSql, user: AuthUser, exportedAt: string, signFiles?: SignFiles): AsyncGenerator<string> {
  const uid = user.id;
  const [profile] = await sql`select ${sql.unsafe(PROFILE_COLUMNS)} from public.profiles where id = ${uid}`;
  yield `{"format":"mrprompt-export/1","exported_at":${json(exportedAt)},"user":${json({ id: uid, email: user.email })},"profile":${json(profile ?? null)}`;

  const credentials = await sql`
    select provider, key_hint, base_url, last_used_at, created_at, updated_at
      from public.api_credentials where user_id = ${uid} order by provider`;
  yield `,"credentials":${json(credentials)}`;

  yield ',"projects":[';
  let first = true;
  for await (const rows of sql`
    select id, name, description, system_prompt_id, system_prompt_label, system_prompt_variables, created_at, updated_at
      from public.projects where user_id = ${uid} order by created_at, id`.cursor(BATCH)) {
    for (const row of rows) {
      yield `${first ? '' : ','}${json(row)}`;
      first = false;
    }
  }
  yield ']';

  // Session rows are small; their messages are what grows, read one session at a time.
  const sessions = await sql`
    select s.id, s.project_id, s.title, s.metadata, s.last_message_at, k.pinned_at, k.archived_at, s.created_at, s.updated_at
      from public.chat_sessions s
      left join public.session_marks k on k.session_id = s.id and k.user_id = ${uid}
     where s.user_id = ${uid} order by s.created_at, s.id`;
  yield ',"sessions":[';
  for (const [index, session] of sessions.entries()) {
    yield `${index ? ',' : ''}${json(session).slice(0, -1)},"messages":[`;
    yield* messagesWithAuthors(sql, session.id, uid);
    yield ']}';
  }
  yield ']';

  // Other people's group chats the user is in, as they can read them (RLS: a member reads the
  // whole chat), so their words — and the conversation they were part of — leave with them too.
  const groups = await sql`
    select s.id, s.title, m.role, m.created_at as joined_at,
           (select n.display_name from public.message_author_names(s.id, array[s.user_id]) n) as owner_name
      from public.session_members m join public.chat_sessions s on s.id = m.session_id
     where m.user_id = ${uid} order by m.created_at, s.id`;
  yield ',"group_chats":[';
  for (const [index, group] of groups.entries()) {
    yield `${index ? ',' : ''}${json(group).slice(0, -1)},"messages":[`;
    yield* messagesWithAuthors(sql, group.id);
    yield ']}';
  }
  yield ']';

  const prompts = await sql`
    select id, user_id, name, title, description, content, tags, is_public, forked_from, latest_version, config, created_at, updated_at
      from public.prompts where user_id = ${uid} order by created_at, id`;
  yield ',"prompts":[';
  for (const [index, prompt] of prompts.entries()) {
    yield `${index ? ',' : ''}${json(prompt).slice(0, -1)},"versions":[`;
    let firstVersion = true;
    for await (const rows of sql`
      select id, prompt_id, version, title, content, config, commit_message, created_at
        from public.prompt_versions where prompt_id = ${prompt.id} order by version`.cursor(BATCH)) {
      for (const row of rows) {
        yield `${firstVersion ? '' : ','}${json(row)}`;
        firstVersion = false;
      }
    }
    const labels = await sql`
      select label, version, locked, updated_at from public.prompt_labels where prompt_id = ${prompt.id} order by label`;
    yield `],"labels":${json(labels)},"test_cases":[`;
    // The playground's saved cases (up to 52 KB each, 10,000 per account): read a batch at a time, as versions are.
    let firstCase = true;
    for await (const rows of sql`
      select name, variables, message, created_at, updated_at
        from public.prompt_test_cases where prompt_id = ${prompt.id} order by name`.cursor(BATCH)) {
      for (const row of rows) {
        yield `${firstCase ? '' : ','}${json(row)}`;
        firstCase = false;
      }
    }
    yield ']}';
  }
  yield ']';

  yield ',"usage_logs":[';
  first = true;
  for await (const rows of sql`
    select id, executed_at, provider, model, status, prompt_id, prompt_version, session_id, project_id, message_id,
           ttft_ms, latency_ms, prompt_tokens, completion_tokens, token_count, error_code,
           cached_tokens, attachment_tokens, cost_usd::text as cost_usd, purpose, reasoning_tokens
      from public.prompt_usage_logs where user_id = ${uid} order by executed_at, id`.cursor(BATCH)) {
    for (const row of rows) {
      yield `${first ? '' : ','}${json(row)}`;
      first = false;
    }
  }
  yield ']';

  // Files: project files (with their extracted text) and message attachments, each with a
  // signed download URL for its bytes (valid for a day).
  const files = await sql<{ path: string }[]>`
    select 'project' as kind, id, project_id, null::uuid as message_id, name, type, size::bigint::text as size, storage_path as path,
           token_count, extracted_text, created_at
      from public.file_metadata where user_id = ${uid}
    union all
    select 'attachment', id, null, message_id, name, type, size::bigint::text, storage_path, token_count, null, created_at
      from public.message_attachments where user_id = ${uid}
    order by created_at, id`;
  const urls = signFiles && files.length > 0 ? await signFiles([...new Set(files.map((f) => f.path))]) : new Map<string, string>();
  yield `,"files":${json(files.map((f) => ({ ...f, size: Number((f as { size?: string }).size), download_url: urls.get(f.path) ?? null })))}}`;
}

class ExportCancelled extends Error {}

/**
 * The export as a byte stream. Reading happens only as fast as the client takes it (the
 * stream's 64 KiB queue is the only buffer); a client that goes away ends the transaction.
 */
export function streamAccountExport(db: Db, user: AuthUser, exportedAt: string, log: Logger, signFiles?: SignFiles): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cancelled = false;
  let resume: (() => void) | null = null;
  const wake = () => {
    resume?.();
    resume = null;
  };
  const waitForReader = () =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the client stopped reading the export')), STALL_MS);
      resume = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // One consistent snapshot for the whole document.
        const run = db.withUserTransaction(user, async (sql) => {
          let pending = '';
          for await (const fragment of exportFragments(sql, user, exportedAt, signFiles)) {
            pending += fragment;
            if (pending.length < 16_384) continue;
            controller.enqueue(encoder.encode(pending));
            pending = '';
            while (!cancelled && (controller.desiredSize ?? 1) <= 0) await waitForReader();
            if (cancelled) throw new ExportCancelled();
          }
          if (pending) controller.enqueue(encoder.encode(pending));
        }, { snapshot: true });
        run.then(
          () => controller.close(),
          (error: unknown) => {
            if (error instanceof ExportCancelled || cancelled) return;
            log.error('account export failed', { error: error instanceof Error ? error.message : 'unknown error' });
            controller.error(error);
          },
        );
      },
      pull: wake,
      cancel() {
        cancelled = true;
        wake();
      },
    },
    { highWaterMark: 65_536, size: (chunk) => chunk.byteLength },
  );
}
