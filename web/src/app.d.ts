// Types SvelteKit needs to know about: what hooks.server.ts puts on `locals`, and what adapter-node gives as `platform`.
import type { IncomingMessage } from 'node:http';
import type { SupabaseClient, JwtPayload, Session, User } from '@supabase/supabase-js';

declare global {
  namespace App {
    interface Error {
      message: string;
      code?: string;
    }
    interface Locals {
      /** The @supabase/ssr server client bound to this request's cookies. */
      supabase: SupabaseClient;
      /**
       * The session from the cookie, but only once its access token's signature and expiry
       * have been verified (getClaims checks ES256 tokens locally against the JWKS).
       */
      safeGetSession(): Promise<{ session: Session | null; claims: JwtPayload | null }>;
      /**
       * The signed-in user as Auth has them now (GET /auth/v1/user: the address, a pending
       * change, the factors), null when Auth does not answer with one. Asked once per page
       * load and shared by the layout and the page; a form action's request asks afresh.
       */
      authUser(): Promise<User | null>;
      /** Set by safeGetSession when refreshing failed because Auth no longer has the session (ended on another device). */
      sessionRevoked?: boolean;
      /** Set by safeGetSession when Auth could not be reached to refresh the session: no one may be shown, yet someone may be signed in. */
      sessionUnknown?: boolean;
    }
    interface Platform {
      /**
       * adapter-node's Node request (absent under `vite dev`): its socket's address stands in
       * for the browser's when the proxy headers cannot name it ($lib/server/client-address).
       */
      req?: IncomingMessage;
    }
    interface PageData {
      user?: { id: string; email: string | null } | null;
      /** The signed-in person's display name, on pages that show it to them (the chat page). */
      displayName?: string | null;
    }
    interface PageState {
      /** A new chat's id, from its first answer's start until /chat/<id>'s data has arrived. */
      chatId?: string;
    }
  }
}

export {};
