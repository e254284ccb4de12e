/**
 * POST /api/chat: starts a chat turn on the server and answers with an SSE *view* of it.
 * Order of work: validate; the gate — rate limit, budget, key, custom instructions in one
 * statement (lib/chat/turn-gate.ts) — while the turn's inputs are read (lib/chat/turn-inputs.ts;
 * a plain new chat needs no read); decrypt the key and start the provider call at once; once
 * the provider has answered that request (at most PROVIDER_ANSWER_WAIT_MS later), one
 * statement writes the rows (lib/chat/turn-rows.ts) — a new chat's view does not wait for
 * them, an existing session's does (its lock answers 409 turn_running, and the call already
 * made is aborted and logged); then the turn runs to its end whether or not anyone watches
 * (lib/chat/turn.ts). Stop and re-attach live in routes/chat-turns.ts.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { PROJECT_FILES_SHARE, attachmentParts, attachmentPath, attachmentRef, attachmentsOf, filesMeta, prepareAttachments, recordAnswerSources, recordAttachments } from '../lib/attachments/chat-attachments.ts';
import { sweepOrphanUploads } from '../lib/attachments/cleanup.ts';
import type { QuestionVector } from '../lib/attachments/project-files.ts';
import { withRankingByMeaning } from '../lib/attachments/semantic-ranking.ts';
import { activeQuestion } from '../lib/chat/branch.ts';
import { promptEstimate, reservedForAnswer, roughPromptTokens, type ChatTurn } from '../lib/chat/context.ts';
import { Turn, type TurnEnd } from '../lib/chat/turn.ts';
import { nameChat, type NamingContext } from '../lib/chat/name-chat.ts';
import { PROVIDER_ANSWER_WAIT_MS, answeredOrAfter } from '../lib/chat/provider-answer.ts';
import { stopAndWait } from '../lib/chat/turn-control.ts';
import { chatPromptSetting } from '../lib/chat/chat-prompt.ts';
import { CONTINUE_MESSAGE, isPlainNewChat, newChatInputs, readTurnInputs, type TurnRequest } from '../lib/chat/turn-inputs.ts';
import { passTurnGate } from '../lib/chat/turn-gate.ts';
import { answerStartedElsewhere, refusedWhileRunning, writeTurnRows } from '../lib/chat/turn-rows.ts';
import { refuseSentAgain } from '../lib/chat/sent-questions.ts';
import { payerOf, resolveTurnSeat } from '../lib/chat/turn-seat.ts';
import { unpricedForPayer } from '../lib/budget.ts';
import { findPrice } from '../lib/prices.ts';
import { chargeKeyRefusal, isKeyRefusal } from '../lib/key-checks.ts';
import type { Db } from '../lib/db.ts';
import { readOwnerProject } from '../lib/chat/owner-project.ts';
import { sessionTopic } from '../lib/realtime-broadcast.ts';
import { SSE_HEADERS, turnView } from '../lib/chat/turn-view.ts';
import type { AppEnv } from '../lib/context.ts';
import { ApiError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import { defaultHook } from '../lib/openapi.ts';
import { openProviderClient, requireProvider, type StoredCiphertext } from '../lib/provider-client.ts';
import { contextWindow, supportsVision } from '../lib/providers.ts';
import { countTokensLazily } from '../lib/tokens.ts';
import { chatRoute } from './chat-route.ts';
import { messageTooLongText } from '../lib/too-long.ts';
import { uuidv7 } from '../lib/uuid7.ts';

export const chatRoutes = new OpenAPIHono<AppEnv>({ defaultHook }).openapi(chatRoute, async (c) => {
  const body = c.req.valid('json');
  // Continue without words of its own asks in the app's words (lib/chat/turn-inputs.ts checks there is an answer to go on from).
  const message = body.continue && !body.message?.trim() ? CONTINUE_MESSAGE : body.message;
  const { config, db, user, deps, log, turns } = c.var;
  const { limits } = config;
  if (body.message && body.message.length > limits.maxMessageChars) {
    const details = { length: body.message.length, limit: limits.maxMessageChars };
    throw new ApiError(413, 'message_too_long', messageTooLongText(body.message.length, limits.maxMessageChars), undefined, details).about('message');
  }
  if (body.max_tokens !== undefined && body.max_tokens > limits.maxTokensCap) {
    throw new ApiError(422, 'max_tokens_too_large', `max_tokens may be at most ${limits.maxTokensCap}`);
  }
  const provider = requireProvider(config, body.provider);
  if (!provider.any_model && !provider.models.some((m) => m.id === body.model)) {
    throw new ApiError(422, 'unknown_model', `${provider.name} has no model "${body.model}"; choose one of ${provider.models.map((m) => m.id).join(', ')}`);
  }

  // Who owns the chat's rows, and whose key answers (lib/chat/turn-seat.ts); 403 for a viewer.
  // A member attaches files from their own folder, as the owner does (recorded on their question).
  const seat = await resolveTurnSeat(db, user, body.session_id);
  // A question sent again with its client id (a queued send whose answer was lost) is not asked
  // twice: looked up beside the gate, not before it (no round trip added to a turn's start), and
  // awaited with it, before any provider call or file read.
  const sentAgain = refuseSentAgain(db.sql, user.id, body.client_id);
  sentAgain.catch(() => {}); // awaited with the gate
  // Someone else's money answers only a call whose cost can be known: an unpriced model's calls
  // are logged with cost null and never reach the payer's budget (lib/budget.ts unpricedForPayer).
  const price = findPrice(config.prices, provider.id, body.model);
  if (seat.payerId !== user.id && !price) throw unpricedForPayer(provider, body.model);
  // The gate (lib/chat/turn-gate.ts), before any provider call: the sender's rate limit, the
  // payer's monthly budget (402 budget_exceeded past 100 %), the payer's key and the sender's
  // custom instructions, in one statement. The turn's inputs are read meanwhile (reads only);
  // their outcome is looked at once the gate has passed, so a refused request still gets its
  // 429/402 first.
  const gate = passTurnGate(db, { caller: user, payerId: seat.payerId, providerId: provider.id, capacity: limits.chatRateCapacity, refillPerSecond: limits.chatRateRefillPerSecond, keyChecks: seat.payerId === user.id });
  gate.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
  // The sender's orphaned uploads (refused sends, files taken back, abandoned drafts, project files
  // never added) go, at most once per CHAT_UPLOAD_SWEEP_INTERVAL_SECONDS, in the background; this
  // request's files stay. Only once the gate has passed: a refused token changes nothing.
  deps.waitUntil?.(gate.then(() => sweepOrphanUploads(db, { config, fetch: deps.fetch }, log, user.id, (body.attachments ?? []).map(attachmentPath)), () => null));

  const window = contextWindow(provider, body.model);
  const reserved = reservedForAnswer(window, body.max_tokens);
  // Attachments are read from Storage as the caller before anything is written: a file that
  // is missing, not theirs, unsupported or an image for a text-only model fails the request.
  const withUser = <T>(fn: Parameters<typeof db.withUserTransaction<T>>[1]) => db.withUserTransaction(user, fn);
  const attached = body.attachments?.map(attachmentRef) ?? (body.regenerate && body.session_id
    ? await withUser(async (sql) => {
        const question = await activeQuestion(sql, body.session_id!);
        return question ? await attachmentsOf(sql, question.id) : [];
      })
    : body.edit_message_id ? await withUser((sql) => attachmentsOf(sql, body.edit_message_id!)) : []);
  // Files are read from Storage only for a request that passed the checks.
  if (attached.length > 0) await Promise.all([gate, sentAgain]);
  // An edit naming its files keeps some of the edited question's: those were taken before.
  const alreadyStored = body.attachments && body.edit_message_id && attached.length > 0
    ? new Set((await withUser((sql) => attachmentsOf(sql, body.edit_message_id!))).map((f) => f.path))
    : undefined;
  // Files named in the request must be the caller's own (an edit that names its files — those
  // it keeps of the edited question and new uploads — carries exactly those; `[]` none); a
  // regenerated or edited question's stored files may be another participant's in a group chat
  // (Storage's policies decide).
  const files = await prepareAttachments({ config, fetch: deps.fetch }, withUser, {
    stored: !body.attachments,
    alreadyStored,
    user,
    userToken: user.apiKey ? null : (/^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? ''),
    files: attached,
    model: body.model,
    vision: supportsVision(provider, body.model),
    room: window - reserved,
    maxCount: config.storage.maxAttachmentsPerMessage,
    quotaBytes: config.storage.quotaBytes,
    orphanGraceSeconds: config.storage.orphanGraceSeconds,
  });
  const request: TurnRequest = {
    sessionId: body.session_id,
    projectId: body.project_id,
    message,
    continueAnswer: body.continue ?? false,
    provider: provider.id,
    model: body.model,
    promptId: body.prompt_id,
    promptLabel: body.prompt_label,
    promptVersion: body.prompt_version,
    variables: body.variables ?? {},
    promptInMessage: body.prompt_in_message ?? false,
    temperature: body.temperature,
    regenerate: body.regenerate ?? false,
    editMessageId: body.edit_message_id,
    contextWindow: window,
    reservedForAnswer: reserved,
    attachmentText: files.text,
    projectFilesBudget: Math.floor(Math.max(0, window - reserved) * PROJECT_FILES_SHARE),
  };
  // A member's turn in the owner's project gets the project's prompt and files, read as the
  // owner on the function's connection (lib/chat/owner-project.ts); the member's own read
  // cannot see the project, and the Data API still does not show it to them.
  const readOwner = (questionVector?: QuestionVector) => db.readAsUser({ id: seat.ownerId, email: null, claims: {} }, (sql) => readOwnerProject(sql, {
    sessionId: body.session_id!,
    ownerId: seat.ownerId,
    question: body.regenerate ? undefined : message,
    filesBudget: request.projectFilesBudget ?? 0,
    withPrompt: !body.prompt_id || body.prompt_in_message === true,
    withChatPrompt: body.prompt_id !== null,
    questionVector,
  }));
  const ownerProject = seat.role === 'member' && body.session_id ? readOwner() : null;
  ownerProject?.catch(() => {}); // awaited by readInputs
  const readInputs = async (questionVector?: QuestionVector) => {
    const owner = ownerProject ? await (questionVector ? readOwner(questionVector) : ownerProject) : undefined;
    return await db.readAsUser(user, (sql) => readTurnInputs(sql, user, { ...request, ...(owner ? { ownerProject: owner } : {}), questionVector }));
  };
  // The payer's key (the owner's when they share it with members: decrypted here, never sent anywhere but the provider).
  const openKey = (stored: StoredCiphertext | null) => openProviderClient({ config, db, deps, user: payerOf(user, seat), log, providerId: provider.id, stored, sdk: false }).catch((error: unknown) => {
    if (seat.payerId !== user.id && error instanceof ApiError && error.code === 'missing_credential') {
      // `payer: 'owner'`: the key is the owner's to add; the web app links no key row of the member's.
      throw new ApiError(422, 'missing_credential', `The chat's owner shares their key, but has no ${provider.name} key; choose another provider or ask them to add one`, undefined, { payer: 'owner' });
    }
    throw error;
  });
  // A plain new chat reads nothing more than the gate did; other turns read while the gate runs.
  const reads = Promise.all([
    gate.then((g) => openKey(g.stored)),
    isPlainNewChat(request) ? gate.then((g) => newChatInputs(request, g.customInstructions)) : readInputs(),
  ]);
  reads.catch(() => {}); // awaited right after the gate
  await gate;
  await sentAgain;
  const [opened, first] = await reads;
  let inputs = first;
  // In a group chat people edit only their own words; members regenerate only answers to theirs.
  const m = inputs.userMessage;
  if ((m.mode === 'edit' || (m.mode === 'regenerate' && seat.role === 'member')) && m.authorId !== user.id) {
    throw new ApiError(403, 'not_your_message', 'In a group chat you can edit only your own messages and regenerate only answers to them');
  }
  // A regenerate or edit that says which running answer it replaces (null: none) stops only that
  // one: two devices pressing Regenerate a moment apart must not have the second stop the first's
  // answer (an unasked-for "Stopped" version and two calls paid for); it gets 409
  // answer_started_elsewhere and follows that answer.
  const namedRunning = body.stop_message_id !== undefined;
  if (inputs.runningMessageId) {
    // One running turn per session (whoever started it): a dead one is settled; regenerate and edit stop a live one.
    const settled = await turns.store.settleAbandoned(seat.ownerId, { messageId: inputs.runningMessageId });
    if (settled.length === 0 && !(request.regenerate || request.editMessageId)) throw await refusedWhileRunning(db.sql, user.id, body.client_id, inputs.runningMessageId);
    if (settled.length === 0 && namedRunning && body.stop_message_id !== inputs.runningMessageId) throw answerStartedElsewhere(inputs.runningMessageId);
    if (settled.length === 0) {
      // Like the Stop button: in a group chat the running answer may be someone else's, and it
      // then says who ended it ("Stopped by Ann"), so the stopper is written before the stop settles it.
      await turns.store.recordStopper(seat.ownerId, inputs.runningMessageId, user.id);
      await stopAndWait(turns, seat.ownerId, inputs.runningMessageId);
    }
    inputs = await readInputs();
    if (inputs.runningMessageId && namedRunning) throw answerStartedElsewhere(inputs.runningMessageId);
    if (inputs.runningMessageId) throw await refusedWhileRunning(db.sql, user.id, body.client_id, inputs.runningMessageId);
  }
  // Project files over the budget where the database has pgvector: ranked by meaning too, with the
  // question embedded by the payer's provider outside any read (lib/attachments/semantic-ranking.ts).
  inputs = await withRankingByMeaning(inputs, readInputs, { config, db, deps, log, user: payerOf(user, seat), pricedOnly: seat.payerId !== user.id }, seat.ownerId);

  const ids = {
    // Time-ordered ids: the rows land on the indexes' rightmost pages (lib/uuid7.ts).
    sessionId: inputs.sessionId ?? uuidv7(),
    userMessageId: inputs.userMessage.mode === 'regenerate' ? inputs.userMessage.id : uuidv7(),
    assistantMessageId: uuidv7(),
  };
  // Who pays for the call, for which prompt: the turn's usage log at its end, and recorded with
  // its rows for the log the database writes should this process die first. The API key that
  // sent it is the log's Source only when its owner pays (a member's key is not the owner's to see).
  const apiKeyId = user.apiKey && seat.payerId === user.id ? user.apiKey.id : null;
  const usageLog = { provider: provider.id, model: body.model, promptId: inputs.prompt?.id ?? null, promptVersion: inputs.prompt?.version ?? null, touchCredential: opened.hasStoredCredential, payerId: seat.payerId, apiKeyId, askedBy: user.id };
  const imageTokens = files.attachments.filter((a) => a.kind === 'image').reduce((sum, a) => sum + a.tokens, 0);
  const turnLog = log.child({ session_id: ids.sessionId, message_id: ids.assistantMessageId, provider: provider.id, model: body.model });
  const turn = new Turn({
    messageId: ids.assistantMessageId,
    sessionId: ids.sessionId,
    userId: seat.ownerId,
    endpoint: opened.endpoint,
    providerName: provider.name,
    userBaseUrl: provider.base_url_mode === 'fixed' ? null : opened.baseUrl,
    model: body.model,
    temperature: body.temperature,
    maxTokens: body.max_tokens,
    estimatePromptTokens: promptEstimate(inputs.context, imageTokens, countTokensLazily),
    usageLog,
    store: turns.store,
    broadcaster: turns.broadcaster,
    topic: sessionTopic(ids.sessionId, seat.channelEpoch),
    log: turnLog,
    providerTimeoutMs: limits.providerTimeoutMs,
    checkpointMs: limits.checkpointMs,
    maxDurationMs: limits.turnMaxMs,
    finalSaveMs: limits.finalSaveMs,
    // The provider refused the caller's own stored key: a key check (lib/key-checks.ts), counted before the view hears it.
    ...(seat.payerId === user.id && opened.hasStoredCredential ? { beforeEnd: chargeOnKeyRefusal(db, user.id, turnLog) } : {}),
  });
  // The provider call starts now; the rows' statement and this response follow once the
  // provider has answered the request (lib/chat/turn.ts `answered`), or PROVIDER_ANSWER_WAIT_MS
  // later for one that takes longer (lib/chat/provider-answer.ts says why).
  const heard = answeredOrAfter(turn.answered, PROVIDER_ANSWER_WAIT_MS);
  const persisted = heard.then(() => writeTurnRows(db.sql, { ownerId: seat.ownerId, authorId: user.id }, inputs, ids, {
    provider: provider.id,
    model: body.model,
    // The chat's settings as of this turn, for the web app to restore (null: the model's default;
    // each turn states its own, so a turn without them resets them). Its prompt is kept until a
    // turn names another or none (lib/chat/chat-prompt.ts).
    metadata: {
      provider: provider.id,
      model: body.model,
      temperature: body.temperature ?? null,
      max_tokens: body.max_tokens ?? null,
      ...chatPromptSetting(body),
    },
    leaseMs: limits.turnLeaseMs,
    clientId: body.client_id,
    namedRunning,
    usage: { ...usageLog, promptTokens: roughPromptTokens(inputs.context, imageTokens), price },
  }));
  // The files of the question (a new question's, or those an edit carries) and the project's
  // files the answer is given with are recorded once the rows exist, and before the answer can
  // end: a view that reads them when the answer ends (the web app's, on every device, another
  // member's too) finds them. A turn without them writes nothing. A question's files not
  // recorded fail this request (below); sources not recorded are logged, not the turn's end.
  const used = inputs.projectFiles.used;
  const questionFiles = attached.length > 0 && inputs.userMessage.mode !== 'regenerate'
    ? persisted.then(() => recordAttachments(db.sql, user, ids.userMessageId, files))
    : null;
  questionFiles?.catch(() => {}); // awaited below
  const rowsAndSources = used.length === 0 && !questionFiles ? persisted : persisted.then(() => Promise.all([
    used.length === 0 ? null : recordAnswerSources(db.sql, seat.ownerId, ids.assistantMessageId, used).catch(warnSourcesNotWritten(turnLog)),
    questionFiles?.catch(() => null),
  ])).then(() => {});
  turn.start(rowsAndSources, withImages(inputs.context.messages, files));
  // The turn outlives this response, also one that fails below (a lost race: its call is
  // still logged): the runtime keeps it alive until it is saved.
  deps.waitUntil?.(turn.ended);
  await heard;
  // A new chat has no other turn to race with (its session is created by these rows), so its
  // view starts at once and says `stored` when the rows are committed; in an existing session
  // the rows' lock decides first, and a lost race still answers 409 turn_running.
  const streamsEarly = inputs.sessionId === null && attached.length === 0;
  if (streamsEarly) {
    persisted.catch(warnRowsNotWritten(turnLog));
  } else {
    await persisted;
  }
  turns.registry.add(turn);
  // A new chat asked to be named is named by its model once its first answer is complete, on
  // the server, so closing the tab meanwhile does not leave it with its first line as its name.
  if (body.name_chat && inputs.sessionId === null) {
    const naming = nameOnceComplete(turn.ended, { config, db, deps, user, log: turnLog }, ids.sessionId);
    deps.waitUntil?.(naming);
  }
  // A new question's files are recorded (an edit's new question the edited one's, or those it named).
  await questionFiles;

  const meta = {
    session_id: ids.sessionId,
    user_message_id: ids.userMessageId,
    assistant_message_id: ids.assistantMessageId,
    dropped_turns: inputs.context.droppedTurns,
    provider: provider.id,
    model: body.model,
    ...filesMeta(files, inputs.projectFiles.used),
    ...(streamsEarly ? { stored: false } : {}),
  };
  const stream = turnView({
    messageId: ids.assistantMessageId,
    meta,
    ...(streamsEarly ? { rowsStored: persisted } : {}),
    afterSeq: 0,
    turn,
    keepaliveMs: limits.keepaliveMs,
    log: turnLog,
  });
  return c.body(stream, 200, SSE_HEADERS);
});

/**
 * Made outside the handler: a closure made inside it would keep the handler's whole scope (the
 * request body, its files, the turn's inputs) alive for as long as the rows are pending.
 */
