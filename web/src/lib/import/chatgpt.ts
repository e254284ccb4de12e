/**
 * ChatGPT's export (`conversations.json`): an array of conversations, each a tree of nodes
 * (`mapping`: id → {message, parent, children}) whose visible thread is the path from the
 * root to `current_node`; other children are earlier edits and regenerations. Kept: user
 * and assistant text on that path (a voice conversation's transcriptions, documents and code
 * written in canvas, too). Left out and counted: system messages, tool calls and results
 * (canvas edits among them), hidden messages, non-text parts (images, files, audio, code
 * runs), other branches.
 */
import { z } from 'zod';
import { isoTime, skip, type Conversation, type ImportMessage, type Parsed, type Skipped } from './conversations';

const Node = z.object({
  id: z.string().optional(),
  parent: z.string().nullish(),
  children: z.array(z.string()).optional(),
  message: z
    .object({
      id: z.string().optional(),
      author: z.object({ role: z.string() }).loose(),
      create_time: z.number().nullish(),
      content: z.object({ content_type: z.string(), parts: z.array(z.unknown()).optional() }).loose().nullish(),
      recipient: z.string().nullish(),
      metadata: z.record(z.string(), z.unknown()).nullish(),
    })
    .loose()
    .nullish(),
});

const ChatGptConversation = z
  .object({
    id: z.string().optional(),
    conversation_id: z.string().optional(),
    title: z.string().nullish(),
    create_time: z.number().nullish(),
    current_node: z.string().nullish(),
    mapping: z.record(z.string(), Node),
  })
  .loose();

/**
 * Whether parsed JSON looks like a ChatGPT export: an array with conversations in it. Not
 * every entry has to be one — a damaged entry is counted as unreadable by parseChatGpt, not a
 * reason to turn away the rest of the file.
 */
export function isChatGptExport(data: unknown): data is unknown[] {
  return Array.isArray(data) && data.some((c) => typeof c === 'object' && c !== null && 'mapping' in c);
}

export function parseChatGpt(data: unknown[]): Parsed {
  const skipped: Skipped = {};
  const conversations: Conversation[] = [];
  for (const raw of data) {
    const parsed = ChatGptConversation.safeParse(raw);
    const id = parsed.success ? (parsed.data.conversation_id ?? parsed.data.id) : undefined;
    if (!parsed.success || !id) {
      skip(skipped, 'unreadable');
      continue;
    }
    const conversation = toConversation(id, parsed.data, skipped);
    if (conversation.messages.length) conversations.push(conversation);
    else skip(skipped, 'no_messages');
  }
  return { format: 'chatgpt', conversations, skipped };
}

function toConversation(id: string, c: z.infer<typeof ChatGptConversation>, skipped: Skipped): Conversation {
  const path = threadPath(c);
  const onPath = new Set(path);
  // Messages of other branches (edits, regenerations) are not part of the visible thread.
  const others = Object.entries(c.mapping).filter(([key, node]) => !onPath.has(key) && isConversational(node.message?.author.role)).length;
  skip(skipped, 'other_branch', others);
  const messages: ImportMessage[] = [];
  for (const key of path) {
    const message = c.mapping[key]?.message;
    if (!message) continue;
    const role = message.author.role;
    if (role === 'system') {
      // The empty root system message is scaffolding, not something the user wrote or saw.
      if (textOf(message.content?.parts) !== '') skip(skipped, 'system');
      continue;
    }
    // A canvas document is written as a call to the canvas tool, but it is what the user asked for.
    const canvas = role === 'assistant' && message.recipient === CANVAS_CREATE ? canvasText(message.content) : null;
    if (canvas) {
      messages.push({ sender: 'assistant', content: canvas, created_at: isoTime(message.create_time), model: modelOf(message.metadata), source_id: message.id?.slice(0, 200) ?? null });
      continue;
    }
    if (role === 'tool' || (role === 'assistant' && message.recipient && message.recipient !== 'all')) {
      skip(skipped, 'tool');
      continue;
    }
    if (role !== 'user' && role !== 'assistant') {
      skip(skipped, 'tool');
      continue;
    }
    if (message.metadata?.is_visually_hidden_from_conversation === true) {
      skip(skipped, 'hidden');
      continue;
    }
    const type = message.content?.content_type;
    if (type !== 'text' && type !== 'multimodal_text') {
      skip(skipped, 'non_text');
      continue;
    }
    const parts = message.content?.parts ?? [];
    skip(skipped, 'non_text', parts.filter((p) => partText(p) === null).length);
    const content = textOf(parts);
    if (!content) {
      skip(skipped, 'empty');
      continue;
    }
    messages.push({ sender: role, content, created_at: isoTime(message.create_time), model: role === 'assistant' ? modelOf(message.metadata) : null, source_id: message.id?.slice(0, 200) ?? null });
  }
  return { source: 'chatgpt', source_id: id.slice(0, 200), title: c.title ?? null, created_at: isoTime(c.create_time), messages };
}

