/**
 * /api/import: brings chats from elsewhere into the caller's account — ChatGPT's and chatbot-ui's
 * exports and this app's own account export, already reduced by the client to
 * conversations of user and assistant text (the web app parses the file in the browser and
 * reports what it left out). Bodies stay under the API's size limit, so a client sends a big
 * file as many requests (a progress bar's natural steps), a very long conversation in parts
 * (`offset`, `total`), and a message too long for one request in pieces (`content_offset`,
 * `content_total`). What is written and how: lib/import/write-import.ts.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { rethrowDatabaseError } from '../lib/db-errors.ts';
import { endsMessage, writeImport } from '../lib/import/write-import.ts';
import { importPrompts, MAX_TEST_CASES_PER_IMPORT, MAX_VERSIONS_PER_IMPORT, testCasesIn, versionsIn } from '../lib/import/prompt-import.ts';
import { codePoints, modelName, text, textChars, trimmed } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security } from '../lib/openapi.ts';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../lib/errors.ts';

/**
 * How far past the server's clock an imported time may be: a client's clock running a little
 * ahead, not a date in the future. The database holds every writer to the same rule
 * (private.refuse_future_chat_times, 20261207110000_refuse_future_chat_times.sql).
 */
export const IMPORT_CLOCK_SKEW_MS = 5 * 60_000;

/** The earliest time an import may give, as for prompt versions (lib/import/prompt-import.ts). */
const EARLIEST = Date.parse('2000-01-01T00:00:00Z');

// From 2000 until now, as prompt versions are. A chat dated in 2099 would sit above every new
// chat for good (the sidebar orders by last_message_at, which a message only ever moves
// forward); the year 0000, which the format allows and Postgres has not, would be a 500.
// Checked when the request is, not when the module loads.
const time = z.iso
  .datetime({ offset: true })
  .refine((value) => Date.parse(value) >= EARLIEST, { error: 'must not be before 2000' })
  .refine((value) => Date.parse(value) <= Date.now() + IMPORT_CLOCK_SKEW_MS, {
    error: () => `must not be in the future (the server's time is ${new Date().toISOString()}; 5 minutes of clock skew are allowed)`,
  })
  .nullish()
  .openapi({ format: 'date-time', description: 'ISO 8601, from 2000 until now (5 minutes of clock skew allowed)' });

/** What a message of a chat holds (messages.content: char_length <= 200 000). */
const MESSAGE_CHARS = 200_000;

const ImportMessage = z
  .strictObject({
    sender: z.enum(['user', 'assistant']),
    content: textChars(MESSAGE_CHARS).min(1).openapi({ description: 'The text, or this piece of it (see content_offset)' }),
    content_offset: z.number().int().min(0).max(MESSAGE_CHARS).default(0).openapi({
      description:
        'A message too long for one request goes in pieces, in order, each in its own request: the characters (Unicode code points) of the message before this piece. A piece that continues a message must be the first message of its part; one that leaves it unfinished, the last',
    }),
    content_total: z.number().int().min(1).max(MESSAGE_CHARS).nullish().openapi({
      description: "The whole message's length in characters (code points), when this is a piece of it; absent: the message ends with this piece",
    }),
    created_at: time,
    model: modelName.nullish().openapi({ description: 'The model that wrote it, as the source names it (no control characters)' }),
    source_id: text(200).nullish().openapi({ description: "The message's id in the source (kept as provider_message_id)" }),
  })
  .refine((m) => m.content_offset + codePoints(m.content) <= (m.content_total ?? MESSAGE_CHARS), {
    message: `content_offset + the piece's characters must not exceed content_total (at most ${MESSAGE_CHARS})`,
  })
  .openapi('ImportMessage');


const ImportFolder = z
  .strictObject({
    source_id: text(200).min(1).openapi({ description: "The folder's id in the source: the chats of one folder, in any request, go to one project" }),
    name: trimmed(1, 100).openapi({ description: 'The name of the project made for it (a project made before keeps its own)' }),
  })
  .openapi('ImportFolder');

const ImportConversation = z
  .strictObject({
    source: z.enum(['chatgpt', 'mrprompt', 'chatbot-ui']),
    source_id: text(200).min(1).openapi({ description: "The conversation's id in the source: importing it again adds nothing" }),
    title: text(1000).nullish(),
    created_at: time,
    offset: z.number().int().min(0).default(0).openapi({ description: "Index of this part's first message in the conversation" }),
    total: z.number().int().min(1).max(1_000_000).openapi({ description: 'Messages in the whole conversation' }),
    messages: z.array(ImportMessage).min(1).max(10_000),
    temperature: z.number().min(0).max(2).nullish().openapi({
      description: "The chat's own temperature at its source, kept as the chat's answer setting (metadata.temperature), as a turn's is; absent: the model's default",
    }),
    folder: ImportFolder.nullish().openapi({
      description: "The source's folder the chat was in: the chat goes into a project named after it, made with its first new chat. " +
        "A folder the account has no room for (its projects are counted) is not made: its chats come in without a project, and `folders_not_made` says so",
    }),
  })
  .refine((c) => c.offset + c.messages.length <= c.total, { message: 'offset + messages must not exceed total' })
  .refine((c) => c.messages.every((m, i) => (m.content_offset === 0 || i === 0) && (endsMessage(m) || i === c.messages.length - 1)), {
    message: "a piece that continues a message must be its part's first message, one that leaves it unfinished its last",
  })
  .openapi('ImportConversation');

