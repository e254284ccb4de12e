/**
 * chatbot-ui's export (the "Export data" file of its original, browser-storage version): chats
 * under `history`, with `folders` and `prompts` beside them. Its versions: 1 a bare array of
 * `{id, name, messages}`; 2 `{history, folders}` without a version; 3 and 4 `{version, history,
 * folders}`, 4 with `prompts`. A chat is `{id, name, messages: [{role, content}], model: {id,
 * name}, prompt, temperature, folderId}` and has no times; a folder `{id, name, type}`, its type
 * `chat` or `prompt` (version 2's are all chat folders).
 * Its newer, Supabase-based version (2024) has no export of its own chats; its one download,
 * "Download Chatbot UI 1.0 data as JSON" (chatbot-ui-data.json), is the browser storage the
 * original version left: every key with its value as a JSON string, `conversationHistory`,
 * `folders` and `prompts` among them (and the OpenAI key it kept, which is never read here).
 * Kept: user and assistant messages, the title, the chat's model on its answers, its temperature
 * (as the chat's answer setting, unless it is chatbot-ui's default, which every chat carried),
 * and its folder (the chat goes into a project named after it). Left out and counted: the chat's
 * own system prompt (unless it is chatbot-ui's default), since a chat here has none of its own.
 * The prompts are the prompt import's (prompts.ts); the count says they are there.
 */
import { z } from 'zod';
import { skip, UnknownFormat, type Conversation, type ImportMessage, type Parsed, type Skipped } from './conversations';
import { shortTitle } from './fit';

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

const Folder = z.object({ id: z.union([z.string().min(1), z.number()]), name: z.string(), type: z.string().optional() }).loose();

/** What a project's name holds (projects.name). */
const PROJECT_NAME_CHARS = 100;
/** What a folder id may be (private.project_imports.source_id). */
const FOLDER_ID_CHARS = 200;

/** chatbot-ui's folders of one type, by id (a Map: an id such as `__proto__` is only a key); a folder the file does not describe readably is counted. */
export function foldersOf(raw: unknown[] | null | undefined, type: 'chat' | 'prompt', skipped?: Skipped): Map<string, string> {
  const folders = new Map<string, string>();
  for (const item of raw ?? []) {
    const folder = Folder.safeParse(item);
    // Version 2's folders have no type: they are all chat folders.
    if (folder.success && (folder.data.type ?? 'chat') !== type) continue;
    const id = folder.success ? String(folder.data.id) : '';
    const name = folder.data?.name.replace(/\s+/g, ' ').trim();
    if (id && id.length <= FOLDER_ID_CHARS && name) folders.set(id, shortTitle(name, PROJECT_NAME_CHARS));
    else if (skipped && (!folder.success || type === 'chat')) skip(skipped, 'folder');
  }
  return folders;
}

/** The keys of the browser storage chatbot-ui's original version kept, whose values are JSON text. */
const STORED = ['conversationHistory', 'folders', 'prompts'] as const;

/**
 * chatbot-ui's newer version's chatbot-ui-data.json (the original's browser storage, each value
 * JSON text) as the export it would have made: `{version: 4, history, folders, prompts}`; any
 * other data as it is. Only those three keys are read: the rest (the OpenAI key among them) stay
 * in the file. A value that is not JSON text of a list is an error naming the key.
 */
export function fromBrowserStorage(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !Object.hasOwn(data, 'conversationHistory')) return data;
  const stored = data as Record<string, unknown>;
  if (typeof stored.conversationHistory !== 'string') return data;
  const [history, folders, prompts] = STORED.map((key) => {
    const value = Object.hasOwn(stored, key) ? stored[key] : null;
    if (value === null || value === undefined || value === '') return [];
    let parsed: unknown;
    try {
      parsed = typeof value === 'string' ? JSON.parse(value) : value;
    } catch {
      throw new UnknownFormat(`This chatbot-ui-data.json's ${key} is not readable JSON: download it from chatbot-ui again.`);
    }
    if (parsed === null) return [];
    if (!Array.isArray(parsed)) throw new UnknownFormat(`This chatbot-ui-data.json's ${key} is not a list: download it from chatbot-ui again.`);
    return parsed as unknown[];
  });
  return { version: 4, history, folders, prompts };
}

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
  const folders = foldersOf(versioned.data?.folders, 'chat', skipped);
  for (const raw of history) {
    const chat = Chat.safeParse(raw);
    if (!chat.success) {
      skip(skipped, 'unreadable');
      continue;
    }
    const conversation = toConversation(chat.data, folders, skipped);
    if (conversation.messages.length) conversations.push(conversation);
    else skip(skipped, 'no_messages');
  }
  return { format: 'chatbot-ui', conversations, skipped, prompts: versioned.data?.prompts?.length ?? 0 };
}

function toConversation(chat: z.infer<typeof Chat>, folders: Map<string, string>, skipped: Skipped): Conversation {
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
  const temperature = chat.temperature ?? CHATBOT_UI_DEFAULT_TEMPERATURE;
  // chatbot-ui's slider went from 0 to 1; a value past what a chat here takes is left to the model's default.
  const ownTemperature = temperature !== CHATBOT_UI_DEFAULT_TEMPERATURE && temperature >= 0 && temperature <= 2 ? temperature : null;
  if (messages.length) {
    if (chat.prompt?.trim() && chat.prompt.trim() !== CHATBOT_UI_DEFAULT_PROMPT) skip(skipped, 'chat_system_prompt');
    if (temperature !== CHATBOT_UI_DEFAULT_TEMPERATURE && ownTemperature === null) skip(skipped, 'temperature');
  }
  const folderId = chat.folderId == null ? null : String(chat.folderId);
  const folderName = folderId === null ? undefined : folders.get(folderId);
  return {
    source: 'chatbot-ui',
    source_id: String(chat.id).slice(0, 200),
    title: chat.name ?? null,
    created_at: null,
    messages,
    ...(ownTemperature !== null ? { temperature: ownTemperature } : {}),
    ...(folderId !== null && folderName !== undefined ? { folder: { source_id: folderId, name: folderName } } : {}),
  };
}
