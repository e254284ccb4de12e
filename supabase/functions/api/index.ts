/** Deno entry for the `api` Edge Function: the only file that touches Deno globals. */
import { loadConfig } from './config.ts';
import { createDb } from './lib/db.ts';

// Supabase's Edge Runtime (and the local stack) provide EdgeRuntime.waitUntil: a chat turn
// keeps running, and is saved, after the client that started it has gone.
const edge = (globalThis as { EdgeRuntime?: { waitUntil?: (work: Promise<unknown>) => void } }).EdgeRuntime;
const waitUntil = typeof edge?.waitUntil === 'function' ? (work: Promise<unknown>) => edge.waitUntil!(work) : undefined;

const config = loadConfig(Deno.env.toObject());
// A cold start: the database connection opens while the routes load (a dynamic import, part
// of the deployed bundle like any literal import), so the first request does not pay for both.
const db = createDb(config.dbUrl, { warm: true });
const { createApp } = await import('./app.ts');
const app = createApp(config, { waitUntil, db });

// The runtime announces a shutdown with `beforeunload` (hosted: the worker's wall-clock,
// CPU or memory limit; https://supabase.com/docs/guides/functions/background-tasks). Running
// answers are stopped and saved with their partial text at once — status `stopped`, code
// `wall_clock_limit` — so the web app can offer "Continue"; if even that is cut short,
// their lease lapses and the next reader settles them from their checkpoints.
globalThis.addEventListener('beforeunload', (event) => {
  const reason = String((event as Event & { detail?: { reason?: unknown } }).detail?.reason ?? '');
  void app.stopTurns(/wall|cpu|memory|early/i.test(reason) || reason === '' ? 'wall_clock_limit' : 'runtime_shutdown', 1_500);
});

Deno.serve(app.fetch);
