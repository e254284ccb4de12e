/** Types every route shares: the Hono env (request-scoped variables) and the verified caller. */
import type { Config } from '../config.ts';
import type { TurnRuntime } from './chat/runtime.ts';
import type { Db } from './db.ts';
import type { Logger } from './log.ts';
import type { PinnedFetchFactory } from './pinned-fetch.ts';

export interface AuthUser {
  id: string;
  email: string | null;
  /** The verified JWT payload, handed to Postgres as request.jwt.claims. */
  claims: Record<string, unknown>;
  /** Set when the request authenticated with an API key (lib/api-key-auth.ts) instead of a session. */
  apiKey?: { id: string; scopes: string[] };
}

/** What the app was built with; routes reach them through c.var.deps. */
export interface AppDeps {
  /** The fetch for the server's own endpoints (catalog providers, demo, JWKS); tests inject an observer. */
  fetch: typeof fetch;
  /**
   * The transport for user-chosen endpoints, bound to the addresses the URL guard approved
   * (default: lib/pinned-fetch.ts). Tests may route it elsewhere.
   */
  pinnedFetch?: PinnedFetchFactory;
  /** Sink for structured log entries (one JSON object per line by default). */
  log: (entry: Record<string, unknown>) => void;
  /** Resolves a host name to every address (for the private-URL guard). */
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
  /** Keeps the runtime alive for work that outlives the response (EdgeRuntime.waitUntil on Supabase). */
  waitUntil?: (work: Promise<unknown>) => void;
}

export type AppEnv = {
  Variables: {
    requestId: string;
    config: Config;
    db: Db;
    user: AuthUser;
    log: Logger;
    deps: AppDeps;
    /** Running chat turns of this instance: store, registry, broadcast outbox. */
    turns: TurnRuntime;
    /** Verifies a Bearer token (JWKS cache lives for the app's lifetime). */
    verifyToken: (token: string) => Promise<AuthUser>;
  };
};
