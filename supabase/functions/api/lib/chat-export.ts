/**
 * One conversation as a file to keep or share elsewhere (GET /api/sessions/{id}/export):
 * its active branch as Markdown — the form people paste into notes, issues and docs — or as
 * JSON with every field a program needs. Pure formatting: routes/session-export.ts reads.
 */

/** A file a message carried, as the exporting person may read it (message_attachments' RLS). */
export interface ExportedAttachment {
  name: string;
  /** The type it is stored with: image/png, application/pdf, text/plain… */
  type: string;
  /** In bytes. */
  size: number;
  /** What its text counted for in the prompt (0 for an image or a file never read). */
  tokens: number;
  /** Whether its text was cut to fit the prompt. */
  truncated: boolean;
}

export interface ExportedMessage {
  id: string;
  parent_id: string | null;
  sender: 'user' | 'assistant' | 'system';
  author_id: string | null;
  /** The author's display name (group chats); null when the account was deleted. */
  author_name: string | null;
  content: string;
  reasoning: string;
  status: 'complete' | 'streaming' | 'stopped' | 'error';
  error: string | null;
  error_code: string | null;
  provider: string | null;
  model: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  latency_ms: number | null;
  created_at: string;
  /** The files attached to it, oldest first; [] for none. */
  attachments: ExportedAttachment[];
}

export interface ExportedChat {
  session: { id: string; title: string; created_at: string };
  messages: ExportedMessage[];
  exportedAt: string;
  /** Whose export it is: their own messages read "You". */
  viewerId: string;
}

/** "2026-12-03 00:15 UTC" */
const when = (iso: string) => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function heading(message: ExportedMessage, viewerId: string): string {
  if (message.sender === 'assistant') return message.model ? `Assistant (${message.model})` : 'Assistant';
  if (message.sender === 'system') return 'System';
  if (message.author_id === viewerId) return 'You';
  return message.author_name ?? 'A deleted account';
}

/** Why an answer is not whole, as a line under it; null for a complete one. */
function ending(message: ExportedMessage): string | null {
  if (message.status === 'streaming') return 'Still being written when this was exported.';
  if (message.error_code === 'wall_clock_limit') return 'Cut off by the time limit.';
  if (message.status === 'stopped') return 'Stopped before the end.';
  if (message.status === 'error') return `Failed: ${message.error ?? 'the answer failed'}.`;
  return null;
}

const TYPE_LABELS: Record<string, string> = {
  'application/pdf': 'PDF', 'text/plain': 'text', 'text/markdown': 'Markdown', 'text/csv': 'CSV', 'application/json': 'JSON',
  'image/png': 'PNG image', 'image/jpeg': 'JPEG image', 'image/gif': 'GIF image', 'image/webp': 'WebP image',
};

/** "590 B", "1.2 KB", "3.4 MB" (1 KB = 1,024 bytes, as the chat's file chips count). */
function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / 1024 / 1024, 'MB'];
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${unit}`;
}

/**
 * A file's name as Markdown text: every ASCII punctuation character backslash-escaped
 * (CommonMark's backslash escapes, https://spec.commonmark.org/0.31.2/#backslash-escapes: any of
 * them may be escaped, and then stands for itself), so a name such as
 * `*x*_[a](b)` or `<img>` reads as written; line breaks and other control characters, and the
 * bidirectional overrides that can make `exe.txt` read as `txt.exe`, become spaces.
 */
export function markdownText(text: string): string {
  return text
    .replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu, ' ')
    .replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/** "_Attached: doc.pdf (PDF, 590 B), notes.txt (text, 1.2 KB)_" */
function attachedLine(files: ExportedAttachment[]): string {
  const list = files.map((f) => `${markdownText(f.name)} (${TYPE_LABELS[f.type] ?? markdownText(f.type)}, ${size(f.size)}${f.truncated ? ', cut to fit' : ''})`);
  return `_Attached: ${list.join(', ')}_`;
}

const quoted = (text: string) => text.split('\n').map((line) => (line ? `> ${line}` : '>')).join('\n');

/** The conversation as Markdown: a heading per message, the model's thinking quoted above its answer. */
export function chatMarkdown({ session, messages, exportedAt, viewerId }: ExportedChat): string {
  const parts = [
    `# ${session.title.replace(/\s+/g, ' ').trim() || 'Untitled chat'}`,
    `_Exported from Mr.Prompt on ${when(exportedAt)} · ${messages.length} ${messages.length === 1 ? 'message' : 'messages'}_`,
  ];
  for (const message of messages) {
    const block = [`## ${heading(message, viewerId)} · ${when(message.created_at)}`];
    if (message.reasoning) block.push(quoted(`**Thoughts**\n\n${message.reasoning}`));
    if (message.content) block.push(message.content.trimEnd());
    if (message.attachments.length) block.push(attachedLine(message.attachments));
    const end = ending(message);
    if (end) block.push(`_${end}_`);
    parts.push(block.join('\n\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

/** The conversation as JSON (format `mrprompt-chat/1`). */
export function chatJson({ session, messages, exportedAt }: ExportedChat): string {
  return `${JSON.stringify({ format: 'mrprompt-chat/1', exported_at: exportedAt, session, messages }, null, 2)}\n`;
}

/**
 * A download's Content-Disposition: the title as the file's name (RFC 6266: an ASCII
 * `filename` for old clients, the UTF-8 one in `filename*`).
 */
export function exportDisposition(title: string, extension: 'md' | 'json'): string {
  const base = title.normalize('NFC').replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) || 'chat';
  // Accents dropped (Ü → U), then anything else outside ASCII.
  const ascii = base.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^\x20-\x7e]+/g, '').replace(/\s+/g, ' ').trim().replaceAll(' ', '-') || 'chat';
  const encoded = encodeURIComponent(`${base}.${extension}`).replace(/['()!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}.${extension}"; filename*=UTF-8''${encoded}`;
}