const ImportRequest = z.strictObject({ conversations: z.array(ImportConversation).min(1).max(500) }).openapi('ImportRequest');

const ImportResult = z
  .object({
    source_id: z.string(),
    status: z.enum(['imported', 'partial', 'duplicate']).openapi({
      description: 'imported: complete now; partial: more parts expected; duplicate: imported before, nothing added',
    }),
    session_id: z.uuid(),
    messages: z.number().int().openapi({ description: 'Messages this request added (one sent in pieces counts with its first)' }),
  })
  .openapi('ImportResult');

const FolderNotMade = z
  .object({
    source_id: z.string(),
    name: z.string(),
    reason: z.enum(['project_limit']).openapi({ description: 'project_limit: the account holds as many projects as it may (1,000)' }),
  })
  .openapi('ImportFolderNotMade');

const route = createRoute({
  method: 'post',
  path: '/',
  tags: ['import'],
  security,
  summary: 'Import conversations (ChatGPT, chatbot-ui, or this app’s export) as new chats',
  description: 'A request is written whole or not at all. One that would pass a row quota (chats or messages per account, messages ' +
    'per chat; a conversation counts with its `total`, so a long one is refused at its first part) writes nothing: 409 `limit_reached`. ' +
    'Projects are the exception: a folder that would pass the account\'s projects is not made, its chats come in without a project, ' +
    'and `folders_not_made` lists it. ' +
    'Times are from 2000 until now (5 minutes of clock skew allowed; else 400 naming the field): leave out a time you cannot trust, and ' +
    'the message is dated a millisecond after the one before it (the first, at the part\'s earliest time). Titles over 200 characters are ' +
    'shortened at a word, with an ellipsis.',
  request: { body: jsonBody(ImportRequest) },
  responses: {
    200: jsonResponse(
      z.object({
        results: z.array(ImportResult),
        folders_not_made: z.array(FolderNotMade).openapi({ description: 'Folders of this request not made into projects (their chats came in without one), once each' }),
      }).openapi('ImportResponse'),
      'One result per conversation, in order',
    ),
    ...errorResponses(400, 401, 409, 413, 429),
  },
});

/**
 * Imports have their own bucket (private.consume_rate_limit, per user): a big file is hundreds
 * of batches, which would drain the shared `heavy` bucket and leave search and export refused
 * meanwhile. By default 120 batches at once (≈ 24 MB of text), then 2 a second
 * (IMPORT_RATE_CAPACITY, IMPORT_RATE_REFILL_PER_SECOND); the web app waits out a 429. Every
 * request takes a token; a prompt import one more per VERSIONS_PER_IMPORT_TOKEN versions past
 * the first hundred (takeImportTokens), so its cost follows the writes it asks for.
 */
async function takeImportTokens(c: Context<AppEnv>, cost: number) {
  const { importRateCapacity, importRateRefillPerSecond } = c.var.config.limits;
  const limit = await c.var.db.consumeRateLimit(c.var.user.id, 'import', importRateCapacity, importRateRefillPerSecond, Math.min(cost, importRateCapacity));
  if (!limit.allowed) {
    throw new ApiError(429, 'rate_limited', `Too many import requests; try again in ${limit.retryAfterSeconds} s`, {
      'retry-after': String(limit.retryAfterSeconds),
    });
  }
}

const importRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  await takeImportTokens(c, 1);
  await next();
});

/** A prompt import takes one token of the import bucket per this many versions (at least one). */
export const VERSIONS_PER_IMPORT_TOKEN = 100;

/**
 * How long a prompt import may write: the items not written by then are reported as skipped,
 * to be sent again (1,000 versions take about a second). Each statement of it may take
 * IMPORT_STATEMENT_TIMEOUT at most (a prompt whose statement is cancelled is skipped).
 */
const IMPORT_DEADLINE_MS = 20_000;
const IMPORT_STATEMENT_TIMEOUT = '5s';

/** How many prompts one request may carry; a bigger file goes as several requests. */
export const PROMPTS_PER_IMPORT = 100;

const PromptImportRequest = z
  .strictObject({
    // Each item is read by importPrompts (ImportPromptItem), so that one bad item is reported, not a 400 for all.
    prompts: z.array(z.unknown()).min(1).max(PROMPTS_PER_IMPORT).openapi({
      description: 'Prompts as this app’s account export has them (`prompts[]`: title, name, description, tags, versions with their dates, labels, test cases; other ' +
        'fields ignored), or just `{title, content}`. Each is checked on its own: one that is not a prompt is skipped with the reason',
    }),
  })
  .openapi('PromptImportRequest');

