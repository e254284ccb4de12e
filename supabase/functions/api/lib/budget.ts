/**
 * Monthly budgets: the calendar month (UTC) a call falls in, what the user has spent in it
 * (private.monthly_spend: the sum of prompt_usage_logs.cost_usd per UTC month, fixed at each
 * call's time and kept by the database's triggers), and the check every paid call runs BEFORE
 * calling a provider:
 *
 *   await assertWithinBudget(c.var.db, c.var.user);   // 402 budget_exceeded past 100 %
 *
 * The check reads, it does not reserve: calls already running when the budget is reached
 * finish (and are counted), so a month can end slightly above its budget.
 */
import type { AuthUser } from './context.ts';
import { sessionAccessCalls, type Db } from './db.ts';
import { ApiError } from './errors.ts';
import { timestampLiteral, uuidLiteral } from './sql-literals.ts';
import { usdText } from './usd-text.ts';

/** Share of the budget from which the web app warns. */
export const WARN_AT = 0.8;

/** The UTC calendar month containing `now`: [start, resetsAt). */
export function monthWindow(now: Date): { start: Date; resetsAt: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, resetsAt };
}

export interface BudgetStatus {
  /** null when the user set no budget. */
  monthly_budget_usd: number | null;
  spent_usd: number;
  /** spent / budget (null without a budget; a 0 budget counts as fully used). */
  used_share: number | null;
  state: 'none' | 'ok' | 'warning' | 'exceeded';
  month_start: string;
  resets_at: string;
}

/**
 * A user's budget and this month's spend. One statement on the owner connection, filtered by
 * the user id the API verified (the same rows RLS shows that user: their profile and their own
 * spend): the spend lives in the private schema, which the caller's role cannot reach. With
 * `caller` (GET /budget, a read no transaction as the user guards) the same statement refuses a
 * signed-out session's token and an aal1 one of an account with a second factor.
 */
export async function readBudget(db: Db, userId: string, now = new Date(), caller?: AuthUser): Promise<BudgetStatus> {
  const { start, resetsAt } = monthWindow(now);
  const checks = caller ? accessChecks(caller) : '';
  const [row] = await db.sql.unsafe<{ budget: number | null; spent: number }[]>(`select ${budgetColumns(userId, start)}${checks}`);
  return budgetStatus(row?.budget ?? null, row?.spent ?? 0, start, resetsAt);
}

/**
 * readBudget for the caller, with the theme saved in their profile (`preferences.theme` as
 * stored, null when none), in the same statement: what every page of the web app needs
 * (GET /me/summary), so a page load costs one round trip, not two.
 */
export async function readBudgetAndTheme(db: Db, caller: AuthUser, now = new Date()): Promise<{ budget: BudgetStatus; theme: string | null }> {
  const { start, resetsAt } = monthWindow(now);
  const [row] = await db.sql.unsafe<{ budget: number | null; spent: number; theme: string | null }[]>(`
    select ${budgetColumns(caller.id, start)},
      (select preferences->>'theme' from public.profiles where id = ${uuidLiteral(caller.id)}) as theme${accessChecks(caller)}`);
  return { budget: budgetStatus(row?.budget ?? null, row?.spent ?? 0, start, resetsAt), theme: row?.theme ?? null };
}

const accessChecks = (caller: AuthUser) => sessionAccessCalls(caller).map((call) => `, ${call}`).join('');

/** `budget` and `spent` (the month starting at `start`) of one user, as two columns of a select list (lib/sql-literals.ts). */
export function budgetColumns(userId: string, start: Date): string {
  return `
    (select monthly_budget_usd::float8 from public.profiles where id = ${uuidLiteral(userId)}) as budget,
    coalesce((select spent_usd from private.monthly_spend
               where user_id = ${uuidLiteral(userId)} and month = private.spend_month(${timestampLiteral(start)})), 0)::float8 as spent`;
}

/** Classifies a spend against a budget. */
export function budgetStatus(budget: number | null, spent: number, start: Date, resetsAt: Date): BudgetStatus {
  const share = budget === null ? null : budget > 0 ? spent / budget : 1;
  const state = share === null ? 'none' : share >= 1 ? 'exceeded' : share >= WARN_AT ? 'warning' : 'ok';
  return {
    monthly_budget_usd: budget,
    spent_usd: spent,
    used_share: share,
    state,
    month_start: start.toISOString(),
    resets_at: resetsAt.toISOString(),
  };
}

/** 402 budget_exceeded (with the month's spend and reset time) when the budget is used up. */
export async function assertWithinBudget(db: Db, user: AuthUser, now = new Date()): Promise<BudgetStatus> {
  // One round trip on the owner connection, where a transaction as the caller takes three, on
  // the path of every paid call.
  const status = await readBudget(db, user.id, now);
  if (status.state === 'exceeded') throw budgetExceeded(status);
  return status;
}

/** The refusal of a call past the caller's own budget. */
export function budgetExceeded(status: BudgetStatus): ApiError {
  const reset = status.resets_at.slice(0, 10);
  return new ApiError(
    402,
    'budget_exceeded',
    `This month's budget of ${usdText(status.monthly_budget_usd ?? 0)} is used up (${usdText(status.spent_usd)} spent); it resets on ${reset} (UTC). Raise it in Settings to continue.`,
    undefined,
    { spent_usd: status.spent_usd, monthly_budget_usd: status.monthly_budget_usd, resets_at: status.resets_at },
  );
}

/**
 * The refusal for a payer who is not the caller: a group chat's owner whose shared key
 * answers a member (lib/chat/turn-seat.ts). It names no amounts (they are the owner's business).
 */
export function payerBudgetExceeded(status: BudgetStatus): ApiError {
  return new ApiError(
    402,
    'budget_exceeded',
    `The chat owner's monthly budget is used up, so their key cannot answer until it resets on ${status.resets_at.slice(0, 10)} (UTC); ask them to raise it, or to turn key sharing off so your own key answers.`,
    undefined,
    { resets_at: status.resets_at },
  );
}

/**
 * The refusal of a model with no price (lib/prices.ts) when the payer is not the caller: a
 * group chat's member on the owner's shared key (lib/chat/turn-seat.ts). Its calls would be
 * logged with cost null, which no budget counts, so the owner's budget would never stop them.
 * Before any provider call; the caller's own key still answers unpriced models (their calls
 * are logged as unpriced, outside the dollars and the budget).
 */
export function unpricedForPayer(provider: { id: string; name: string }, model: string): ApiError {
  return new ApiError(
    422,
    'unpriced_model',
    `"${model}" (${provider.name}) has no price on this server, and the chat owner's shared key answers priced models only: what it costs could not count toward their budget. Pick a priced model, ask the operator to price it (MODEL_PRICES), or ask the owner to turn key sharing off so your own key answers.`,
    undefined,
    { provider: provider.id, model },
  );
}
