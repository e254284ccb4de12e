/**
 * The gate of a chat turn: what the database must say before a provider may be called, in
 * one statement on the owner connection (one pool checkout, one round trip, where it took
 * three connections and a transaction as the caller) — private.turn_gate: the sender's rate limit (consumed),
 * the payer's monthly budget, the payer's key ciphertext for the provider, and the sender's
 * custom instructions. Every part filters by an id the API verified — the caller's, or the
 * payer's from lib/chat/turn-seat.ts — and reads the rows RLS shows that person. A token whose
 * session has been signed out is refused in the same statement (public.require_live_session,
 * MR401: 401 session_ended), and so is an aal1 token of an account with a verified second
 * factor (public.require_mfa_level, MR403: 403 insufficient_aal), before any provider is called
 * and with nothing taken from the bucket; else a refusal comes in this order: 429 rate_limited,
 * then 402 budget_exceeded, then 429 rate_limited for the payer's own stored key while their
 * provider-key checks are used up (lib/key-checks.ts; read in the same statement, none taken).
 */
import postgres from 'postgres';
import { budgetExceeded, budgetStatus, monthWindow, payerBudgetExceeded } from '../budget.ts';
import type { AuthUser } from '../context.ts';
import { sessionAccessCalls, type Db } from '../db.ts';
import { ApiError } from '../errors.ts';
import { assertKeyCheckLeft, keyChecksLeftColumn } from '../key-checks.ts';
import type { StoredCiphertext } from '../provider-client.ts';
import { floatLiteral, intLiteral, nameLiteral, timestampLiteral, uuidLiteral } from '../sql-literals.ts';

export interface TurnGateRequest {
  /** The sender, as verified; their token is checked here too (lib/db.ts sessionAccessCalls). */
  caller: AuthUser;
  /** Whose key answers and whose budget the call counts against. */
  payerId: string;
  providerId: string;
  capacity: number;
  refillPerSecond: number;
  /**
   * The payer's own key is a provider-key check if the provider refuses it (lib/key-checks.ts):
   * refused (429) while their checks are used up, when a key is stored. Off for a turn paid by
   * someone else, who cannot change the key.
   */
  keyChecks: boolean;
}

export interface TurnGate {
  /** The payer's ciphertext for the provider (null: none stored). */
  stored: StoredCiphertext | null;
  /** The sender's custom instructions (a system message of every turn). */
  customInstructions: string;
}

export async function passTurnGate(db: Db, req: TurnGateRequest, now = new Date()): Promise<TurnGate> {
  const sql = db.startLane ?? db.sql;
  const { start, resetsAt } = monthWindow(now);
  // private.turn_gate (PL/pgSQL: its statements' plans are kept for the connection's life); the
  // rate-limit bucket's update commits without waiting for its WAL, as in db.consumeRateLimit.
  // Literals, not parameters (lib/sql-literals.ts): one message, pipelined on a busy connection.
  const rows = await sql.unsafe<{
    allowed: boolean;
    retry_after_seconds: number;
    budget: number | null;
    spent: number;
    custom_instructions: string | null;
    encrypted_key: string | null;
    base_url: string | null;
    key_checks?: number;
  }[]>(`
    select g.*${req.keyChecks ? `, ${keyChecksLeftColumn(req.payerId)} as key_checks` : ''} from private.turn_gate(${uuidLiteral(req.caller.id)}, ${uuidLiteral(req.payerId)}, ${nameLiteral(req.providerId)},
      ${intLiteral(req.capacity)}, ${floatLiteral(req.refillPerSecond)}, ${timestampLiteral(start)}, ${timestampLiteral(resetsAt)}) g
    ${sessionAccessCalls(req.caller).map((call) => `, ${call}`).join('')}`)
    .catch((error: unknown) => {
      // A still-valid token of an account deleted since: its bucket row has no user to belong to.
      if (error instanceof postgres.PostgresError && error.code === '23503') throw new ApiError(401, 'unauthorized', 'This account no longer exists');
      throw error;
    });
  const row = rows[0];
  if (!row?.allowed) {
    const retry = Number(row?.retry_after_seconds ?? 1);
    throw new ApiError(429, 'rate_limited', `Too many messages; try again in ${retry} s`, { 'retry-after': String(retry) });
  }
  const budget = budgetStatus(row.budget, row.spent, start, resetsAt);
  if (budget.state === 'exceeded') throw req.payerId === req.caller.id ? budgetExceeded(budget) : payerBudgetExceeded(budget);
  if (req.keyChecks && row.encrypted_key !== null) assertKeyCheckLeft(Number(row.key_checks));
  return {
    stored: row.encrypted_key === null ? null : { encrypted_key: row.encrypted_key, base_url: row.base_url },
    customInstructions: row.custom_instructions ?? '',
  };
}
