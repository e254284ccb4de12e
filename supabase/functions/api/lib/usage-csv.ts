/**
 * The caller's provider calls as CSV (GET /api/usage/export), for a spreadsheet or an
 * accounting tool: one row per call, oldest first, each with its UTC time and its wall-clock
 * time in the caller's zone (the range's days are that zone's, lib/usage-range.ts), with what the usage dashboard
 * aggregates (tokens, dollars, latency) and where each call came from (chat, project — a deleted
 * one's too, flagged —, prompt version, and the API key that made it — its name and its prefix, as the Usage table shows it, two keys of one name told apart —; empty for the web app), what it was for
 * (`purpose`: chat, title, gateway, embedding; empty for calls logged before it was recorded), its reasoning tokens and
 * who asked (`asked_by`: "You", a group chat member's display name — never an email — or "Former
 * member"; lib/usage-askers.ts). Read a page at a time by keyset, each page in a short read-only transaction of
 * its own under the caller's RLS, so a year of calls streams without holding a connection
 * or the whole file; cells are written by csv-stringify, with formulas escaped (a chat title
 * such as `=HYPERLINK(…)` stays text in Excel and LibreOffice) and a byte-order mark so Excel
 * reads UTF-8.
 *
 *   return new Response(usageCsv(db, user, { from, to, tz: 'Europe/Berlin' }), { headers: { 'content-type': CSV_TYPE } });
 */
import { stringify } from 'csv-stringify/sync';
import type { AuthUser } from './context.ts';
import { cursorTimestampSql } from './cursor.ts';
import type { Db } from './db.ts';
import { askerLabel, askerNames } from './usage-askers.ts';

export const CSV_TYPE = 'text/csv; charset=utf-8';
/** Rows read per page (one transaction each). */
const PAGE_ROWS = 2_000;

export const COLUMNS = [
  'executed_at', 'provider', 'model', 'status', 'error_code', 'chat_id', 'chat_title', 'message_id', 'project_id', 'project_name',
  'prompt_id', 'prompt_title', 'prompt_version', 'prompt_tokens', 'cached_tokens', 'completion_tokens', 'total_tokens', 'cost_usd',
  'ttft_ms', 'latency_ms', 'local_time', 'project_deleted', 'api_key_id', 'api_key_name', 'purpose', 'reasoning_tokens',
  // Added after the others, so a sheet that reads the columns by position keeps reading them.
  'api_key_prefix', 'asked_by',
] as const;

type Row = Record<(typeof COLUMNS)[number], string | number | null> & { id: string; cursor_at: string; asked_by_id: string | null; purpose: string | null };

export interface UsageCsvRange {
  from: Date;
  to: Date;
  /** The zone of `local_time` (an IANA name checked by lib/time-zone.ts). */
  tz: string;
  promptId?: string;
}

export function usageCsv(db: Db, user: AuthUser, range: UsageCsvRange): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: { at: string; id: string } | null = null;
  let header = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const rows = await db.readAsUser(user, async (sql) => {
        const page = await sql<Row[]>`
          select l.id, ${sql.unsafe(cursorTimestampSql('l.executed_at'))} as cursor_at, to_char(l.executed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as executed_at,
                 l.provider, l.model, l.status, l.error_code, l.session_id as chat_id, s.title as chat_title, l.message_id,
                 coalesce(l.project_id, l.deleted_project_id) as project_id, coalesce(pr.name, l.deleted_project_name) as project_name, l.prompt_id, coalesce(p.title, sp.title) as prompt_title, l.prompt_version,
                 l.prompt_tokens, l.cached_tokens, l.completion_tokens, l.token_count as total_tokens,
                 trim_scale(l.cost_usd)::text as cost_usd, l.ttft_ms, l.latency_ms,
                 to_char(l.executed_at at time zone ${range.tz}, 'YYYY-MM-DD"T"HH24:MI:SS.MS') as local_time,
                 case when l.deleted_project_id is not null then 'true' when l.project_id is not null then 'false' end as project_deleted,
                 l.api_key_id, k.name as api_key_name, l.purpose, l.reasoning_tokens, k.prefix as api_key_prefix, l.asked_by as asked_by_id
            from public.prompt_usage_logs l
            left join public.api_keys k on k.id = l.api_key_id
            left join public.chat_sessions s on s.id = l.session_id
            left join public.projects pr on pr.id = l.project_id
            left join public.prompts p on p.id = l.prompt_id
            -- Someone else's public prompt: its title as they see it (they cannot read its row).
            left join public.shared_prompts sp on sp.id = l.prompt_id and p.id is null
           where l.user_id = ${user.id}
             and l.executed_at >= ${range.from} and l.executed_at < ${range.to}
             ${range.promptId ? sql`and l.prompt_id = ${range.promptId}` : sql``}
             ${after ? sql`and (l.executed_at, l.id) > (${after.at}::text::timestamptz, ${after.id}::uuid)` : sql``}
           order by l.executed_at, l.id
           limit ${PAGE_ROWS}`;
        const names = await askerNames(sql, page.map((row) => row.asked_by_id));
        return page.map((row) => ({ ...row, asked_by: askerLabel({ askedBy: row.asked_by_id, purpose: row.purpose }, user.id, names) }));
      });
      const text = stringify(rows, { header, bom: header, columns: [...COLUMNS], escape_formulas: true, cast: { number: String } });
      header = false;
      if (text) controller.enqueue(encoder.encode(text));
      const last = rows.at(-1);
      if (rows.length < PAGE_ROWS || !last) controller.close();
      // With microseconds (the CSV shows milliseconds), compared as text (lib/cursor.ts says why).
      else after = { at: last.cursor_at, id: last.id };
    },
  });
}