const PromptImportResult = z
  .object({
    index: z.number().int().openapi({ description: "The item's place in `prompts`" }),
    status: z.enum(['imported', 'skipped']),
    prompt_id: z.uuid().optional().openapi({ description: 'The prompt made; for an item skipped as already in your library, the prompt it is' }),
    name: z.string().optional(),
    title: z.string().nullable(),
    versions: z.number().int().optional().openapi({ description: 'Versions the imported prompt has' }),
    renamed_from: z.string().nullable().optional().openapi({ description: 'The name it had, when you already had a prompt by that name' }),
    reason: z.string().optional().openapi({ description: 'Why it was skipped' }),
  })
  .openapi('PromptImportResult');

const promptsRoute = createRoute({
  method: 'post',
  path: '/prompts',
  tags: ['import'],
  security,
  summary: 'Import prompts (this app’s export, or title and template from elsewhere) as new private prompts',
  description: 'Bad items are skipped and reported, never the whole request. Imported prompts are private, with their versions replayed ' +
    'from 1 in order, each dated by its `created_at` (an ISO 8601 time from 2000 until now, not before an earlier version\'s; ' +
    'without one, the date of the nearest dated version before it, or after it for the first ones, or the time of import when none has one; ' +
    'another value skips the prompt with the reason), and their labels pointing at the same texts. Up to 100 prompts, ' +
    `${MAX_VERSIONS_PER_IMPORT.toLocaleString('en')} versions in all (a prompt without \`versions\` is one; more: 400 \`too_many_versions\`), ` +
    `${MAX_TEST_CASES_PER_IMPORT.toLocaleString('en')} test cases in all (\`test_cases\`: name, variables, message; more: 400 \`too_many_test_cases\`; ` +
    'of two with one name the later is kept) and 8 MiB a request. ' +
    `A request takes a token of the caller's \`import\` bucket per ${VERSIONS_PER_IMPORT_TOKEN} versions (at least one). ` +
    `Prompts not written within ${IMPORT_DEADLINE_MS / 1000} s are skipped with a reason saying to send them again. ` +
    'The versions count against the account\'s quota of versions for the request as a whole, as it commits: a request that would pass it ' +
    'writes nothing, 409 `limit_reached`. An item past the account\'s prompts or test cases, or a prompt\'s labels, is skipped with the reason.',
  request: { body: jsonBody(PromptImportRequest) },
  responses: {
    200: jsonResponse(z.object({ results: z.array(PromptImportResult) }).openapi('PromptImportResponse'), 'One result per item, in order'),
    ...errorResponses(400, 401, 409, 413, 429),
  },
});

export const importRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
importRoutes.use('*', requireUser, importRateLimit);

importRoutes.openapi(promptsRoute, async (c) => {
  const { prompts } = c.req.valid('json');
  const versions = versionsIn(prompts);
  if (versions > MAX_VERSIONS_PER_IMPORT) {
    throw new ApiError(400, 'too_many_versions', `This request holds ${versions.toLocaleString('en')} versions; send at most ` +
      `${MAX_VERSIONS_PER_IMPORT.toLocaleString('en')} a request (a prompt without versions counts as one)`, undefined, {
      versions, max_versions: MAX_VERSIONS_PER_IMPORT,
    }).about('prompts');
  }
  const testCases = testCasesIn(prompts);
  if (testCases > MAX_TEST_CASES_PER_IMPORT) {
    throw new ApiError(400, 'too_many_test_cases', `This request holds ${testCases.toLocaleString('en')} test cases; send at most ` +
      `${MAX_TEST_CASES_PER_IMPORT.toLocaleString('en')} a request`, undefined, { test_cases: testCases, max_test_cases: MAX_TEST_CASES_PER_IMPORT }).about('prompts');
  }
  // The middleware took one token; the rest of what these versions cost.
  const cost = Math.ceil(versions / VERSIONS_PER_IMPORT_TOKEN);
  if (cost > 1) await takeImportTokens(c, cost - 1);
  const deadline = Date.now() + IMPORT_DEADLINE_MS;
  // Its rows are counted against the caller's quotas as it commits, as a chat import's are, so
  // their chat turns go on meanwhile; a request past a quota then fails whole, 409 limit_reached
  // (app.ts onError, lib/db-errors.ts rowQuotaReached).
  const results = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    await sql`select set_config('statement_timeout', ${IMPORT_STATEMENT_TIMEOUT}, true)`;
    return await importPrompts(sql, c.var.user.id, prompts, deadline);
  }, { deferRowCounts: true });
  return c.json({ results }, 200);
});

importRoutes.openapi(route, async (c) => {
  const { conversations } = c.req.valid('json');
  const outcome = await writeImport(c.var.db.sql, c.var.user.id, conversations).catch(rethrowDatabaseError);
  return c.json(outcome, 200);
});