function modelOf(metadata: Record<string, unknown> | null | undefined): string | null {
  return typeof metadata?.model_slug === 'string' ? metadata.model_slug.slice(0, 200) : null;
}

const CANVAS_CREATE = 'canmore.create_textdoc';
const CanvasCall = z.object({ text: z.string().optional(), parts: z.array(z.unknown()).optional() }).loose();
const CanvasDocument = z.object({ name: z.string().optional(), type: z.string().optional(), content: z.string() }).loose();

/**
 * A canvas document as Markdown — its name, then its text (code in a fence of its language) —
 * from the canvas tool's arguments: `{"name", "type": "document" | "code/<language>", "content"}`
 * as JSON in the message's text. Null when they do not parse.
 */
function canvasText(content: unknown): string | null {
  const call = CanvasCall.safeParse(content);
  const json = call.success ? (call.data.text ?? call.data.parts?.find((p) => typeof p === 'string')) : undefined;
  if (typeof json !== 'string') return null;
  let doc: z.infer<typeof CanvasDocument>;
  try {
    const parsed = CanvasDocument.safeParse(JSON.parse(json));
    if (!parsed.success || !parsed.data.content.trim()) return null;
    doc = parsed.data;
  } catch {
    return null;
  }
  const title = `**${doc.name?.trim() || 'Canvas'}** (canvas)`;
  const language = doc.type?.startsWith('code/') ? doc.type.slice(5).replace(/[^\w+#.-]/g, '') : null;
  if (language === null) return `${title}\n\n${doc.content}`;
  // A fence longer than any run of backticks in the code, so the code cannot close it.
  const fence = '`'.repeat(Math.max(3, ...[...doc.content.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${title}\n\n${fence}${language}\n${doc.content}\n${fence}`;
}

/** Node ids from the root to current_node (the thread the user last saw). */
function threadPath(c: z.infer<typeof ChatGptConversation>): string[] {
  let key = c.current_node ?? newestLeaf(c);
  const path: string[] = [];
  const seen = new Set<string>();
  while (key && c.mapping[key] && !seen.has(key)) {
    seen.add(key);
    path.push(key);
    key = c.mapping[key].parent ?? undefined;
  }
  return path.reverse();
}

/** Without current_node: follow the last child from the root. */
function newestLeaf(c: z.infer<typeof ChatGptConversation>): string | undefined {
  let key = Object.keys(c.mapping).find((k) => !c.mapping[k].parent);
  const seen = new Set<string>();
  while (key && !seen.has(key)) {
    seen.add(key);
    const children = c.mapping[key]?.children ?? [];
    if (!children.length) return key;
    key = children[children.length - 1];
  }
  return key;
}

function isConversational(role: string | undefined): boolean {
  return role === 'user' || role === 'assistant';
}

function textOf(parts: unknown[] | undefined): string {
  return (parts ?? []).map(partText).filter((p): p is string => p !== null).join('\n').trim();
}

const Transcription = z.object({ content_type: z.literal('audio_transcription'), text: z.string() });

/**
 * A part's text, or null for one without (an image, a file, audio). Voice conversations have
 * no string parts: what was said is an `audio_transcription` part beside the audio's pointer.
 */
function partText(part: unknown): string | null {
  if (typeof part === 'string') return part;
  const transcription = Transcription.safeParse(part);
  return transcription.success ? transcription.data.text : null;
}
