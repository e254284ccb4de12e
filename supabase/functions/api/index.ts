/** Deno entry for the `api` Edge Function: the only file that touches Deno globals. */
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';

// Supabase's Edge Runtime (and the local stack) provide EdgeRuntime.waitUntil so work such as
// saving a stopped answer can finish after the client has gone.
const edge = (globalThis as { EdgeRuntime?: { waitUntil?: (work: Promise<unknown>) => void } }).EdgeRuntime;
const waitUntil = typeof edge?.waitUntil === 'function' ? (work: Promise<unknown>) => edge.waitUntil!(work) : undefined;

const config = loadConfig(Deno.env.toObject());
Deno.serve(createApp(config, { waitUntil }).fetch);
