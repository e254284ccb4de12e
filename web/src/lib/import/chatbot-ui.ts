/**
 * chatbot-ui's export (the "Export data" file of its original, browser-storage version): chats
 * under `history`, with `folders` and `prompts` beside them. Its versions: 1 a bare array of
 * `{id, name, messages}`; 2 `{history, folders}` without a version; 3 and 4 `{version, history,
 * folders}`, 4 with `prompts`. A chat is `{id, name, messages: [{role, content}], model: {id,
 * name}, prompt, temperature, folderId}` and has no times.
 * Kept: user and assistant messages, the title, and the chat's model on its answers. Left out
 * and counted, since an imported chat here has no place for them: the chat's own system prompt
 * and temperature (unless they are chatbot-ui's defaults, which every chat carried), and the
 * chat folders (the chats come in unfiled).
 * The prompts are the prompt import's (prompts.ts); the count says they are there.
 */
import { z } from 'zod';
import { skip, type Conversation, type ImportMessage, type Parsed, type Skipped } from './conversations';

/** The system prompt chatbot-ui gave every chat that had none of its own. */
export const CHATBOT_UI_DEFAULT_PROMPT =
  "You are ChatGPT, a large language model trained by OpenAI. Follow the user's instructions carefully. Respond using markdown.";

/** The temperature chatbot-ui gave every chat (its DEFAULT_TEMPERATURE). */
const CHATBOT_UI_DEFAULT_TEMPERATURE = 1;

const Message = z.object({ role: z.string(), content: z.string().nullish() }).loose();
const Model = z.union([z.string(), z.object({ id: z.string() }).loose()]);
const Chat = z
  .object({
    id: z.union([z.string().min(1), z.number()]),
    name: z.string().nullish(),
    messages: z.array(z.unknown()),
    model: Model.nullish(),
    prompt: z.string().nullish(),
    temperature: z.number().nullish(),
    folderId: z.union([z.string(), z.number()]).nullish(),
  })
  .loose();

const Folder = z.object({ type: z.string().optional() }).loose();

/** A version 2–4 file: `history` beside `folders` (2), or with a version of 3 or 4. */
const Versioned = z
  .object({ version: z.number().optional(), history: z.array(z.unknown()).nullable(), folders: z.array(z.unknown()).nullish(), prompts: z.array(z.unknown()).optional() })
  .loose()
  .refine((d) => (d.version === undefined ? 'folders' in d : d.version >= 2 && d.version <= 4));

const hasMessages = (c: unknown) => typeof c === 'object' && c !== null && 'messages' in c && Array.isArray(c.messages) && !('mapping' in c);

/** Whether parsed JSON is a chatbot-ui export with chats: version 2–4, or version 1's bare array of chats. */
export function isChatbotUiExport(data: unknown): boolean {
  if (Array.isArray(data)) return data.some(hasMessages);
  return Versioned.safeParse(data).success;
}

export function parseChatbotUi(data: unknown): Parsed {
  const versioned = Versioned.safeParse(data);
  const history = Array.isArray(data) ? data : (versioned.data?.history ?? []);
  const skipped: Skipped = {};
  const conversations: Conversation[] = [];
  for (const raw of history) {
    const chat = Chat.safeParse(raw);
    if (!chat.success) {
      skip(skipped, 'unreadable');
      continue;
    }
    const conversation = toConversation(chat.data, skipped);
    if (conversation.messages.length) conversations.push(conversation);
    else skip(skipped, 'no_messages');
  }
  // Version 2's folders are all chat folders; later ones say which they are.
  const folders = (versioned.data?.folders ?? []).filter((f) => Folder.safeParse(f).data?.type !== 'prompt').length;
  skip(skipped, 'folder', folders);
  return { format: 'chatbot-ui', conversations, skipped, prompts: versioned.data?.prompts?.length ?? 0 };
}

function toConversation(chat: z.infer<typeof Chat>, skipped: Skipped): Conversation {
  const model = typeof chat.model === 'string' ? chat.model : (chat.model?.id ?? null);
  const messages: ImportMessage[] = [];
  for (const raw of chat.messages) {
    const message = Message.safeParse(raw);
    const role = message.data?.role;
    const content = message.data?.content?.trim() ? message.data.content : '';
    if (role === 'system') skip(skipped, 'system');
    else if (role !== 'user' && role !== 'assistant') skip(skipped, message.success ? 'tool' : 'empty');
    else if (!content) skip(skipped, 'empty');
    else messages.push({ sender: role, content, created_at: null, model: role === 'assistant' && model ? model.slice(0, 200) : null, source_id: null });
  }
  if (messages.length) {
    if (chat.prompt?.trim() && chat.prompt.trim() !== CHATBOT_UI_DEFAULT_PROMPT) skip(skipped, 'chat_system_prompt');
    if (typeof chat.temperature === 'number' && chat.temperature !== CHATBOT_UI_DEFAULT_TEMPERATURE) skip(skipped, 'temperature');
  }
  return { source: 'chatbot-ui', source_id: String(chat.id).slice(0, 200), title: chat.name ?? null, created_at: null, messages };
}
