/**
 * GENERATED from the API's OpenAPI document by `npm run api:types`
 * (local/src/api-types.ts). Do not edit: change the routes'
 * zod schemas and regenerate. On a merge conflict here, regenerate instead of merging.
 */
export type paths = {
    "/api/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List my API keys (never the secret), revoked ones too, each with what its calls cost */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Working keys first, then revoked ones; newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiKeyList"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create an API key for another app (the key is shown once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateApiKey"];
                };
            };
            responses: {
                /** @description The new key, with the secret */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedApiKey"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a key: the next request made with it is refused. The key stays listed, as revoked, with its usage (revoking again changes nothing) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/budget": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The monthly budget and this month's spend */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The budget */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Budget"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Set or remove the monthly budget */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SetBudget"];
                };
            };
            responses: {
                /** @description The budget */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Budget"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a message; the answer is written on the server and streamed (Server-Sent Events)
         * @description The stream is a view of a server-side turn: closing it does not stop the answer (use POST /chat/{id}/stop). Events: `meta` {session_id, user_message_id, assistant_message_id, dropped_turns, provider, model}; a new chat streams before its rows are committed: its `meta` has `stored: false` and a `stored` {session_id} event follows once they are (before that, the ids are not yet readable, stoppable or re-attachable; when the rows cannot be written, no `stored` comes: the view ends with `error` code `not_started` and nothing of the turn is kept), `delta` {seq, text} and `reasoning` {seq, text} (SSE id = seq, one counter for both), `usage` {prompt_tokens, completion_tokens, total_tokens, ttft_ms, latency_ms}, `done` {assistant_message_id, status, finish_reason, code} or `error` {code, message}; a `: keepalive` comment every 15 s. 409 `turn_running` (with `running_message_id`) while another answer runs in the session; a regenerate or edit with `stop_message_id` gets 409 `answer_started_elsewhere` (with `running_message_id`) instead when the running answer is not the one it names; 409 `already_sent` for a `client_id` sent before. In a group chat the owner and `member`s post (a viewer gets 403 `read_only`); the owner's key answers when they share it, otherwise the sender's own. The owner's shared key answers priced models only: a member naming a model with no price gets 422 `unpriced_model` (with `provider` and `model`) before any provider call. A member's turn in a chat of the owner's project gets the project's system prompt and files, as the owner's does; members attach files from their own folder. Images go to every model except those the catalog knows cannot read them (`vision: false` in GET /providers: 422 `model_cannot_see_images`); a model outside the catalog gets them, and its provider's refusal, if any, comes back as the answer's error. Before any provider call, an image over 3.75 MB (5 MB as base64, Anthropic's limit) is 413 `image_too_large`, and a message's images over 15 MB together 413 `images_too_large`; both name the file in `attachment` and give `limit_bytes`. An image a regenerated or edited question already carries from before these limits is left out instead (a note in its place for the model, and in `meta.notes`). A new text file with nothing but whitespace in it is 422 `empty_attachment`, naming it in `attachment`, before anything is stored.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ChatRequest"];
                };
            };
            responses: {
                /** @description The answer as an event stream */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Monthly budget used up (budget_exceeded, with spent_usd and resets_at) */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat/{id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop a running answer (from any tab or device)
         * @description The partial answer is kept with status `stopped`; 409 `turn_finished` when it already ended.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The answer is stopped */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["StopResult"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat/{id}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Re-attach to an answer (Server-Sent Events)
         * @description Replays the answer from its start (or after `Last-Event-ID` / `?after=<seq>`, with no gap and no duplicate), then live `delta`/`reasoning` events, then `usage` and `done` (or `error`). First event: `meta` {session_id, assistant_message_id, status, provider, model}.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Resume after this seq (as `Last-Event-ID`) */
                    after?: number | null;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The answer as an event stream */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List stored provider keys (hints only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Your keys */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            credentials: components["schemas"]["Credential"][];
                        };
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/credentials/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Store or replace the key for a provider */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PutCredential"];
                };
            };
            responses: {
                /** @description Stored */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Credential"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /** Delete the key for a provider */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/credentials/{provider}/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check the stored key against the provider's models endpoint
         * @description The outcome is recorded on the key (its `check_status`) until the key is saved again. Takes one of the caller's provider-key checks: 10, then one per 10 s, shared with the calls whose provider refused the caller's key, models lists included (429 `rate_limited` past it).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Verification result */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CredentialVerification"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and database check */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The API is up */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import conversations (ChatGPT, chatbot-ui, or this app’s export) as new chats
         * @description A request is written whole or not at all. One that would pass a row quota (chats or messages per account, messages per chat; a conversation counts with its `total`, so a long one is refused at its first part) writes nothing: 409 `limit_reached`. Projects are the exception: a folder that would pass the account's projects is not made, its chats come in without a project, and `folders_not_made` lists it. Times are from 2000 until now (5 minutes of clock skew allowed; else 400 naming the field): leave out a time you cannot trust, and the message is dated a millisecond after the one before it (the first, at the part's earliest time). Titles over 200 characters are shortened at a word, with an ellipsis.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ImportRequest"];
                };
            };
            responses: {
                /** @description One result per conversation, in order */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportResponse"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/import/prompts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import prompts (this app’s export, or title and template from elsewhere) as new private prompts
         * @description Bad items are skipped and reported, never the whole request. Imported prompts are private, with their versions replayed from 1 in order, each dated by its `created_at` (an ISO 8601 time from 2000 until now, not before an earlier version's; without one, the date of the nearest dated version before it, or after it for the first ones, or the time of import when none has one; another value skips the prompt with the reason), and their labels pointing at the same texts. Up to 100 prompts, 1,000 versions in all (a prompt without `versions` is one; more: 400 `too_many_versions`), 200 test cases in all (`test_cases`: name, variables, message; more: 400 `too_many_test_cases`; of two with one name the later is kept) and 8 MiB a request. A request takes a token of the caller's `import` bucket per 100 versions (at least one). Prompts not written within 20 s are skipped with a reason saying to send them again. The versions count against the account's quota of versions for the request as a whole, as it commits: a request that would pass it writes nothing, 409 `limit_reached`. An item past the account's prompts or test cases, or a prompt's labels, is skipped with the reason.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PromptImportRequest"];
                };
            };
            responses: {
                /** @description One result per item, in order */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptImportResponse"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Invitations waiting for me (to my account's email, made while this account used it) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Pending invitations, newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MyInvitations"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept an invitation: join the chat with the invited role */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Joined */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AcceptedInvitation"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations/{id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decline an invitation */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Declined */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations/accept-link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept an invitation through its owner's link: join the chat with the invited role
         * @description For someone who signed up after they were invited: the link's secret, and an account whose confirmed address is the invited one. 404 for any other link or account.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["InvitationLinkAcceptance"];
                };
            };
            responses: {
                /** @description Joined */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AcceptedInvitation"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's profile */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Profile */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Me"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete the account and everything in it (an account with two-factor sign-in: from an aal2 session) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change name, avatar, custom instructions or preferences */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UpdateMe"];
                };
            };
            responses: {
                /** @description The updated profile */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Me"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/me/deletion-impact": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What deleting the account does to other people: group chats handed over, share links and public prompts that go */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description What others would notice */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeletionImpact"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download all of your data as JSON */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Everything you own, as an attachment */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccountExport"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether the caller has a password, so a client asks for the current one only when there is one
         * @description Auth has no such field, and an `email` identity is no sign of one: Auth also adds it when an account made by single sign-on changes its address.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Whether a password is set */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MePassword"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What every page shows about the caller, in one read: their theme and their monthly budget
         * @description A device that renders the theme itself (the web app mirrors it in a cookie) follows a change made on another device by reading this on each page.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Theme and budget */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MeSummary"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the caller's projects, most recently changed first (keyset pages) */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description 1..500, default 50 */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of projects */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProjectList"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a project */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateProject"];
                };
            };
            responses: {
                /** @description The new project */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProjectWithPrompt"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a project */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The project */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProjectWithPrompt"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a project and its files (its chats stay, unfiled) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a project */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UpdateProject"];
                };
            };
            responses: {
                /** @description The updated project */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProjectWithPrompt"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/projects/{id}/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A project's files */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Files, oldest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            files: components["schemas"]["ProjectFile"][];
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Add an uploaded file (text, Markdown, code, CSV, JSON or PDF) to a project, or replace the one of the same name */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["AddProjectFile"];
                };
            };
            responses: {
                /** @description The file */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProjectFile"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/files/{file_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a file from a project (and from Storage) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    file_id: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my prompts or the public library, newest change first or as `sort` asks
         * @description A search (`q`) takes a token of the caller's `heavy` bucket (429 with Retry-After past it; a list without one takes none) and may run 2 s in the database (then 503 `search_timeout`).
         */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description 1..100, default 20 */
                    limit?: number;
                    /** @description Web-search syntax over title, description and content, the last word also as a prefix; without quotes or `-word`, also part of a word in the name, title, description or current template (3 characters or more). Results come in the order `sort` asks; sorted other than by `updated`, a search orders its 5,000 most recently changed matches. Blank: no search */
                    q?: string;
                    /** @description mine (default) or public */
                    scope?: "mine" | "public";
                    /** @description `updated` (default): newest change first. `name`: by title A→Z, ignoring case. `created`: newest prompt first. `most_used`: the prompts the caller ran most in the last 30 days (their own calls only), then newest change first. A cursor pages the order it came from: with another one it is a 400 `invalid_cursor`. */
                    sort?: "updated" | "name" | "created" | "most_used";
                    tag?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of prompts */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptList"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a prompt (version 1) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreatePrompt"];
                };
            };
            responses: {
                /** @description The new prompt */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Prompt"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a prompt (own or public) with its labels */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The prompt */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Prompt"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a prompt with its versions and labels */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a prompt; a new title or content makes a new version */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UpdatePrompt"];
                };
            };
            responses: {
                /** @description The updated prompt */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Prompt"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Precondition required (revision_required: send expected_revision to change what makes no new version) */
                428: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/prompts/{id}/fork": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Copy a public (or own) prompt into a new private prompt */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["ForkPrompt"];
                };
            };
            responses: {
                /** @description The fork */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Prompt"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A prompt's versions without their text (number, labels, author, time, size, first line), newest first
         * @description The light form of `/versions` for a history list: the same pages and cursors. Read one version in full with `/versions/{version}`.
         */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description 1..100, default 50 */
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Version summaries */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptVersionSummaryList"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/{id}/labels/{label}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Point a label at a version (creates or moves it; a locked label needs force), lock or unlock it */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    label: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SetPromptLabel"];
                };
            };
            responses: {
                /** @description The label */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptLabel"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /** Remove a label (a locked one needs ?force=true) */
        delete: {
            parameters: {
                query?: {
                    /** @description `true` to remove a locked label */
                    force?: "true" | "false";
                };
                header?: never;
                path: {
                    id: string;
                    label: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/{id}/render": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Fill the template with variables (current text, a label or a version)
         * @description Takes a token of the caller's `heavy` bucket (429 with Retry-After past it). A result over 1,000,000 characters is refused before it is built: 422 `rendered_too_long`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RenderPrompt"];
                };
            };
            responses: {
                /** @description The rendered text */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RenderedPrompt"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/{id}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make an old version (title, template and model settings) current again, recorded as a new version */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RestorePromptVersion"];
                };
            };
            responses: {
                /** @description The prompt after the restore */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Prompt"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/{id}/test-cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A prompt's saved test cases */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description By name */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptTestCaseList"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Save a test case (a case with the same name is replaced) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SavePromptTestCase"];
                };
            };
            responses: {
                /** @description The case */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptTestCase"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/{id}/test-cases/{case_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a test case */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    case_id: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A prompt's versions, newest first */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description 1..100, default 50 */
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Versions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptVersionList"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/{id}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One version of a prompt */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    version: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptVersion"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/kept-in-chats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How many of my chats keep each of these prompts as their system prompt
         * @description One entry per id asked for (0: none). Such a chat is refused its next turn with 422 `chat_prompt_unavailable` once the prompt is deleted.
         */
        get: {
            parameters: {
                query: {
                    /** @description Prompt ids, comma-separated (at most 100) */
                    ids: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The count per prompt */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptsKeptInChats"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Fetch one of my prompts by name and label (or version) — for other apps; ETag / If-None-Match */
        get: {
            parameters: {
                query: {
                    label?: string;
                    name: string;
                    /** @description JSON object of values; when given, `compiled` holds the rendered text (422 names a wrong variable, or `rendered_too_long` past 1,000,000 characters) and the request takes a token of the caller's `heavy` bucket */
                    variables?: string;
                    version?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The version, its settings and variables */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ResolvedPrompt"];
                    };
                };
                /** @description Not modified since the ETag in If-None-Match */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prompts/summaries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The same list without the templates (for a library page or a picker)
         * @description Takes the same filters and cursors as `GET /prompts`; each prompt comes with its variables and its template's length, not the template. A search (`q`) takes a token of the caller's `heavy` bucket (429 with Retry-After past it; a list without one takes none) and may run 2 s in the database (then 503 `search_timeout`).
         */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description 1..100, default 20 */
                    limit?: number;
                    /** @description Web-search syntax over title, description and content, the last word also as a prefix; without quotes or `-word`, also part of a word in the name, title, description or current template (3 characters or more). Results come in the order `sort` asks; sorted other than by `updated`, a search orders its 5,000 most recently changed matches. Blank: no search */
                    q?: string;
                    /** @description mine (default) or public */
                    scope?: "mine" | "public";
                    /** @description `updated` (default): newest change first. `name`: by title A→Z, ignoring case. `created`: newest prompt first. `most_used`: the prompts the caller ran most in the last 30 days (their own calls only), then newest change first. A cursor pages the order it came from: with another one it is a 400 `invalid_cursor`. */
                    sort?: "updated" | "name" | "created" | "most_used";
                    tag?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of prompts */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptSummaryList"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Provider catalog with models, context windows and availability for the caller */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Providers */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The most characters POST /chat takes in a message (MAX_MESSAGE_CHARS): a client can say so before sending */
                            max_message_chars: number;
                            providers: components["schemas"]["Provider"][];
                        };
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/providers/{id}/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The models the provider lists for the caller's key (its OpenAI-compatible GET /models)
         * @description Asks the provider with the caller's stored key (or none, for keyless providers); a list is kept ten minutes per key, a failure two (answered again without calling the provider). A call to the provider (not a kept answer) takes one of the caller's model-list calls (10, then one per 10 s; 429 past it), and is made only while they have a provider-key check left (the budget POST /credentials/{provider}/verify draws on; 429 without one); a key the provider refuses takes one of those checks. 422 missing_credential without a key; 502 provider_rejected_key, models_unavailable (the provider has no models list) or provider_unreachable.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Models */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            models: components["schemas"]["ListedModel"][];
                        };
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider gave no list (the code says why) */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ModelsListError"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/prompts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a public prompt (no sign-in needed)
         * @description Its shared version (its shared label's, else its newest), as anyone may read it; 404 for a prompt that is private or does not exist (the two look the same). Counted per client address (PUBLIC_READ_RATE_CAPACITY); past it, 429 with Retry-After.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The public prompt */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PublicPrompt"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scores": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My scores on one chat's answers */
        get: {
            parameters: {
                query: {
                    session_id: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Scores */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ScoreList"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Rate an answer (thumbs up/down, optional comment); rating again replaces it */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PutScore"];
                };
            };
            responses: {
                /** @description The score */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Score"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scores/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a score */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Full-text search over the chats and messages the caller can read
         * @description Finished messages only, in the caller's chats and the group chats they are in; a message matches by its text, its reasoning or the text of a file it carried (file_name names the file a snippet is from). The 200 newest matches come first, ranked (ts_rank over each one's first 4000 characters), then older ones, newest first; `next_cursor` reads on. A snippet comes from those characters, or from where a match lies further on.
         */
        get: {
            parameters: {
                query: {
                    /** @description A previous page's next_cursor */
                    cursor?: string;
                    /** @description 1..50, default 20 */
                    limit?: number;
                    /** @description Web-search syntax: words, "phrases", -excluded, or */
                    q: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ranked matches */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SearchResults"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List sessions by last activity (optionally of one project) */
        get: {
            parameters: {
                query?: {
                    /** @description true: only archived chats; default: only the others */
                    archived?: "true" | "false";
                    cursor?: string;
                    /** @description 1..100, default 50 */
                    limit?: number;
                    /** @description true: only your pinned chats (the sidebar shows them all, however old) */
                    pinned?: "true" | "false";
                    project_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of sessions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionList"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateSession"];
                };
            };
            responses: {
                /** @description The new session */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionView"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Delete every chat you own, with its messages and files
         * @description Archived ones included, and group chats you own (for their members too). Group chats you are a member of stay. Cannot be undone.
         */
        delete: {
            parameters: {
                query: {
                    /** @description Required: `true`, so that no request deletes every chat by accident */
                    all: "true";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The chats were deleted */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeletedAll"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a session */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The session */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionView"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a session and its messages */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Rename, move or re-configure a session
         * @description With `if_unchanged`, only if the chat is still as the caller last saw it (an Undo): if another tab or device changed one of those fields meanwhile, nothing is changed and the answer is 409 `changed_meanwhile` with the chat as it is now, as `session`.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UpdateSession"];
                };
            };
            responses: {
                /** @description The updated session */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionView"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/sessions/{id}/attachments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Files attached to the messages of a session, and the project files its answers used, oldest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Attachments and sources */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            attachments: components["schemas"]["MessageAttachment"][];
                            sources: components["schemas"]["AnswerSource"][];
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/branch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Switch the branch the session shows and continues
         * @description The newest message beneath `message_id` (itself when nothing follows it) becomes the active leaf: the history, the next turn and live share links follow it, and other tabs learn it from the chat_sessions row's Realtime update. The owner only (403 for members).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["BranchRequest"];
                };
            };
            responses: {
                /** @description The new active leaf */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BranchResult"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the conversation (its active branch) as Markdown or JSON */
        get: {
            parameters: {
                query?: {
                    /** @description markdown (default) or json */
                    format?: "markdown" | "json";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The conversation as an attachment named after its title */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            format: "mrprompt-chat/1";
                        } & {
                            [key: string]: unknown;
                        };
                        "text/markdown": string;
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/fork": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Copy this session (up to a message) into a new session of yours (its owner, members and viewers may) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ForkRequest"];
                };
            };
            responses: {
                /** @description The new session */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ForkResult"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This chat's pending invitations (owner only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Pending invitations, newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Invitations"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/invitations/{invitation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Cancel a pending invitation (owner only) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    invitation_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Cancelled */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/invitations/{invitation_id}/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new link for a pending invitation (owner only); the last one stops working */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    invitation_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The new link */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["InvitationLink"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/key-sharing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Let the owner's provider key answer members' messages (owner only) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["KeySharing"];
                };
            };
            responses: {
                /** @description The setting */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeySharing"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is in this chat (owner and members may ask) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Participants */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Members"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Invite someone by email (owner only); they join when they accept
         * @description Records a pending invitation (inviting the address again changes its role and makes a new link). The answer is the same whether or not an account uses the address, and 409 `already_member` only for someone in the chat whose address the list shows you (in a chat handed over to you, not someone the previous owner invited: their address gets a pending invitation like any other). The account that uses it now sees the invitation (GET /invitations); someone who signs up with it later joins through the link (`link_token`), which the owner sends them.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Invite"];
                };
            };
            responses: {
                /** @description The pending invitation, with its link */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["InvitationCreated"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/members/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a member (owner), or leave (the member themselves); access ends at once */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    user_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a member's role (owner only) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    user_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RoleChange"];
                };
            };
            responses: {
                /** @description The member */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Participant"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/sessions/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A page of the session's active branch, newest page first, each page oldest to newest */
        get: {
            parameters: {
                query?: {
                    /** @description A page's `newer_cursor`: the messages after that page, towards the newest */
                    after?: string;
                    /** @description A message of the active branch (a search hit): the page is a window around it, however far back; 404 when it is not on the branch shown */
                    around?: string;
                    /** @description A page's `next_cursor`: the messages before that page */
                    before?: string;
                    /** @description 1..100, default 50 */
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Messages */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessagePage"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/messages/{message_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a message and every reply beneath it (their files too)
         * @description The message's branch goes; its siblings stay. When the branch shown was in it, the session shows the newest branch under the deleted message's parent. 409 `turn_running` while an answer is being written beneath it. The owner only (403 for members).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    message_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/share": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether the session is shared, and its link (for the owner only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description `{shared: false}`, or the link and its settings */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ShareState"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create (or replace) the read-only link to a session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ShareSettings"];
                };
            };
            responses: {
                /** @description The new link; its token is shown only now */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["NewShare"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Revoke the link: it answers 404 from now on */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/title": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Name the chat with its model
         * @description Asks the model of the chat's first answer (with the owner's key, within their budget) for a title of a few words from the first question and answer, and sets it. Only over the title the chat was given automatically: 409 `title_set` once it was renamed (or named before), 409 `no_answer` before the first answer is complete. 502 with the provider's error, or `title_unusable` when the reply holds no title; the title is then unchanged. The owner only (403 for members).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The chat was named */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["NamedChat"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Monthly budget used up (budget_exceeded, with spent_usd and resets_at) */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider failed */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What this chat cost you: totals and each call
         * @description The calls of the chat you paid for (in a group chat: your own turns on your key, or as its owner the turns your key answered, with who asked), and those you asked that someone else paid for, without their dollars. 404 for a chat you cannot open.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The chat's usage */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChatUsage"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/archive-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Archive every chat in your list
         * @description Your chats and the group chats you are a member of that are not archived yet leave your sidebar and wait under Archived chats (`GET /sessions?archived=true`). Archiving is your own mark: a group chat stays in its owner's and the other members' lists.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The chats were archived */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ArchivedAll"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete several chats you own, with their messages and files
         * @description Each chat as `DELETE /sessions/{id}` deletes it (for the members of a group chat you own too); the answer says, per id, whether it was deleted. At most 100 ids per request (400 `invalid_request` beyond). Cannot be undone.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["DeleteSessions"];
                };
            };
            responses: {
                /** @description What happened to each id */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeletedSessions"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/shared/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a shared chat (no sign-in needed)
         * @description Counted per client address (PUBLIC_READ_RATE_CAPACITY, refilled at PUBLIC_READ_RATE_REFILL_PER_SECOND); past it, 429 with Retry-After.
         */
        get: {
            parameters: {
                query?: {
                    before?: string;
                    /** @description 1..100, default 50 */
                    limit?: number;
                };
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The shared chat, newest page first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SharedChat"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/shared/{token}/fork": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Copy a shared chat (up to a message) into your own account */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ForkRequest"];
                };
            };
            responses: {
                /** @description The new session */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ForkResult"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Calls, errors, tokens, dollars and latency percentiles over a range, grouped by any dimensions */
        get: {
            parameters: {
                query?: {
                    /** @description A day (midnight in `tz`) or an instant with an offset; default 30 days before `to` */
                    from?: string;
                    /** @description Comma-separated dimensions: day (default), provider, model, project, prompt (version), api_key (the key that made a call; none: the web app), purpose (a chat answer, a chat title, the API, embeddings), asker (who asked: you, or a group chat member whose turn you paid for); e.g. `day,provider` */
                    group_by?: string;
                    /** @description Only calls made with this prompt */
                    prompt_id?: string;
                    /** @description Exclusive: a day (midnight in `tz`) or an instant with an offset; default now */
                    to?: string;
                    /** @description IANA time zone whose calendar days are counted and whose midnights bound a range of days; default UTC */
                    tz?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The report */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UsageReport"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/usage/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every call of a range as CSV, oldest first
         * @description One row per call, with the columns `executed_at`, `provider`, `model`, `status`, `error_code`, `chat_id`, `chat_title`, `message_id`, `project_id`, `project_name`, `prompt_id`, `prompt_title`, `prompt_version`, `prompt_tokens`, `cached_tokens`, `completion_tokens`, `total_tokens`, `cost_usd`, `ttft_ms`, `latency_ms`, `local_time`, `project_deleted`, `api_key_id`, `api_key_name`, `purpose`, `reasoning_tokens`, `api_key_prefix`, `asked_by`: `executed_at` in UTC, `local_time` the wall-clock time in `tz`. Cells that a spreadsheet would run as a formula are escaped; the file starts with a UTF-8 byte-order mark. Same range rules as GET /usage (default the last 30 days, at most 400).
         */
        get: {
            parameters: {
                query?: {
                    /** @description A day (midnight in `tz`) or an instant with an offset; default 30 days before `to` */
                    from?: string;
                    /** @description Only calls made with this prompt */
                    prompt_id?: string;
                    /** @description Exclusive: a day (midnight in `tz`) or an instant with an offset; default now */
                    to?: string;
                    /** @description IANA time zone whose calendar days are counted and whose midnights bound a range of days; default UTC */
                    tz?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The CSV file (an attachment) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/usage/recent": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The most recent provider calls */
        get: {
            parameters: {
                query?: {
                    /** @description 1..100, default 20 */
                    limit?: number;
                    /** @description Only calls of this chat (what each of its answers cost you; the chat view shows it under the answer) */
                    session_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Recent calls, newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RecentUsage"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/usage/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Everything the usage dashboard shows, in one call: totals, per day, per day and provider, per model, per project, per prompt version, per source, per purpose, per person who asked (one SQL statement), the 20 newest calls of the range, the chats that cost most, and the calls you asked that someone else paid for */
        get: {
            parameters: {
                query?: {
                    /** @description A day (midnight in `tz`) or an instant with an offset; default 30 days before `to` */
                    from?: string;
                    /** @description Only calls made with this prompt */
                    prompt_id?: string;
                    /** @description Exclusive: a day (midnight in `tz`) or an instant with an offset; default now */
                    to?: string;
                    /** @description IANA time zone whose calendar days are counted and whose midnights bound a range of days; default UTC */
                    tz?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The dashboard */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UsageSummary"];
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OpenAI-compatible chat completions (stream or not) with your provider keys and library prompts
         * @description Forwarded to the provider: messages, temperature, top_p, max_tokens (or max_completion_tokens), stop, n, seed, presence_penalty, frequency_penalty, logit_bias, logprobs, top_logprobs, response_format, tools, tool_choice, parallel_tool_calls, reasoning_effort, user. Other OpenAI fields are ignored. Up to 500 messages; the whole request body may be at most MAX_BODY_BYTES bytes (262,144 by default), else 413 `payload_too_large`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ChatCompletionRequest"];
                };
            };
            responses: {
                /** @description A chat.completion, or with `stream: true` chat.completion.chunk events */
                200: {
                    headers: {
                        /** @description The call's usage log, to rate it with PUT /scores (a stream's is written before its [DONE]) */
                        "x-mrprompt-usage-log-id"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                        "text/event-stream": string;
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Monthly budget used up (budget_exceeded, with spent_usd and resets_at) */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Request body too large (MAX_BODY_BYTES, 256 KiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description The body is not sent as content-type: application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Cannot be processed */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Rate limited; see Retry-After */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description The provider failed */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Models the caller can call through the gateway, as `<provider>/<model>`
         * @description The catalog models of each provider the caller stored a key for (Ollama: its settings), and the demo where the server offers it. For custom endpoints, OpenRouter and Ollama, the models the provider itself lists for the stored key (as GET /providers/{id}/models: a list kept ten minutes, a failure two). A provider whose list cannot be had now (unreachable, no list, key refused, the caller's model-list calls or key checks used up) is left out, without being called again while its failure is kept; the rest are listed.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The models */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GatewayModelList"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A model the caller can call (the openai SDK's models.retrieve; the `/` in the id URL-encoded as %2F)
         * @description Any id POST /v1/chat/completions would send to one of the caller's providers: a model of GET /v1/models, or any model of a provider that takes any (custom, OpenRouter, Ollama, …) even when its list does not name it.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The model */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GatewayModel"];
                    };
                };
                /** @description Missing or invalid access token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Not allowed (an API key without the scope this needs: insufficient_scope; one on a route that needs a session: session_required) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Not found (or not yours) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description Temporarily unavailable (the database or the sign-in keys cannot be reached); see Retry-After */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        AcceptedInvitation: {
            /** @enum {string} */
            role: "viewer" | "member";
            /** Format: uuid */
            session_id: string;
        };
        AccountExport: {
            /** @description Provider, key hint, base URL, timestamps — never the key */
            credentials: {
                [key: string]: unknown;
            }[];
            exported_at: string;
            files: {
                created_at: string;
                /** @description Signed Storage URL for the bytes, valid for 24 hours */
                download_url: string | null;
                extracted_text: string | null;
                /** Format: uuid */
                id: string;
                /** @enum {string} */
                kind: "project" | "attachment";
                /** Format: uuid */
                message_id: string | null;
                name: string;
                path: string;
                /** Format: uuid */
                project_id: string | null;
                size: number;
                token_count: number;
                type: string;
            }[];
            /** @enum {string} */
            format: "mrprompt-export/1";
            /** @description Other people's group chats you take part in, as you can read them: every message, with its author's name */
            group_chats: {
                /** Format: uuid */
                id: string;
                joined_at: string;
                messages: (components["schemas"]["Message"] & {
                    /** @description The author's display name (an answer's: who asked for it); null for a deleted account */
                    author_name: string | null;
                })[];
                owner_name: string | null;
                /** @enum {string} */
                role: "member" | "viewer";
                title: string;
            }[];
            profile: {
                avatar_url: string | null;
                created_at: string;
                custom_instructions: string;
                display_name: string;
                /** Format: uuid */
                id: string;
                preferences: {
                    /** @description Whether the web app starts new chats with `name_chat`, so each is named by its model after its first answer (absent: yes) */
                    auto_title?: boolean;
                    default_model?: string;
                    default_provider?: string;
                    /** @enum {string} */
                    theme?: "light" | "dark" | "system";
                } & {
                    [key: string]: unknown;
                };
                /** @enum {string} */
                role: "user" | "admin";
                updated_at: string;
            } | null;
            projects: components["schemas"]["Project"][];
            prompts: {
                config: components["schemas"]["PromptConfig"];
                content: string;
                /** Format: date-time */
                created_at: string;
                description: string;
                /** Format: uuid */
                forked_from: string | null;
                /** Format: uuid */
                id: string;
                is_public: boolean;
                labels: components["schemas"]["PromptLabel"][];
                latest_version: number;
                /**
                 * @description Unique per owner; what other apps resolve the prompt by
                 * @example support-reply
                 */
                name: string;
                /** @description While public: the one version other people see (the shared label's, else the newest); they see no other. Null while private */
                published_version: number | null;
                /** @description While public: the label whose version other people see; null shares the newest version (every save public at once) */
                shared_label: string | null;
                tags: string[];
                /** @description The prompt's saved test cases (the playground's), by name; POST /import/prompts takes them back */
                test_cases: {
                    created_at: string;
                    message: string;
                    name: string;
                    updated_at: string;
                    variables: {
                        [key: string]: string | number | boolean;
                    };
                }[];
                title: string;
                /**
                 * Format: date-time
                 * @description The last change. Someone else's public prompt gives when what they see was last shared (its shared version saved, its shared label moved, or the prompt made public or shared at another label): its owner's unshared drafts do not move it
                 */
                updated_at: string;
                /** Format: uuid */
                user_id: string;
                versions: {
                    commit_message: string | null;
                    config: components["schemas"]["PromptConfig"];
                    content: string;
                    /** Format: date-time */
                    created_at: string;
                    /** Format: uuid */
                    id: string;
                    /** Format: uuid */
                    prompt_id: string;
                    title: string;
                    version: number;
                }[];
            }[];
            /** @description Your chats, with every message and its author's name (a group chat's questions say who asked them) */
            sessions: (components["schemas"]["Session"] & {
                messages: (components["schemas"]["Message"] & {
                    /** @description The author's display name (an answer's: who asked for it); null for a deleted account */
                    author_name: string | null;
                })[];
            })[];
            usage_logs: {
                /**
                 * Format: uuid
                 * @description Who asked for the call (you, or a group chat member whose turn you paid for); null: a deleted account, or not recorded (older calls)
                 */
                asked_by: string | null;
                /** @description Their display name (never an email); null when asked_by is null */
                asked_by_name: string | null;
                cached_tokens: number | null;
                completion_tokens: number | null;
                /** @description USD at the prices in force when the call ran; null when unpriced */
                cost_usd: number | null;
                error_code: string | null;
                /** Format: date-time */
                executed_at: string;
                /** Format: uuid */
                id: string;
                latency_ms: number | null;
                /** Format: uuid */
                message_id: string | null;
                model: string;
                /** Format: uuid */
                prompt_id: string | null;
                prompt_tokens: number | null;
                prompt_version: number | null;
                provider: string;
                /**
                 * @description What the call was for: chat (an answer), title (naming a chat), gateway (POST /v1/chat/completions), embedding (project files); null for calls logged before this was recorded
                 * @enum {string|null}
                 */
                purpose: "chat" | "title" | "gateway" | "embedding" | null;
                /** @description The part of completion_tokens the model spent reasoning, as the provider reported it */
                reasoning_tokens: number | null;
                /** Format: uuid */
                session_id: string | null;
                /** @enum {string} */
                status: "success" | "error" | "stopped";
                token_count: number | null;
                ttft_ms: number | null;
            }[];
            user: {
                email: string | null;
                /** Format: uuid */
                id: string;
            };
        };
        AddProjectFile: {
            /** @description Display name (default: the last part of the path) */
            name?: string;
            /** @description The uploaded object in the attachments bucket: `<user id>/…` */
            path: string;
            /**
             * @description Replace the project's file of this name (otherwise a name already there is 409 project_file_exists). Atomic: if the new file is refused, the old one stays
             * @default false
             */
            replace: boolean;
        };
        AnswerSource: {
            /** @description The excerpts used (chunk numbers from 0); null: the whole file */
            chunks: number[] | null;
            /**
             * Format: uuid
             * @description Null once the file was removed from the project
             */
            file_id: string | null;
            /** Format: uuid */
            message_id: string;
            /** @description The file's name when the answer was given */
            name: string;
        };
        ApiKey: {
            /** @description Provider calls the key made (the gateway, chats sent with it), ever */
            calls: number;
            /** @description What those calls cost, in USD at the prices in force when each ran (unpriced calls count 0) */
            cost_usd: number;
            created_at: string;
            expires_at: string | null;
            /** Format: uuid */
            id: string;
            /** @description Updated at most once a minute */
            last_used_at: string | null;
            /** @description Made before two-factor sign-in was turned on (before the earliest verified factor), so by a session that never showed a second factor: it still works; consider replacing it */
            made_before_two_factor: boolean;
            name: string;
            /**
             * @description The first 12 characters, to recognise the key
             * @example mrp_Ab3dE9xQ
             */
            prefix: string;
            /** @description When the key was revoked (it is refused since); null while it works */
            revoked_at: string | null;
            scopes: ("prompts:read" | "chat")[];
            /** @description Calls to models without a price */
            unpriced_calls: number;
        };
        ApiKeyList: {
            keys: components["schemas"]["ApiKey"][];
        };
        ArchivedAll: {
            /** @description How many chats were archived */
            archived: number;
        };
        BranchRequest: {
            /**
             * Format: uuid
             * @description Any message of the session: its branch (down to its newest reply) is shown
             */
            message_id: string;
        };
        BranchResult: {
            /** Format: uuid */
            active_leaf_id: string;
        };
        Budget: {
            month_start: string;
            monthly_budget_usd: number | null;
            resets_at: string;
            spent_usd: number;
            /** @enum {string} */
            state: "none" | "ok" | "warning" | "exceeded";
            used_share: number | null;
        };
        ChatCompletionRequest: {
            frequency_penalty?: number | null;
            logit_bias?: {
                [key: string]: number;
            } | null;
            logprobs?: boolean | null;
            max_completion_tokens?: number | null;
            max_tokens?: number | null;
            messages: ({
                /** @description Text, or content parts as OpenAI takes them; the whole request body may be at most MAX_BODY_BYTES bytes (262,144 by default), else 413 `payload_too_large` */
                content: string | ({
                    type: string;
                } & {
                    [key: string]: unknown;
                })[] | null;
                /** @enum {string} */
                role: "system" | "developer" | "user" | "assistant" | "tool";
            } & {
                [key: string]: unknown;
            })[];
            model: string;
            n?: number | null;
            parallel_tool_calls?: boolean;
            presence_penalty?: number | null;
            /**
             * @description A library prompt applied as the system message
             * @example support-reply@production
             */
            prompt?: string;
            /** @description A version of `prompt` instead of its label (playground) */
            prompt_version?: number;
            reasoning_effort?: string | null;
            response_format?: {
                type: string;
            } & {
                [key: string]: unknown;
            };
            seed?: number | null;
            stop?: string | string[] | null;
            stream?: boolean;
            stream_options?: ({
                include_usage?: boolean;
            } & {
                [key: string]: unknown;
            }) | null;
            temperature?: number | null;
            tool_choice?: string | ({
                type: string;
            } & {
                [key: string]: unknown;
            });
            tools?: ({
                type: string;
            } & {
                [key: string]: unknown;
            })[];
            top_logprobs?: number | null;
            top_p?: number | null;
            user?: string;
            variables?: {
                [key: string]: string | number | boolean;
            };
        } & {
            [key: string]: unknown;
        };
        ChatMessage: components["schemas"]["Message"] & {
            /** @description The author's display name; null when the account was deleted */
            author_name: string | null;
            /** @description The messages before it on the branch shown (0: the first): its place in the conversation */
            branch_depth: number;
            siblings: components["schemas"]["Siblings"];
        };
        ChatRequest: {
            /** @description Uploaded objects in the attachments bucket (`<user id>/…`): images go to vision models as image parts; text, Markdown, code, CSV, JSON and PDF are extracted into the prompt. Regenerate reuses the message's attachments. Each is a path, or `{path, name}` with the name the file had (a Storage key keeps only some characters, so a path alone names the file by its last part). With `edit_message_id`: absent, the new question keeps the edited one's files; given, it carries exactly these (`[]`: none) — the edited one's files it keeps are named like new uploads, and every path must be in your own folder. */
            attachments?: (string | components["schemas"]["NamedAttachment"])[];
            /**
             * Format: uuid
             * @description An id the client makes for this question (a random UUID), to send it again safely when the answer to its POST was lost: the same id again (by the same person) is refused with 409 `already_sent`, with the `session_id` and `user_message_id` of the question first sent, and no second question is written. Not with `regenerate` (which asks no new question).
             */
            client_id?: string;
            /** @description Ask the model to go on from the active branch's last answer (one that was stopped or cut): a new turn whose question is `message`, or "Continue exactly where your last answer stopped." without one; the model sees its partial answer before it. 409 `nothing_to_continue` when the last answer has no text yet (stopped while the model was still thinking): regenerate it instead. */
            continue?: boolean;
            /**
             * Format: uuid
             * @description Ask `message` instead of this user message: a new question beside it (same parent) and its answer; the old branch is kept
             */
            edit_message_id?: string;
            max_tokens?: number;
            /** @description The user message (not needed with regenerate or continue): at most MAX_MESSAGE_CHARS characters (32,000 by default; GET /providers gives it as `max_message_chars`), else 413 `message_too_long` with `length` and `limit` */
            message?: string;
            model: string;
            /** @description For a new chat: once its first answer is complete, have its model name the chat, as `POST /sessions/{id}/title` does (a billed call on your key, logged against the chat), even if this connection is gone by then. Ignored in an existing chat. Default false. */
            name_chat?: boolean;
            /**
             * Format: uuid
             * @description Project of a new session (its system prompt applies)
             */
            project_id?: string;
            /**
             * Format: uuid
             * @description A prompt from your library (or a public one) as the system message, rendered with `variables`. The chat keeps it: later turns, regenerates and edits that name no prompt are answered with it too (at `prompt_label`, resolved again on each turn, so moving the label reaches the chat; at `prompt_version`, pinned; or else at its newest version). The chat keeps the prompt, not its values: send `variables` with each turn that needs them (everyone in a group chat reads the chat's metadata), and each turn's usage names the version it used. The chat's metadata says which (`metadata.prompt`). Another prompt_id replaces it; `null` drops it (the project's prompt, if any, applies again). A kept prompt that can no longer be used (deleted, no longer shared, its label removed) is 422 `chat_prompt_unavailable`.
             */
            prompt_id?: string | null;
            /** @description The prompt (prompt_id at prompt_version or prompt_label) was rendered into `message` by the client (a prompt picker): the turn is attributed to that version in usage and scores, but the prompt is not sent again as a system message (the chat's or the project's prompt still applies, and the chat keeps its prompt; `variables` then fill only the chat's, which keeps none of its own). Default false: the prompt is the system message. */
            prompt_in_message?: boolean;
            prompt_label?: string;
            prompt_version?: number;
            provider: string;
            /** @description Answer the active branch's last question again: a new answer beside the old one (both kept, see `siblings`) */
            regenerate?: boolean;
            /**
             * Format: uuid
             * @description Continue this session; omit to start a new one
             */
            session_id?: string;
            /**
             * Format: uuid
             * @description With `regenerate` or `edit_message_id`: the running answer the client showed and means to replace, or `null` when it showed none running. Only that answer is stopped first; an answer running in the chat that is not it (one started since, on another device or by another member) is 409 `answer_started_elsewhere` with `running_message_id`, and nothing is stopped or asked of the provider. Absent: whatever answer runs in the chat is stopped first.
             */
            stop_message_id?: string | null;
            temperature?: number;
            variables?: {
                [key: string]: string | number | boolean;
            };
        };
        ChatUsage: {
            /** @description The calls you paid for, newest first (at most 200): answers (purpose chat) and naming the chat (purpose title) */
            calls: components["schemas"]["UsageLog"][];
            /** @description There are more calls than listed (the totals count them all) */
            more_calls: boolean;
            /** @description Calls you asked in this chat that someone else paid for (the owner of a group chat who shares their key), per payer: counts and tokens, never their dollars */
            paid_by_others: components["schemas"]["PaidByOther"][];
            /** Format: uuid */
            session_id: string;
            totals: components["schemas"]["ChatUsageTotals"];
        };
        ChatUsageGroup: components["schemas"]["ChatUsageTotals"] & {
            /** Format: uuid */
            session_id: string;
            /** @description The chat's title; null when you can no longer open it (you left the group chat) */
            title: string | null;
        };
        /** @description Every call of this chat you paid for */
        ChatUsageTotals: {
            calls: number;
            completion_tokens: number;
            /** @description USD at the prices in force when each call ran (unpriced calls count 0) */
            cost_usd: number;
            prompt_tokens: number;
            total_tokens: number;
            /** @description Calls to models without a price */
            unpriced_calls: number;
        };
        CreateApiKey: {
            /** Format: date-time */
            expires_at?: string | null;
            name: string;
            /** @description `prompts:read`: read and resolve prompts; `chat`: render prompts, /chat and the /v1 gateway */
            scopes: ("prompts:read" | "chat")[];
        };
        CreatedApiKey: components["schemas"]["ApiKey"] & {
            /**
             * @description The key itself. Shown only in this response; store it now.
             * @example mrp_…
             */
            key: string;
        };
        CreateProject: {
            /** @default  */
            description: string;
            name: string;
            /** Format: uuid */
            system_prompt_id?: string | null;
            system_prompt_label?: string | null;
            /**
             * @description Values of the system prompt's `{{variables}}`, rendered into it for every chat in the project (a chat request's `variables` override them). Every variable without a default needs one: else 422 `missing_variables`, naming them. Changing the prompt without sending these clears them.
             * @example {
             *       "language": "French"
             *     }
             */
            system_prompt_variables?: {
                [key: string]: string | number | boolean;
            };
        };
        CreatePrompt: {
            commit_message?: string;
            config?: components["schemas"]["PromptConfigInput"];
            content: string;
            /** @default  */
            description: string;
            /** @default false */
            is_public: boolean;
            /** @description Default: suggested from the title (unique among your prompts) */
            name?: string;
            /** @default [] */
            tags: string[];
            title: string;
        };
        CreateSession: {
            metadata?: {
                [key: string]: unknown;
            };
            /** Format: uuid */
            project_id?: string | null;
            title?: string;
        };
        Credential: {
            base_url: string | null;
            /**
             * @description What the provider said of this key when last checked (verify, a models list): invalid means it refused the key; null: not checked since it was saved
             * @enum {string|null}
             */
            check_status: "ok" | "invalid" | "unverified" | "unreachable" | null;
            checked_at: string | null;
            created_at: string;
            key_hint: string;
            last_used_at: string | null;
            provider: string;
            updated_at: string;
        };
        CredentialVerification: {
            message: string;
            ok: boolean;
            /** @enum {string} */
            status: "ok" | "invalid" | "unverified" | "unreachable";
        };
        DeletedAll: {
            /** @description How many chats were deleted */
            deleted: number;
        };
        DeletedSessions: {
            /** @description One per id asked for, in the order asked */
            results: components["schemas"]["SessionDeleted"][];
        };
        DeleteSessions: {
            /** @description The chats to delete (1 to 100); an id named twice counts once */
            ids: string[];
        };
        DeletionImpact: {
            /** @description Group chats you own that go to someone in them instead of being deleted: the longest-standing member (people who may post before viewers). Your messages stay, as a former member's; the chat leaves your project and your key stops answering in it */
            group_chats: {
                handed_to: {
                    display_name: string | null;
                    /** Format: uuid */
                    user_id: string;
                };
                /** Format: uuid */
                id: string;
                /** @description How many people besides you are in it */
                people: number;
                title: string;
            }[];
            /** @description Public prompts of yours that nobody can open any more */
            public_prompts: {
                /** @description Other people's forks of it, which they keep */
                forks: number;
                /** Format: uuid */
                id: string;
                title: string;
            }[];
            /** @description Share links of yours that stop working */
            share_links: {
                /** Format: uuid */
                session_id: string;
                title: string;
            }[];
        };
        Error: {
            error: {
                code: string;
                message: string;
            } & {
                [key: string]: unknown;
            };
        };
        ForkPrompt: {
            title?: string;
        };
        ForkRequest: {
            /**
             * Format: uuid
             * @description Copy up to and including this message (default: all)
             */
            message_id?: string;
        };
        ForkResult: {
            /** @description Files on the copied messages that someone else attached, which the fork does not copy (they stay theirs); 0 when none */
            files_left_out: number;
            /** Format: uuid */
            session_id: string;
        };
        GatewayModel: {
            /** @description Unix seconds since the model is usable through your gateway: when you stored the provider's key (the catalog does not know release dates); 0 for a provider the server set up that needs no key */
            created: number;
            id: string;
            /** @enum {string} */
            object: "model";
            owned_by: string;
        };
        GatewayModelList: {
            data: components["schemas"]["GatewayModel"][];
            /** @enum {string} */
            object: "list";
        };
        Health: {
            /** @enum {string} */
            database: "ok";
            /** @enum {string} */
            status: "ok";
            time: string;
            /**
             * @description Whether the database has pgvector. Where installed, project files over a model's budget are ranked by embeddings as well as by full-text search (see the README).
             * @enum {string}
             */
            vector: "installed" | "available" | "absent";
        };
        ImportConversation: {
            /**
             * Format: date-time
             * @description ISO 8601, from 2000 until now (5 minutes of clock skew allowed)
             */
            created_at?: string | null;
            /** @description The source's folder the chat was in: the chat goes into a project named after it, made with its first new chat. A folder the account has no room for (its projects are counted) is not made: its chats come in without a project, and `folders_not_made` says so */
            folder?: {
                /** @description The name of the project made for it (a project made before keeps its own) */
                name: string;
                /** @description The folder's id in the source: the chats of one folder, in any request, go to one project */
                source_id: string;
            } | null;
            messages: components["schemas"]["ImportMessage"][];
            /**
             * @description Index of this part's first message in the conversation
             * @default 0
             */
            offset: number;
            /** @enum {string} */
            source: "chatgpt" | "mrprompt" | "chatbot-ui";
            /** @description The conversation's id in the source: importing it again adds nothing */
            source_id: string;
            /** @description The chat's own temperature at its source, kept as the chat's answer setting (metadata.temperature), as a turn's is; absent: the model's default */
            temperature?: number | null;
            title?: string | null;
            /** @description Messages in the whole conversation */
            total: number;
        };
        ImportFolderNotMade: {
            name: string;
            /**
             * @description project_limit: the account holds as many projects as it may (1,000)
             * @enum {string}
             */
            reason: "project_limit";
            source_id: string;
        };
        ImportMessage: {
            /** @description The text, or this piece of it (see content_offset) */
            content: string;
            /**
             * @description A message too long for one request goes in pieces, in order, each in its own request: the characters (Unicode code points) of the message before this piece. A piece that continues a message must be the first message of its part; one that leaves it unfinished, the last
             * @default 0
             */
            content_offset: number;
            /** @description The whole message's length in characters (code points), when this is a piece of it; absent: the message ends with this piece */
            content_total?: number | null;
            /**
             * Format: date-time
             * @description ISO 8601, from 2000 until now (5 minutes of clock skew allowed)
             */
            created_at?: string | null;
            /** @description The model that wrote it, as the source names it (no control characters) */
            model?: string | null;
            /** @enum {string} */
            sender: "user" | "assistant";
            /** @description The message's id in the source (kept as provider_message_id) */
            source_id?: string | null;
        };
        ImportRequest: {
            conversations: components["schemas"]["ImportConversation"][];
        };
        ImportResponse: {
            /** @description Folders of this request not made into projects (their chats came in without one), once each */
            folders_not_made: components["schemas"]["ImportFolderNotMade"][];
            results: components["schemas"]["ImportResult"][];
        };
        ImportResult: {
            /** @description Messages this request added (one sent in pieces counts with its first) */
            messages: number;
            /** Format: uuid */
            session_id: string;
            source_id: string;
            /**
             * @description imported: complete now; partial: more parts expected; duplicate: imported before, nothing added
             * @enum {string}
             */
            status: "imported" | "partial" | "duplicate";
        };
        /** @description A pending invitation: the person behind the address joins when they accept it */
        Invitation: {
            created_at: string;
            email: string;
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            role: "viewer" | "member";
        };
        /** @description A pending invitation: the person behind the address joins when they accept it */
        InvitationCreated: components["schemas"]["Invitation"] & {
            /** @description The invitation link's secret, shown once (the web app's link is `/invitations/<link_token>`): whoever holds it and signs in with the invited address, confirmed, may accept (POST /invitations/accept-link). A new one replaces it. */
            link_token: string;
        };
        InvitationLink: {
            /** @description The invitation link's secret, shown once (the web app's link is `/invitations/<link_token>`): whoever holds it and signs in with the invited address, confirmed, may accept (POST /invitations/accept-link). A new one replaces it. */
            link_token: string;
        };
        InvitationLinkAcceptance: {
            token: string;
        };
        Invitations: {
            invitations: components["schemas"]["Invitation"][];
        };
        Invite: {
            /** Format: email */
            email: string;
            /**
             * @default member
             * @enum {string}
             */
            role: "viewer" | "member";
        };
        KeySharing: {
            share_owner_key: boolean;
        };
        ListedModel: {
            /** @description Tokens, where the provider says */
            context_window: number | null;
            id: string;
            /** @description The provider's display name, where it gives one */
            name: string | null;
        };
        Me: {
            avatar_url: string | null;
            created_at: string;
            custom_instructions: string;
            display_name: string;
            email: string | null;
            /** Format: uuid */
            id: string;
            preferences: {
                /** @description Whether the web app starts new chats with `name_chat`, so each is named by its model after its first answer (absent: yes) */
                auto_title?: boolean;
                default_model?: string;
                default_provider?: string;
                /** @enum {string} */
                theme?: "light" | "dark" | "system";
            } & {
                [key: string]: unknown;
            };
            /** @enum {string} */
            role: "user" | "admin";
            updated_at: string;
        };
        Members: {
            /** @description The owner first, then members by name */
            participants: components["schemas"]["Participant"][];
            /** @description Whether the owner's key answers members' messages */
            share_owner_key: boolean;
        };
        MePassword: {
            /** @description Whether the account signs in with a password (Auth has one stored for it); false for an account single sign-on made that never chose one, even once it has an `email` identity */
            has_password: boolean;
        };
        Message: {
            /**
             * Format: uuid
             * @description Who wrote it (on an answer: who asked for it); null when that account was deleted
             */
            author_id: string | null;
            completion_tokens: number | null;
            content: string;
            /** Format: date-time */
            created_at: string;
            /** @description An answer: how many of the chat's oldest messages its context left out to fit the model's window (null: none; the turn's `meta` `dropped_turns`) */
            dropped_turns: number | null;
            error: string | null;
            /** @description Why it is `error`/`stopped`: interrupted, stopped_by_user, wall_clock_limit, answer_too_long, provider codes */
            error_code: string | null;
            /** Format: uuid */
            id: string;
            latency_ms: number | null;
            model: string | null;
            /**
             * Format: uuid
             * @description The message this one follows (null: a first message); siblings share it
             */
            parent_id: string | null;
            prompt_tokens: number | null;
            provider: string | null;
            provider_message_id: string | null;
            /** @description A reasoning model's thinking, apart from the answer ('' when none) */
            reasoning: string;
            /** @description How long it reasoned before answering */
            reasoning_ms: number | null;
            /** @enum {string} */
            sender: "user" | "assistant" | "system";
            /** @description The last stream seq the content and reasoning include (apply live deltas with a higher seq) */
            seq: number;
            /** Format: uuid */
            session_id: string;
            /** @enum {string} */
            status: "complete" | "streaming" | "stopped" | "error";
            /**
             * Format: uuid
             * @description Who stopped this answer (a participant of a group chat, or its asker); null when no person did
             */
            stopped_by: string | null;
            /** @description An answer's completion tokens; a question's tokens only when its turn's context had to be counted to fit the model's window, otherwise null */
            token_count: number | null;
            ttft_ms: number | null;
            /** Format: date-time */
            updated_at: string;
        };
        MessageAttachment: {
            /** Format: uuid */
            message_id: string;
            name: string;
            path: string;
            size: number;
            /** @description Tokens of the file the model was given */
            tokens: number;
            /** @description `total_tokens` is estimated from the start of a file too long to count whole */
            total_estimated: boolean;
            /** @description Tokens of the whole file (more than `tokens` when it was cut to fit); null for files attached before it was kept */
            total_tokens: number | null;
            truncated: boolean;
            type: string;
        };
        MessagePage: {
            /** @description The active branch, oldest to newest */
            messages: components["schemas"]["ChatMessage"][];
            /** @description Pass as `after` for newer messages (pages read `around` a message or `after` one); null when the page ends at the newest message, and on newest-first pages */
            newer_cursor: string | null;
            /** @description Pass as `before` for older messages; null at the start */
            next_cursor: string | null;
        };
        MeSummary: {
            budget: components["schemas"]["Budget"];
            /**
             * @description The theme saved in the profile (`preferences.theme`); null when none was chosen
             * @enum {string|null}
             */
            theme: "light" | "dark" | "system" | null;
        };
        ModelsListError: {
            error: {
                /**
                 * @description provider_rejected_key: the provider refused the key (401/403); models_unavailable: it has no models list (404); provider_unreachable: anything else
                 * @enum {string}
                 */
                code: "provider_rejected_key" | "models_unavailable" | "provider_unreachable";
                message: string;
            } & {
                [key: string]: unknown;
            };
        };
        MyInvitation: {
            created_at: string;
            /** Format: uuid */
            id: string;
            /** @description The chat owner's display name (never an address) */
            inviter_name: string;
            /** @enum {string} */
            role: "viewer" | "member";
            /** Format: uuid */
            session_id: string;
            session_title: string | null;
        };
        MyInvitations: {
            invitations: components["schemas"]["MyInvitation"][];
        };
        NamedAttachment: {
            name: string;
            path: string;
        };
        NamedChat: {
            model: string;
            provider: string;
            /** @description The new title (plain text, one line, at most 60 characters) */
            title: string;
        };
        NewShare: components["schemas"]["Share"] & {
            /** @description Web app path of the shared view, e.g. /s/<token> */
            path: string;
            /** @description The link's token; GET /sessions/{id}/share shows it to the owner again */
            token: string;
        };
        OpenAiError: {
            error: {
                code: string;
                message: string;
                /**
                 * @description The request field at fault, if one is
                 * @example messages.0.role
                 */
                param: string | null;
                /** @example invalid_request_error */
                type: string;
            } & {
                [key: string]: unknown;
            };
        };
        PaidByOther: {
            calls: number;
            completion_tokens: number;
            /** Format: uuid */
            payer_id: string;
            /** @description The payer's display name (never an email) */
            payer_name: string | null;
            prompt_tokens: number;
            total_tokens: number;
        };
        Participant: {
            display_name: string;
            /** @description Shown to each person for themselves, and to the chat's owner for the people who accepted that owner's invitation (not, in a chat handed over when its owner's account was deleted, for those the previous owner invited); null otherwise */
            email: string | null;
            /** @enum {string} */
            role: "owner" | "viewer" | "member";
            /** Format: uuid */
            user_id: string;
        };
        Project: {
            /** Format: date-time */
            created_at: string;
            description: string;
            /** Format: uuid */
            id: string;
            name: string;
            /** Format: uuid */
            system_prompt_id: string | null;
            system_prompt_label: string | null;
            /** @description Values of the system prompt's variables, kept with the project */
            system_prompt_variables: {
                [key: string]: string | number | boolean;
            };
            /** Format: date-time */
            updated_at: string;
        };
        ProjectFile: {
            created_at: string;
            /** Format: uuid */
            id: string;
            name: string;
            /** Format: uuid */
            project_id: string;
            size: number;
            storage_path: string;
            token_count: number;
            type: string;
        };
        ProjectList: {
            next_cursor: string | null;
            projects: components["schemas"]["ProjectWithPrompt"][];
        };
        ProjectWithPrompt: components["schemas"]["Project"] & {
            /** @description The system prompt's title; null without one, or when the caller can no longer read it (made private) */
            system_prompt_title: string | null;
        };
        Prompt: {
            config: components["schemas"]["PromptConfig"];
            content: string;
            /** Format: date-time */
            created_at: string;
            description: string;
            /** Format: uuid */
            forked_from: string | null;
            /** Format: uuid */
            id: string;
            is_owner: boolean;
            is_public: boolean;
            labels?: components["schemas"]["PromptLabel"][];
            latest_version: number;
            /**
             * @description Unique per owner; what other apps resolve the prompt by
             * @example support-reply
             */
            name: string;
            /** @description While public: the one version other people see (the shared label's, else the newest); they see no other. Null while private */
            published_version: number | null;
            /** @description Goes up on every change of the prompt (description, tags and visibility too); send it back as `expected_revision` to have a stale edit refused. Someone else's public prompt gives its shared version's number instead: its owner's unshared drafts do not show */
            revision: number;
            /** @description While public: the label whose version other people see; null shares the newest version (every save public at once) */
            shared_label: string | null;
            tags: string[];
            title: string;
            /**
             * Format: date-time
             * @description The last change. Someone else's public prompt gives when what they see was last shared (its shared version saved, its shared label moved, or the prompt made public or shared at another label): its owner's unshared drafts do not move it
             */
            updated_at: string;
            /** Format: uuid */
            user_id: string;
            variables: components["schemas"]["TemplateVariable"][];
        };
        PromptConfig: {
            max_tokens?: number;
            model?: string;
            provider?: string;
            temperature?: number;
        };
        /** @default {} */
        PromptConfigInput: {
            max_tokens?: number;
            model?: string;
            provider?: string;
            temperature?: number;
        };
        PromptImportRequest: {
            /** @description Prompts as this app’s account export has them (`prompts[]`: title, name, description, tags, versions with their dates, labels, test cases; other fields ignored), or just `{title, content}`. Each is checked on its own: one that is not a prompt is skipped with the reason */
            prompts: unknown[];
        };
        PromptImportResponse: {
            results: components["schemas"]["PromptImportResult"][];
        };
        PromptImportResult: {
            /** @description The item's place in `prompts` */
            index: number;
            name?: string;
            /**
             * Format: uuid
             * @description The prompt made; for an item skipped as already in your library, the prompt it is
             */
            prompt_id?: string;
            /** @description Why it was skipped */
            reason?: string;
            /** @description The name it had, when you already had a prompt by that name */
            renamed_from?: string | null;
            /** @enum {string} */
            status: "imported" | "skipped";
            title: string | null;
            /** @description Versions the imported prompt has */
            versions?: number;
        };
        PromptLabel: {
            label: string;
            /** @description A locked label moves only with `force: true` */
            locked: boolean;
            /** Format: date-time */
            updated_at: string;
            version: number;
        };
        PromptList: {
            next_cursor: string | null;
            prompts: (components["schemas"]["Prompt"] & {
                /** @description With `sort=most_used` only: how many times the caller ran this prompt in the last 30 days */
                recent_uses?: number;
            })[];
        };
        PromptsKeptInChats: {
            prompts: {
                chats: number;
                /** Format: uuid */
                prompt_id: string;
            }[];
        };
        PromptSummary: {
            /** @description The template's length in characters */
            chars: number;
            config: components["schemas"]["PromptConfig"];
            /** Format: date-time */
            created_at: string;
            description: string;
            /** Format: uuid */
            forked_from: string | null;
            /** Format: uuid */
            id: string;
            is_owner: boolean;
            is_public: boolean;
            latest_version: number;
            /**
             * @description Unique per owner; what other apps resolve the prompt by
             * @example support-reply
             */
            name: string;
            /** @description While public: the one version other people see (the shared label's, else the newest); they see no other. Null while private */
            published_version: number | null;
            /** @description With `sort=most_used` only: how many times the caller ran this prompt in the last 30 days */
            recent_uses?: number;
            /** @description Goes up on every change of the prompt (description, tags and visibility too); send it back as `expected_revision` to have a stale edit refused. Someone else's public prompt gives its shared version's number instead: its owner's unshared drafts do not show */
            revision: number;
            /** @description While public: the label whose version other people see; null shares the newest version (every save public at once) */
            shared_label: string | null;
            tags: string[];
            title: string;
            /**
             * Format: date-time
             * @description The last change. Someone else's public prompt gives when what they see was last shared (its shared version saved, its shared label moved, or the prompt made public or shared at another label): its owner's unshared drafts do not move it
             */
            updated_at: string;
            /** Format: uuid */
            user_id: string;
            variables: components["schemas"]["TemplateVariable"][];
        };
        PromptSummaryList: {
            next_cursor: string | null;
            prompts: components["schemas"]["PromptSummary"][];
        };
        PromptTestCase: {
            /** Format: uuid */
            id: string;
            message: string;
            name: string;
            updated_at: string;
            variables: {
                [key: string]: string | number | boolean;
            };
        };
        PromptTestCaseList: {
            test_cases: components["schemas"]["PromptTestCase"][];
        };
        PromptVersion: {
            commit_message: string | null;
            config: components["schemas"]["PromptConfig"];
            content: string;
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            prompt_id: string;
            title: string;
            variables: components["schemas"]["TemplateVariable"][];
            version: number;
        };
        PromptVersionList: {
            next_cursor: string | null;
            /** @description Newest first */
            versions: components["schemas"]["PromptVersion"][];
        };
        PromptVersionSummary: {
            /** @description The template's length in characters */
            chars: number;
            commit_message: string | null;
            config: components["schemas"]["PromptConfig"];
            /** Format: date-time */
            created_at: string;
            /**
             * Format: uuid
             * @description Who saved it (null once that account is deleted)
             */
            created_by: string | null;
            /** @description The template's first non-blank line, cut to 120 characters */
            first_line: string;
            /** Format: uuid */
            id: string;
            /** @description The labels pointing at this version */
            labels: string[];
            /** Format: uuid */
            prompt_id: string;
            title: string;
            variables: components["schemas"]["TemplateVariable"][];
            version: number;
        };
        PromptVersionSummaryList: {
            next_cursor: string | null;
            /** @description Newest first */
            versions: components["schemas"]["PromptVersionSummary"][];
        };
        Provider: {
            any_model: boolean;
            /** @description True when the caller has a stored key or the provider needs none */
            available: boolean;
            base_url: string | null;
            /** @enum {string} */
            base_url_mode: "fixed" | "optional" | "required";
            default_context_window: number;
            docs_url?: string;
            /** @description The model that ranks the caller's project files by meaning when this provider has their key and the database has pgvector; null: none */
            embedding_model: string | null;
            has_credential: boolean;
            id: string;
            models: components["schemas"]["ProviderModel"][];
            name: string;
            requires_key: boolean;
        };
        ProviderModel: {
            context_window: number;
            id: string;
            name: string;
            /** @description Reads images attached to a message */
            vision: boolean;
        };
        PublicPrompt: {
            config: components["schemas"]["PromptConfig"];
            /** @description The template of the shared version */
            content: string;
            description: string;
            /** Format: uuid */
            id: string;
            /** @description The shared version: the one visitors see (and a fork copies), not necessarily the newest the owner saved */
            latest_version: number;
            name: string;
            /** @description The label that version is shared at (`production`, say); null: the owner shares each version as it is saved */
            shared_label: string | null;
            tags: string[];
            title: string;
            /**
             * Format: date-time
             * @description When what visitors see was last shared (its version saved, its label moved, or the prompt made public); the owner's unshared drafts do not move it
             */
            updated_at: string;
            variables: components["schemas"]["TemplateVariable"][];
        };
        PutCredential: {
            /** @description The provider API key (optional for providers that need none, e.g. ollama) */
            api_key?: string;
            /** @description custom (required) and ollama (optional) only */
            base_url?: string;
        };
        PutScore: {
            comment?: string | null;
            /** Format: uuid */
            message_id?: string;
            /** @enum {string} */
            rating: "up" | "down";
            /** Format: uuid */
            usage_log_id?: string;
        };
        RecentUsage: {
            calls: components["schemas"]["UsageLog"][];
        };
        RenderedPrompt: {
            config: components["schemas"]["PromptConfig"];
            rendered: string;
            variables: components["schemas"]["TemplateVariable"][];
            version: number;
        };
        RenderPrompt: {
            label?: string;
            /** @default {} */
            variables: {
                [key: string]: string | number | boolean;
            };
            version?: number;
        };
        ResolvedPrompt: {
            /** @description The text rendered with `variables` (null without them) */
            compiled: string | null;
            config: components["schemas"]["PromptConfig"];
            etag: string;
            /** Format: uuid */
            id: string;
            label: string | null;
            /** @description Every label pointing at this version */
            labels: string[];
            name: string;
            /** @description The template text of this version */
            prompt: string;
            title: string;
            variables: components["schemas"]["TemplateVariable"][];
            version: number;
        };
        RestorePromptVersion: {
            commit_message?: string;
            /** @description The `revision` this edit started from. Covers every change (description, tags and visibility as well as new versions): if the prompt changed in any way since, nothing is saved: 409 `version_conflict` with the current `revision` and `latest_version`. The database holds the same check. */
            expected_revision?: number;
            /** @description The version this edit started from (`latest_version` when it was read). If the prompt has a newer version by now — saved from another tab, device or client — nothing is saved: 409 `version_conflict` with the current `latest_version`. Without it the write applies to whatever version is current. Sent without `expected_revision`, an edit that changes the name, description, tags or visibility is refused (428 `revision_required`): those change without a new version, so only `expected_revision` can tell a stale value from a new one. */
            expected_version?: number;
            version: number;
        };
        RoleChange: {
            /** @enum {string} */
            role: "viewer" | "member";
        };
        SavePromptTestCase: {
            /** @default  */
            message: string;
            name: string;
            /** @default {} */
            variables: {
                [key: string]: string | number | boolean;
            };
        };
        Score: {
            comment: string | null;
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            message_id: string | null;
            /** @enum {string} */
            rating: "up" | "down";
            updated_at: string;
            /** Format: uuid */
            usage_log_id: string | null;
        };
        ScoreList: {
            scores: components["schemas"]["Score"][];
        };
        SearchChatHit: {
            archived: boolean;
            /** Format: date-time */
            last_message_at: string;
            /** Format: uuid */
            session_id: string;
            shared: boolean;
            title: string;
            /** @description The title, matches between « and » */
            title_snippet: string;
        };
        SearchHit: {
            /** @description The caller archived this chat */
            archived: boolean;
            /** Format: date-time */
            created_at: string;
            /** @description The snippet is from the text of this file the message carried (a PDF's, a text file's): it matched best there */
            file_name: string | null;
            /** @description The snippet is from the answer's reasoning: only that holds the match */
            in_reasoning: boolean;
            /** Format: uuid */
            message_id: string;
            rank: number;
            /** @enum {string} */
            sender: "user" | "assistant" | "system";
            /** Format: uuid */
            session_id: string;
            session_title: string;
            /** @description Someone else's chat the caller is a member or viewer of */
            shared: boolean;
            /** @description Plain text; matches between « and » */
            snippet: string;
        };
        SearchResults: {
            /** @description Chats whose title matches, most recently active first (at most 8; first page only) */
            chats: components["schemas"]["SearchChatHit"][];
            next_cursor: string | null;
            results: components["schemas"]["SearchHit"][];
            /** @description How many messages match (see total_kind) */
            total: number;
            /**
             * @description exact; at_least: 1000 or more; at_most: a phrase query, whose words match that many and the phrase may match fewer
             * @enum {string}
             */
            total_kind: "exact" | "at_least" | "at_most";
        };
        Session: {
            /**
             * Format: date-time
             * @description Set while you have it archived (left out of your default list): your own, in a group chat too
             */
            archived_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            last_message_at: string;
            metadata: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description Set while you have it pinned (listed first): your own, in a group chat too
             */
            pinned_at: string | null;
            /** Format: uuid */
            project_id: string | null;
            title: string;
            /** Format: date-time */
            updated_at: string;
        };
        SessionDeleted: {
            /** Format: uuid */
            id: string;
            /**
             * @description `not_found`: no chat of yours has this id (never existed, deleted already, or not yours)
             * @enum {string}
             */
            status: "deleted" | "not_found";
        };
        /** @description Apply the change only if these fields still hold these values (pinned/archived: your own marks); otherwise 409 `changed_meanwhile` with the chat as it is now, as `session` */
        SessionIfUnchanged: {
            archived?: boolean;
            pinned?: boolean;
            /** Format: uuid */
            project_id?: string | null;
            title?: string;
        };
        SessionList: {
            next_cursor: string | null;
            sessions: components["schemas"]["SessionView"][];
        };
        SessionView: components["schemas"]["Session"] & {
            /**
             * Format: uuid
             * @description The last message of the branch shown (null: the newest message)
             */
            active_leaf_id: string | null;
            /** @description Join the live channel `session:<id>` (0) or `session:<id>:<channel_epoch>`: it moves when someone is removed */
            channel_epoch: number;
            /**
             * @description owner, or member/viewer of a group chat
             * @enum {string}
             */
            role: "owner" | "member" | "viewer";
            /** @description In a group chat, whether the owner's key answers members */
            share_owner_key: boolean;
            /** @description How many times the title changed: of two titles heard of, show the one with the higher version (the `renamed` live message names it) */
            title_version: number;
        };
        SetBudget: {
            /** @description USD per calendar month (UTC); null removes the budget */
            monthly_budget_usd: number | null;
        };
        SetPromptLabel: {
            /** @description Required to move a locked label (it stays locked unless `locked: false`) */
            force?: boolean;
            /** @description Lock or unlock the label (default: unchanged; new labels unlocked) */
            locked?: boolean;
            version: number;
        };
        Share: {
            live: boolean;
            /** Format: date-time */
            shared_at: string;
        };
        SharedChat: {
            live: boolean;
            /** @description Oldest to newest */
            messages: components["schemas"]["SharedMessage"][];
            /** @description Pass as `before` for older messages */
            next_cursor: string | null;
            /** Format: date-time */
            shared_at: string;
            title: string;
        };
        SharedMessage: {
            /** @description Group chats' questions only: who asked (display name, never an email); null for a deleted account */
            author_name?: string | null;
            content: string;
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            id: string;
            model: string | null;
            provider: string | null;
            /** @enum {string} */
            sender: "user" | "assistant" | "system";
            /** @enum {string} */
            status: "complete" | "stopped" | "error";
        };
        ShareSettings: {
            /**
             * @description Show messages written after sharing too (default: a snapshot)
             * @default false
             */
            live: boolean;
        };
        ShareState: {
            /** @enum {boolean} */
            shared: false;
        } | (components["schemas"]["Share"] & {
            /** @description Web app path of the shared view, e.g. /s/<token>; null with token */
            path: string | null;
            /** @enum {boolean} */
            shared: true;
            /** @description Null for a link made before links were kept (replace it to get one that is) */
            token: string | null;
        });
        /** @description Other versions of this message (edits, regenerated answers); switch with POST /sessions/{id}/branch (routes/session-branches.ts) */
        Siblings: {
            /** @description Messages sharing this one's parent (1: no other versions) */
            count: number;
            /** @description 1-based position among them, oldest first */
            index: number;
            /** Format: uuid */
            next_id: string | null;
            /** Format: uuid */
            prev_id: string | null;
        };
        StopResult: {
            /** Format: uuid */
            assistant_message_id: string;
            /**
             * @description `streaming`: the stop was asked but not yet confirmed
             * @enum {string}
             */
            status: "stopped" | "complete" | "error" | "streaming";
        };
        TemplateVariable: {
            default: string | null;
            name: string;
            /** @description Allowed values of an enum, e.g. `{{tone:enum(formal,casual)}}` */
            options: string[];
            required: boolean;
            /**
             * @description From `{{name:type}}`; string when untyped
             * @enum {string}
             */
            type: "string" | "number" | "boolean" | "enum";
        };
        UpdateMe: {
            avatar_url?: string | null;
            custom_instructions?: string;
            display_name?: string;
            preferences?: {
                auto_title?: boolean | null;
                default_model?: string | null;
                default_provider?: string | null;
                /** @enum {string|null} */
                theme?: "light" | "dark" | "system" | null;
            };
        };
        UpdateProject: {
            description?: string;
            name?: string;
            /** Format: uuid */
            system_prompt_id?: string | null;
            system_prompt_label?: string | null;
            /**
             * @description Values of the system prompt's `{{variables}}`, rendered into it for every chat in the project (a chat request's `variables` override them). Every variable without a default needs one: else 422 `missing_variables`, naming them. Changing the prompt without sending these clears them.
             * @example {
             *       "language": "French"
             *     }
             */
            system_prompt_variables?: {
                [key: string]: string | number | boolean;
            };
        };
        UpdatePrompt: {
            commit_message?: string;
            config?: components["schemas"]["PromptConfigInput"];
            content?: string;
            description?: string;
            /** @description The `revision` this edit started from. Covers every change (description, tags and visibility as well as new versions): if the prompt changed in any way since, nothing is saved: 409 `version_conflict` with the current `revision` and `latest_version`. The database holds the same check. */
            expected_revision?: number;
            /** @description The version this edit started from (`latest_version` when it was read). If the prompt has a newer version by now — saved from another tab, device or client — nothing is saved: 409 `version_conflict` with the current `latest_version`. Without it the write applies to whatever version is current. Sent without `expected_revision`, an edit that changes the name, description, tags or visibility is refused (428 `revision_required`): those change without a new version, so only `expected_revision` can tell a stale value from a new one. */
            expected_version?: number;
            is_public?: boolean;
            name?: string;
            /** @description While public: the label whose version other people see (`production`, say); null shares the newest version, so every save is public at once. Default when the prompt is made public: `production` if it has that label, else null. Making the prompt private clears it. */
            shared_label?: string | null;
            tags?: string[];
            title?: string;
        };
        UpdateSession: {
            /** @description Archive (left out of the default list) or restore */
            archived?: boolean;
            if_unchanged?: components["schemas"]["SessionIfUnchanged"];
            metadata?: {
                [key: string]: unknown;
            };
            /** @description Pin (listed first) or unpin */
            pinned?: boolean;
            /** Format: uuid */
            project_id?: string | null;
            title?: string;
        };
        UsageGroup: {
            /**
             * Format: uuid
             * @description The API key that made the calls; null for the web app (or when not grouped by api_key)
             */
            api_key_id: string | null;
            api_key_name: string | null;
            /** @description The key's first characters (`mrp_` and 8 more), as the key list shows them: tells apart two keys of one name */
            api_key_prefix: string | null;
            api_key_revoked: boolean | null;
            /**
             * Format: uuid
             * @description Who asked for the calls (when grouped by asker): you, or a group chat member whose turns you paid for; null: deleted accounts and calls logged before it was recorded, or not grouped by asker
             */
            asked_by: string | null;
            /** @description Their display name (never an email); null when asked_by is null */
            asked_by_name: string | null;
            /** @description The part of prompt_tokens served from providers' prompt caches */
            cached_tokens: number;
            calls: number;
            completion_tokens: number;
            /** @description USD at the prices in force when each call ran (unpriced calls count 0) */
            cost_usd: number;
            day: string | null;
            errors: number;
            /** @description The group's dimensions joined by spaces: day, provider, provider/model, project id, prompt_id@version, API key id (`web`: the web app), purpose (`unknown`: not recorded) */
            key: string;
            latency_ms: {
                p50: number | null;
                p95: number | null;
            };
            model: string | null;
            /** @description Share of rated calls rated thumbs up (null without ratings) */
            positive_share: number | null;
            /** @description The project was deleted; its calls keep its id, and its name on the owner's calls */
            project_deleted: boolean | null;
            /** Format: uuid */
            project_id: string | null;
            project_name: string | null;
            /** Format: uuid */
            prompt_id: string | null;
            prompt_title: string | null;
            prompt_tokens: number;
            prompt_version: number | null;
            provider: string | null;
            /**
             * @description What the calls were for (when grouped by purpose): chat, title, gateway, embedding; null: not recorded (older calls), or not grouped by purpose
             * @enum {string|null}
             */
            purpose: "chat" | "title" | "gateway" | "embedding" | null;
            /** @description Calls whose answer you rated */
            ratings: number;
            /** @description The part of completion_tokens models spent reasoning (as providers reported it) */
            reasoning_tokens: number;
            stopped: number;
            total_tokens: number;
            ttft_ms: {
                p50: number | null;
                p95: number | null;
            };
            /** @description Calls to models without a price */
            unpriced_calls: number;
        };
        UsageLog: {
            /**
             * Format: uuid
             * @description The API key that made the call; null for the web app
             */
            api_key_id: string | null;
            api_key_name: string | null;
            /** @description The key's first characters (`mrp_` and 8 more), as the key list shows them */
            api_key_prefix: string | null;
            /** @description The key has been revoked since (false without a key) */
            api_key_revoked: boolean;
            /**
             * Format: uuid
             * @description Who asked for the call (you, or a group chat member whose turn you paid for); null: a deleted account, or not recorded (older calls)
             */
            asked_by: string | null;
            /** @description Their display name (never an email); null when asked_by is null */
            asked_by_name: string | null;
            cached_tokens: number | null;
            completion_tokens: number | null;
            /** @description USD at the prices in force when the call ran; null when unpriced */
            cost_usd: number | null;
            error_code: string | null;
            /** Format: date-time */
            executed_at: string;
            /** Format: uuid */
            id: string;
            latency_ms: number | null;
            /** Format: uuid */
            message_id: string | null;
            model: string;
            /** Format: uuid */
            prompt_id: string | null;
            prompt_title: string | null;
            prompt_tokens: number | null;
            prompt_version: number | null;
            provider: string;
            /**
             * @description What the call was for: chat (an answer), title (naming a chat), gateway (POST /v1/chat/completions), embedding (project files); null for calls logged before this was recorded
             * @enum {string|null}
             */
            purpose: "chat" | "title" | "gateway" | "embedding" | null;
            /** @description The part of completion_tokens the model spent reasoning, as the provider reported it */
            reasoning_tokens: number | null;
            /** Format: uuid */
            session_id: string | null;
            /** @enum {string} */
            status: "success" | "error" | "stopped";
            token_count: number | null;
            ttft_ms: number | null;
        };
        UsageReport: {
            from: string;
            group_by: ("day" | "provider" | "model" | "project" | "prompt" | "api_key" | "purpose" | "asker")[];
            groups: components["schemas"]["UsageGroup"][];
            /**
             * @description The zone the days are counted in (the `tz` asked for, canonically spelled; UTC by default)
             * @example Europe/Berlin
             */
            time_zone: string;
            to: string;
            totals: {
                /** @description The part of prompt_tokens served from providers' prompt caches */
                cached_tokens: number;
                calls: number;
                completion_tokens: number;
                /** @description USD at the prices in force when each call ran (unpriced calls count 0) */
                cost_usd: number;
                errors: number;
                latency_ms: {
                    p50: number | null;
                    p95: number | null;
                };
                /** @description Share of rated calls rated thumbs up (null without ratings) */
                positive_share: number | null;
                prompt_tokens: number;
                /** @description Calls whose answer you rated */
                ratings: number;
                /** @description The part of completion_tokens models spent reasoning (as providers reported it) */
                reasoning_tokens: number;
                stopped: number;
                total_tokens: number;
                ttft_ms: {
                    p50: number | null;
                    p95: number | null;
                };
                /** @description Calls to models without a price */
                unpriced_calls: number;
            };
        };
        UsageSummary: {
            /** @description Per source: the web app (api_key_id null) and each API key */
            by_api_key: components["schemas"]["UsageGroup"][];
            /** @description Per person who asked: you, and each group chat member whose turns you paid for */
            by_asker: components["schemas"]["UsageGroup"][];
            /** @description The 10 chats of the range that cost you most (then by calls), with what you paid in each; calls of deleted chats are left out */
            by_chat: components["schemas"]["ChatUsageGroup"][];
            by_day: components["schemas"]["UsageGroup"][];
            by_day_provider: components["schemas"]["UsageGroup"][];
            by_model: components["schemas"]["UsageGroup"][];
            by_project: components["schemas"]["UsageGroup"][];
            by_prompt_version: components["schemas"]["UsageGroup"][];
            /** @description Per purpose: chat answers, chat titles, API calls, embeddings */
            by_purpose: components["schemas"]["UsageGroup"][];
            from: string;
            /** @description The calls of the range you asked that someone else paid for (a group chat whose owner pays for members), per payer: counts and tokens, never their dollars */
            paid_by_others: components["schemas"]["PaidByOther"][];
            /** @description The 20 newest calls of the range (and of `prompt_id` when given), newest first */
            recent: components["schemas"]["UsageLog"][];
            /**
             * @description The zone the days are counted in (the `tz` asked for, canonically spelled; UTC by default)
             * @example Europe/Berlin
             */
            time_zone: string;
            to: string;
            totals: {
                /** @description The part of prompt_tokens served from providers' prompt caches */
                cached_tokens: number;
                calls: number;
                completion_tokens: number;
                /** @description USD at the prices in force when each call ran (unpriced calls count 0) */
                cost_usd: number;
                errors: number;
                latency_ms: {
                    p50: number | null;
                    p95: number | null;
                };
                /** @description Share of rated calls rated thumbs up (null without ratings) */
                positive_share: number | null;
                prompt_tokens: number;
                /** @description Calls whose answer you rated */
                ratings: number;
                /** @description The part of completion_tokens models spent reasoning (as providers reported it) */
                reasoning_tokens: number;
                stopped: number;
                total_tokens: number;
                ttft_ms: {
                    p50: number | null;
                    p95: number | null;
                };
                /** @description Calls to models without a price */
                unpriced_calls: number;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
