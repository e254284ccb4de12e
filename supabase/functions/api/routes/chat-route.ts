/**
 * POST /api/chat as the API describes it: the request body's schema and the route's OpenAPI
 * description (responses, events). The handler is routes/chat.ts's.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requireUserOrKey } from '../lib/api-key-auth.ts';
import { fileName, modelName } from '../lib/inputs.ts';
import { errorResponses, jsonBody, security } from '../lib/openapi.ts';
import { versionNumber } from './prompts/model.ts';

const variableValue = z.union([z.string().max(20_000).regex(/^[^\u0000]*$/, 'must not contain NUL characters'), z.number(), z.boolean()]);

const AttachmentPath = z.string().min(3).max(1024);
/** An upload with the name the person gave the file (its Storage key keeps only ASCII letters, digits and a few marks). */
const NamedAttachment = z.strictObject({ path: AttachmentPath, name: fileName }).openapi('NamedAttachment');

export const ChatRequest = z
  .strictObject({
    session_id: z.uuid().optional().openapi({ description: 'Continue this session; omit to start a new one' }),
    project_id: z.uuid().optional().openapi({ description: 'Project of a new session (its system prompt applies)' }),
    // The limit is the deployment's MAX_MESSAGE_CHARS, checked in the handler only (413 with the
    // lengths in words): a bound here too answered a longer paste with different, raw words.
    message: z.string().regex(/^[^\u0000]*$/, 'must not contain NUL characters').optional().openapi({
      description: 'The user message (not needed with regenerate or continue): at most MAX_MESSAGE_CHARS characters (32,000 by default; ' +
        'GET /providers gives it as `max_message_chars`), else 413 `message_too_long` with `length` and `limit`',
    }),
    provider: z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'must be a provider id such as "openai"'),
    model: modelName,
    prompt_id: z.uuid().nullable().optional().openapi({
      description: 'A prompt from your library (or a public one) as the system message, rendered with `variables`. The chat keeps it: ' +
        'later turns, regenerates and edits that name no prompt are answered with it too (at `prompt_label`, resolved again on each turn, ' +
        'so moving the label reaches the chat; at `prompt_version`, pinned; or else at its newest version). ' +
        'The chat keeps the prompt, not its values: send `variables` with each turn that needs them (everyone in a group chat reads the chat\'s metadata), ' +
        'and each turn\'s usage names the version it used. The chat\'s metadata says which (`metadata.prompt`). ' +
        'Another prompt_id replaces it; `null` drops it (the project\'s prompt, if any, applies again). ' +
        'A kept prompt that can no longer be used (deleted, no longer shared, its label removed) is 422 `chat_prompt_unavailable`.',
    }),
    prompt_label: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/).optional(),
    // An int in the database: a bigger one is a 400 here, not a 500 from Postgres.
    prompt_version: versionNumber.optional(),
    variables: z.record(z.string().max(64), variableValue).optional().refine((v) => !v || Object.keys(v).length <= 100, 'at most 100 variables'),
    prompt_in_message: z.boolean().optional().openapi({
      description: 'The prompt (prompt_id at prompt_version or prompt_label) was rendered into `message` by the client (a prompt picker): ' +
        'the turn is attributed to that version in usage and scores, but the prompt is not sent again as a system message ' +
        '(the chat\'s or the project\'s prompt still applies, and the chat keeps its prompt; `variables` then fill only the chat\'s, which keeps none of its own). Default false: the prompt is the system message.',
    }),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).optional(),
    regenerate: z.boolean().optional().openapi({ description: "Answer the active branch's last question again: a new answer beside the old one (both kept, see `siblings`)" }),
    continue: z.boolean().optional().openapi({
      description: "Ask the model to go on from the active branch's last answer (one that was stopped or cut): a new turn whose question is " +
        '`message`, or "Continue exactly where your last answer stopped." without one; the model sees its partial answer before it. ' +
        '409 `nothing_to_continue` when the last answer has no text yet (stopped while the model was still thinking): regenerate it instead.',
    }),
    edit_message_id: z.uuid().optional().openapi({ description: 'Ask `message` instead of this user message: a new question beside it (same parent) and its answer; the old branch is kept' }),
    stop_message_id: z.uuid().nullable().optional().openapi({
      description: 'With `regenerate` or `edit_message_id`: the running answer the client showed and means to replace, or `null` when it showed none running. ' +
        'Only that answer is stopped first; an answer running in the chat that is not it (one started since, on another device or by another member) ' +
        'is 409 `answer_started_elsewhere` with `running_message_id`, and nothing is stopped or asked of the provider. ' +
        'Absent: whatever answer runs in the chat is stopped first.',
    }),
    name_chat: z.boolean().optional().openapi({
      description: 'For a new chat: once its first answer is complete, have its model name the chat, as `POST /sessions/{id}/title` does ' +
        '(a billed call on your key, logged against the chat), even if this connection is gone by then. Ignored in an existing chat. Default false.',
    }),
    client_id: z.uuid().optional().openapi({
      description: 'An id the client makes for this question (a random UUID), to send it again safely when the answer to its POST was lost: ' +
        'the same id again (by the same person) is refused with 409 `already_sent`, with the `session_id` and `user_message_id` of the question first sent, ' +
        'and no second question is written. Not with `regenerate` (which asks no new question).',
    }),
    attachments: z.array(z.union([AttachmentPath, NamedAttachment])).max(50).optional().openapi({
      description: 'Uploaded objects in the attachments bucket (`<user id>/…`): images go to vision models as image parts; text, Markdown, code, CSV, JSON and PDF are extracted into the prompt. Regenerate reuses the message\'s attachments. ' +
        'Each is a path, or `{path, name}` with the name the file had (a Storage key keeps only some characters, so a path alone names the file by its last part). ' +
        'With `edit_message_id`: absent, the new question keeps the edited one\'s files; given, it carries exactly these (`[]`: none) — ' +
        'the edited one\'s files it keeps are named like new uploads, and every path must be in your own folder.',
    }),
  })
  .refine((b) => b.regenerate || b.continue || (b.message !== undefined && b.message.trim().length > 0), { message: 'message: required (unless regenerate or continue is true)', path: ['message'] })
  .refine((b) => !b.continue || (b.session_id && !b.regenerate && !b.edit_message_id), { message: 'continue needs session_id and cannot be combined with regenerate or edit_message_id', path: ['continue'] })
  .refine((b) => !(b.regenerate && b.client_id), { message: 'client_id names a new question: not with regenerate', path: ['client_id'] })
  .refine((b) => !(b.regenerate && b.edit_message_id), { message: 'regenerate and edit_message_id cannot be combined', path: ['regenerate'] })
  .refine((b) => b.stop_message_id === undefined || b.regenerate || b.edit_message_id, { message: 'stop_message_id goes with regenerate or edit_message_id', path: ['stop_message_id'] })
  .refine((b) => !(b.prompt_label && b.prompt_version), { message: 'give prompt_label or prompt_version, not both', path: ['prompt_label'] })
  .refine((b) => b.prompt_id || (!b.prompt_label && !b.prompt_version), { message: 'prompt_label/prompt_version need prompt_id', path: ['prompt_id'] })
  .refine((b) => b.prompt_id || !b.prompt_in_message, { message: 'prompt_in_message needs prompt_id', path: ['prompt_id'] })
  .openapi('ChatRequest');

