/**
 * Account-wide operations behind /api/me: deleting the caller's account (the one privileged
 * write the API makes) and the profile columns. The export is in account-export.ts.
 */
import type { Db } from './db.ts';

/**
 * Deletes the auth user and, by cascade, every row they own — group chats with other people in
 * them are handed to one of those first (a trigger on auth.users, 20261208040000). Runs as the connection owner
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
