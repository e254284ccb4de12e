/**
 * Who takes part in a chat turn, and in which seat. A session's rows always belong to its
 * owner (messages.user_id, the turn's lock); the caller is the author of what they send
 * (messages.author_id); the payer is whose provider key answers and whose usage and budget
 * the call counts against:
 *
 *   caller           key sharing off         key sharing on (chat_sessions.share_owner_key)
 *   owner            the owner's key         the owner's key
 *   member           the member's own key    the owner's key (decrypted here, never shown)
 *   viewer           403 read_only           403 read_only
 *
 * Read as the caller (RLS): someone who is not in the chat gets a 404, as for any session
 * that is not theirs. The database checks the author again when the turn's rows are written
 * (messages_guard_author), so a member removed meanwhile is refused there too.
 */
import type { TransactionSql } from 'postgres';
import type { AuthUser } from '../context.ts';
import type { Db } from '../db.ts';
import { ApiError, notFound } from '../errors.ts';

export interface TurnSeat {
  /** The session's owner: owns every row of the chat. */
  ownerId: string;
  role: 'owner' | 'member';
  /** Whose provider key answers (and who pays). */
  payerId: string;
  /** The session channel's epoch (lib/realtime-broadcast.ts sessionTopic). */
  channelEpoch: number;
}

type Role = 'owner' | 'member' | 'viewer';

/** The caller's role in a session they can see, with the session's owner; null when they cannot see it. */
export async function sessionRole(
  sql: TransactionSql,
  user: AuthUser,
  sessionId: string,
): Promise<{ ownerId: string; role: Role; shareOwnerKey: boolean; channelEpoch: number } | null> {
  const [row] = await sql<{ owner_id: string; share_owner_key: boolean; channel_epoch: number; member_role: Role | null }[]>`
    select s.user_id as owner_id, s.share_owner_key, s.channel_epoch,
           (select m.role from public.session_members m where m.session_id = s.id and m.user_id = ${user.id}) as member_role
      from public.chat_sessions s where s.id = ${sessionId}`;
  if (!row) return null;
  const role: Role = row.owner_id === user.id ? 'owner' : (row.member_role ?? 'viewer');
  return { ownerId: row.owner_id, role, shareOwnerKey: row.share_owner_key, channelEpoch: row.channel_epoch };
}

export function readOnly(): ApiError {
  return new ApiError(403, 'read_only', 'You can read this chat but not post in it: the owner invited you as a viewer');
}

/** The caller's seat for a turn in `sessionId` (a new chat: the caller owns and pays). */
export async function resolveTurnSeat(db: Db, user: AuthUser, sessionId: string | undefined): Promise<TurnSeat> {
  if (!sessionId) return { ownerId: user.id, role: 'owner', payerId: user.id, channelEpoch: 0 };
  const found = await db.withUserTransaction(user, (sql) => sessionRole(sql, user, sessionId));
  if (!found) throw notFound('Session');
  if (found.role === 'viewer') throw readOnly();
  const { channelEpoch } = found;
  if (found.role === 'owner') return { ownerId: user.id, role: 'owner', payerId: user.id, channelEpoch };
  return { ownerId: found.ownerId, role: 'member', payerId: found.shareOwnerKey ? found.ownerId : user.id, channelEpoch };
}

/** The payer as the key and budget helpers take it: only the id is read. */
export function payerOf(user: AuthUser, seat: TurnSeat): AuthUser {
  return seat.payerId === user.id ? user : { id: seat.payerId, email: null, claims: {} };
}

/** The caller's access to an answer (any participant may watch it; owner and members may stop it). */
export async function answerAccess(db: Db, user: AuthUser, messageId: string): Promise<{ ownerId: string; role: Role } | null> {
  return await db.withUserTransaction(user, async (sql) => {
    const [message] = await sql<{ session_id: string }[]>`
      select session_id from public.messages where id = ${messageId} and sender = 'assistant'`;
    if (!message) return null;
    const found = await sessionRole(sql, user, message.session_id);
    return found ? { ownerId: found.ownerId, role: found.role } : null;
  });
}