export const chatRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['chat'],
  security,
  // A session, or an API key with the `chat` scope (the turn runs as the key's owner).
  middleware: [requireUserOrKey(['chat'], { sessionCheckedByRoute: true })] as const,
  summary: 'Send a message; the answer is written on the server and streamed (Server-Sent Events)',
  description:
    'The stream is a view of a server-side turn: closing it does not stop the answer (use POST /chat/{id}/stop). ' +
    'Events: `meta` {session_id, user_message_id, assistant_message_id, dropped_turns, provider, model}; ' +
    'a new chat streams before its rows are committed: its `meta` has `stored: false` and a `stored` {session_id} event follows once they are ' +
    '(before that, the ids are not yet readable, stoppable or re-attachable; when the rows cannot be written, no `stored` comes: the view ends with `error` code `not_started` and nothing of the turn is kept), ' +
    '`delta` {seq, text} and `reasoning` {seq, text} (SSE id = seq, one counter for both), ' +
    '`usage` {prompt_tokens, completion_tokens, total_tokens, ttft_ms, latency_ms}, ' +
    '`done` {assistant_message_id, status, finish_reason, code} or `error` {code, message}; a `: keepalive` comment every 15 s. ' +
    '409 `turn_running` (with `running_message_id`) while another answer runs in the session; a regenerate or edit with `stop_message_id` gets ' +
    '409 `answer_started_elsewhere` (with `running_message_id`) instead when the running answer is not the one it names; 409 `already_sent` for a `client_id` sent before. ' +
    "In a group chat the owner and `member`s post (a viewer gets 403 `read_only`); the owner's key answers when they share it, otherwise the sender's own. " +
    "The owner's shared key answers priced models only: a member naming a model with no price gets 422 `unpriced_model` (with `provider` and `model`) before any provider call. " +
    "A member's turn in a chat of the owner's project gets the project's system prompt and files, as the owner's does; members attach files from their own folder. " +
    'Images go to every model except those the catalog knows cannot read them (`vision: false` in GET /providers: 422 `model_cannot_see_images`); a model outside the catalog gets them, and its provider\'s refusal, if any, comes back as the answer\'s error. ' +
    'Before any provider call, an image over 3.75 MB (5 MB as base64, Anthropic\'s limit) is 413 `image_too_large`, and a message\'s images over 15 MB together 413 `images_too_large`; both name the file in `attachment` and give `limit_bytes`. ' +
    'An image a regenerated or edited question already carries from before these limits is left out instead (a note in its place for the model, and in `meta.notes`). ' +
    'A new text file with nothing but whitespace in it is 422 `empty_attachment`, naming it in `attachment`, before anything is stored.',
  request: { body: jsonBody(ChatRequest) },
  responses: {
    200: { description: 'The answer as an event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(400, 401, 402, 403, 404, 409, 413, 415, 422, 429),
  },
});
