/**
 * What the gateway (the :54321 front door) needs from each service behind it. The gateway
 * owns CORS and the API-key mapping (https://supabase.com/docs/guides/api/api-keys); services see requests whose
 * Authorization header (and, for the WebSocket, `apikey` query) is already mapped.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** An HTTP service mounted under a prefix; `req.url` arrives with the prefix stripped
 * (`/auth/v1/token?…` → `/token?…`; `/functions/v1/api/x` → `/api/x`). */
export interface HttpService {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
  stop(): Promise<void>;
}

/** A WebSocket service (`/realtime/v1/websocket`); `req.url` keeps its query string. */
export interface UpgradeService {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  stop(): Promise<void>;
}
