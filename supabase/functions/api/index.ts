/** Deno entry for the `api` Edge Function: the only file that touches Deno globals. */
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig(Deno.env.toObject());
Deno.serve(createApp(config).fetch);
