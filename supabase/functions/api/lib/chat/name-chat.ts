/**
 * Naming a chat with its model: what POST /api/sessions/{id}/title does when asked, and what a
 * new chat's first turn does on the server when its request said `name_chat` (so a chat is
 * named even when the tab that asked is gone before the answer ends).
 *
 * The model of the chat's first complete answer is asked, with the owner's key and within
 * their budget and a rate-limit bucket of its own, for a title of a few words from the first
 * question and answer (lib/chat-title.ts). The title is written only over the one the chat was
 * given automatically (the first message's first line, or "New chat"): a chat renamed before or
 * while the model answers keeps its name (409 `title_set`). The call is logged with its tokens
 * and cost against the chat like any other.
 *
 *   const { title } = await nameChat({ config, db, deps, user, log }, sessionId);   // throws ApiError
 */
import type OpenAI from 'openai';
import { assertWithinBudget } from '../budget.ts';
import { titleFromReply, titleRequest } from '../chat-title.ts';
import type { AppEnv } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { logGatewayCall } from '../gateway-log.ts';
import { assertKeyCheckLeft, chargeKeyRefusal, isKeyRefusal, keyChecksLeft } from '../key-checks.ts';
import { openProviderClient } from '../provider-client.ts';
import { titleFromMessage } from './context.ts';
import { describeProviderError } from './provider-errors.ts';

/** A title is a few words: a provider that takes longer than this is not worth waiting for. */
const TITLE_TIMEOUT_MS = 20_000;

type Vars = AppEnv['Variables'];
export type NamingContext = Pick<Vars, 'config' | 'db' | 'deps' | 'user' | 'log'>;

export interface NamedChat {
  title: string;
  provider: string;
  model: string;
}

export async function nameChat(ctx: NamingContext, sessionId: string): Promise<NamedChat> {
  const { config, db, deps, user, log } = ctx;
  // The session, its first question and its first complete answer (the rows of a chat are its owner's).
  const [chat] = await db.withUserTransaction(user, (sql) => sql<{
    owner: boolean;
    title: string;
    question: string | null;
    answer: string | null;
    provider: string | null;
    model: string | null;
  }[]>`
    select s.user_id = (select auth.uid()) as owner, s.title,
           (select q.content from public.messages q
             where q.session_id = s.id and q.sender = 'user' order by q.created_at, q.id limit 1) as question,
           a.content as answer, a.provider, a.model
      from public.chat_sessions s
      left join lateral (
        select content, provider, model from public.messages
         where session_id = s.id and sender = 'assistant' and status = 'complete' and provider is not null and model is not null
         order by created_at, id limit 1) a on true
     where s.id = ${sessionId}`, { readOnly: true });
  if (!chat) throw notFound('Session');
  if (!chat.owner) throw new ApiError(403, 'forbidden', "Only the chat's owner can have it named");
  if (chat.question === null || chat.answer === null || !chat.provider || !chat.model) {
    throw new ApiError(409, 'no_answer', 'The chat has no complete answer to name it from yet');
  }
  const automatic = [titleFromMessage(chat.question), 'New chat'];
  if (!automatic.includes(chat.title)) throw titleSet();

  // A call to a provider on the user's key: bounded per user, and within their budget.
  const limit = await db.consumeRateLimit(user.id, 'title', 10, 0.1);
  if (!limit.allowed) {
    throw new ApiError(429, 'rate_limited', `Too many chats named; try again in ${limit.retryAfterSeconds} s`, { 'retry-after': String(limit.retryAfterSeconds) });
  }
  const [, keyChecks] = await Promise.all([assertWithinBudget(db, user), keyChecksLeft(db, user.id)]);
  const provider = chat.provider;
  const model = chat.model;
  const opened = await openProviderClient({ config, db, deps, user, log, providerId: provider, missing: 'missing_credential' });
  // A refused key tells the caller so: a provider-key check (lib/key-checks.ts), none made while they are used up.
  if (opened.hasStoredCredential) assertKeyCheckLeft(keyChecks);

  const started = performance.now();
  // Labelled `title`: Usage and the CSV say "Chat title" (the answer's own cost is its row).
  const logCall = (status: 'success' | 'error', usage: OpenAI.CompletionUsage | undefined, errorCode: string | null) =>
    logGatewayCall(db.sql, config, {
      userId: user.id, purpose: 'title', sessionId, provider, model, status, promptId: null, promptVersion: null, ttftMs: null,
      latencyMs: Math.round(performance.now() - started), promptTokens: usage?.prompt_tokens ?? 0, cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? null,
      completionTokens: usage?.completion_tokens ?? 0, reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? null,
      errorCode, apiKeyId: user.apiKey?.id ?? null,
    });
  const timeoutMs = Math.min(config.limits.providerTimeoutMs, TITLE_TIMEOUT_MS);
  let completion: OpenAI.Chat.ChatCompletion;
  try {
    completion = await opened.client.chat.completions.create({ model, messages: titleRequest(chat.question, chat.answer), stream: false }, { timeout: timeoutMs });
  } catch (error) {
    const failure = describeProviderError(error, { providerName: opened.provider.name, userBaseUrl: opened.provider.base_url_mode === 'fixed' ? null : opened.baseUrl, model, apiKey: opened.endpoint.apiKey, timeoutMs });
    await logCall('error', undefined, failure.code);
    if (opened.hasStoredCredential && isKeyRefusal(failure.code)) await chargeKeyRefusal(db, user.id, log);
    log.warn('naming a chat failed', { provider, code: failure.code });
    throw new ApiError(502, failure.code, failure.message);
  }
  const usage = completion.usage;
  await logCall('success', usage, null);
  const reply = completion.choices?.[0]?.message?.content;
  const title = typeof reply === 'string' ? titleFromReply(reply) : null;
  if (!title) throw new ApiError(502, 'title_unusable', `${opened.provider.name} replied without a title; the chat keeps its name`);

  if (title === chat.title) return { title, provider, model };
  // Only over the automatic title: a rename while the model answered wins.
  const [named] = await db.withUserTransaction(user, (sql) => sql<{ title: string }[]>`
    update public.chat_sessions set title = ${title}
     where id = ${sessionId} and title = ${chat.title}
    returning title`);
  if (!named) throw titleSet();
  return { title: named.title, provider, model };
}

function titleSet(): ApiError {
  return new ApiError(409, 'title_set', 'The chat already has a title of its own');
}