function warnSourcesNotWritten(log: Logger) {
  return (error: unknown) => log.warn('answer sources not written', { message: error instanceof Error ? error.message : String(error) });
}

async function nameOnceComplete(ended: Promise<TurnEnd>, ctx: NamingContext, sessionId: string): Promise<void> {
  if ((await ended).status !== 'complete') return;
  try {
    await nameChat(ctx, sessionId);
  } catch (error) {
    // A rename meanwhile (409) or a refused call (429, 402, 502) leaves the title as it was; a
    // provider's failure is logged where it happened (lib/chat/name-chat.ts).
    ctx.log.info('chat not named', { code: error instanceof ApiError ? error.code : 'failed' });
  }
}

function chargeOnKeyRefusal(db: Db, userId: string, log: Logger) {
  return async (end: TurnEnd) => {
    if (isKeyRefusal(end.code)) await chargeKeyRefusal(db, userId, log);
  };
}

function warnRowsNotWritten(log: Logger) {
  return (error: unknown) => log.warn('chat turn rows not written', { message: error instanceof Error ? error.message : String(error) });
}

/** The outgoing user message (the last one) carries its images as content parts. */
function withImages(messages: ChatTurn[], files: Parameters<typeof attachmentParts>[1]): ChatTurn[] {
  const last = messages.at(-1);
  const parts = last && last.role === 'user' ? attachmentParts(last.content, files) : null;
  return parts ? [...messages.slice(0, -1), { ...last!, parts }] : messages;
}
