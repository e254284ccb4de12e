/**
 * Who asked for a call, as the payer's Usage and its CSV name it (prompt_usage_logs.asked_by):
 * in a group chat whose owner pays for members' turns, the owner's rows are the members'
 * questions too. Names come from public.usage_asker_names, which returns a name only for
 * someone whose call the caller paid for (or the caller): a display name, never an email.
 *
 *   const names = await askerNames(sql, rows.map((r) => r.asked_by));
 *   askerLabel({ askedBy, purpose }, user.id, names)   // 'You', 'Ann', 'Former member' or ''
 */
import type { TransactionSql } from 'postgres';

/** The display names of the people among `ids` whose calls the caller paid for. */
export async function askerNames(sql: TransactionSql, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await sql<{ user_id: string; display_name: string | null }[]>`
    select user_id, display_name from public.usage_asker_names(${wanted}::uuid[])`;
  return new Map(rows.flatMap((r) => (r.display_name ? [[r.user_id, r.display_name] as const] : [])));
}

/**
 * How the CSV names a call's asker: "You", their name, or "Former member" (the account is
 * gone); empty when it was not recorded (a call logged before its purpose was, which also
 * predates the asker).
 */
export function askerLabel(call: { askedBy: string | null; purpose: string | null }, me: string, names: Map<string, string>): string {
  if (call.askedBy === me) return 'You';
  if (call.askedBy === null) return call.purpose === null ? '' : 'Former member';
  return names.get(call.askedBy) ?? 'Former member';
}
