/**
 * This app's own account export (`mrprompt-export/1`, GET /api/me/export): sessions with
 * their messages; or one chat's JSON download (`mrprompt-chat/1`), read as a single session.
 * Kept: user and assistant messages with text (an answer that stopped or failed keeps what it
 * had written). Left out and counted: system messages, empty ones.
 * Each session is identified by its id, so importing into the same account finds it there.
 */
import { z } from 'zod';
import { isoTime, skip, type Conversation, type ImportMessage, type Parsed, type Skipped } from './conversations';

const ExportMessage = z.object({ id: z.string().optional(), sender: z.string(), content: z.string().nullish(), model: z.string().nullish(), created_at: z.string().nullish() }).loose();
const ExportSession = z.object({ id: z.string(), title: z.string().nullish(), created_at: z.string().nullish(), messages: z.array(z.unknown()).default([]) }).loose();

/** One chat as its Download › JSON gives it (`mrprompt-chat/1`, GET /api/sessions/{id}/export). */
const ExportedChat = z.object({ format: z.string().startsWith('mrprompt-chat/'), session: z.object({}).loose(), messages: z.array(z.unknown()) }).loose();

const AccountExport = z.object({ sessions: z.array(z.unknown()), prompts: z.array(z.unknown()).optional() }).loose();

/** The account export, or one chat downloaded as JSON. */
export function isMrPromptExport(data: unknown): data is { sessions: unknown[] } | z.infer<typeof ExportedChat> {
  if (ExportedChat.safeParse(data).success) return true;
  return typeof data === 'object' && data !== null && 'format' in data && typeof data.format === 'string' && data.format.startsWith('mrprompt-export/') && 'sessions' in data && Array.isArray(data.sessions);
}

export function parseMrPrompt(data: { sessions: unknown[] } | z.infer<typeof ExportedChat>): Parsed {
  const skipped: Skipped = {};
  const conversations: Conversation[] = [];
  // A single chat's file is a session with its messages beside it, not inside it.
  const chat = ExportedChat.safeParse(data);
  const sessions = chat.success ? [{ ...chat.data.session, messages: chat.data.messages }] : (AccountExport.safeParse(data).data?.sessions ?? []);
  for (const raw of sessions) {
    const session = ExportSession.safeParse(raw);
    if (!session.success) {
      skip(skipped, 'unreadable');
      continue;
    }
    const messages: ImportMessage[] = [];
    for (const rawMessage of session.data.messages) {
      const message = ExportMessage.safeParse(rawMessage);
      if (!message.success) skip(skipped, 'empty');
      else if (message.data.sender === 'system') skip(skipped, 'system');
      else if (message.data.sender !== 'user' && message.data.sender !== 'assistant') skip(skipped, 'tool');
      else if (!message.data.content?.trim()) skip(skipped, 'empty');
      else {
        messages.push({
          sender: message.data.sender,
          content: message.data.content,
          created_at: isoTime(message.data.created_at),
          model: message.data.sender === 'assistant' ? (message.data.model ?? null) : null,
          source_id: message.data.id ?? null,
        });
      }
    }
    if (messages.length) conversations.push({ source: 'mrprompt', source_id: session.data.id, title: session.data.title ?? null, created_at: isoTime(session.data.created_at), messages });
    else skip(skipped, 'no_messages');
  }
  return { format: 'mrprompt', conversations, skipped, prompts: chat.success ? 0 : (AccountExport.safeParse(data).data?.prompts?.length ?? 0) };
}
