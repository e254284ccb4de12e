/**
 * One conversation as a file to keep or share elsewhere (GET /api/sessions/{id}/export):
 * its active branch as Markdown — the form people paste into notes, issues and docs — or as
 * JSON with every field a program needs. Pure formatting: routes/session-export.ts reads.
 */

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
