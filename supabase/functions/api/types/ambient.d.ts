// Types for the Node-side type check (tsc) only; Deno has its own and never loads this file.

/** The slice of the Deno namespace index.ts uses. */
declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(handler: (request: Request) => Response | Promise<Response>): unknown;
};

/** deno-std publishes plain JS on npm; these are the parts the API uses. */
declare module 'deno-std/http/server_sent_event_stream.js' {
  export interface ServerSentEventMessage {
    comment?: string;
    event?: string;
    data?: string;
    id?: string | number;
    retry?: number;
  }
  export class ServerSentEventStream extends TransformStream<ServerSentEventMessage, Uint8Array> {}
}

declare module 'deno-std/http/server_sent_event_parse_stream.js' {
  export class ServerSentEventParseStream extends TransformStream<Uint8Array, { event?: string; data?: string; comment?: string; id?: string }> {
    constructor(options?: { ignoreComments?: boolean });
  }
}
