/**
 * Earlier messages' files in a chat's history: a user message that carried files is sent
 * again with their stored text (images by name only), so a follow-up question about a PDF
 * attached three turns ago still has the PDF in front of the model while the history fits.
 */
import type { TransactionSql } from 'postgres';
import { fileBlock } from './file-block.ts';

export async function withEarlierAttachments<T extends { id: string; sender: string; content: string }>(sql: TransactionSql, rows: T[]): Promise<T[]> {
  const ids = rows.filter((r) => r.sender === 'user').map((r) => r.id);
  if (ids.length === 0) return rows;
  const files = await sql<{ message_id: string; name: string; type: string; extracted_text: string; truncated: boolean }[]>`
    select message_id, name, type, extracted_text, truncated from public.message_attachments
     where message_id = any(${ids}) order by created_at, name`;
  if (files.length === 0) return rows;
  const byMessage = new Map<string, string[]>();
  for (const f of files) {
    const block = f.type.startsWith('image/')
      ? fileBlock('attachment', { name: f.name, type: f.type, note: 'image shown in that turn, not again' })
      : fileBlock('attachment', { name: f.name, type: f.type, note: f.truncated ? 'truncated' : undefined }, f.extracted_text);
    byMessage.set(f.message_id, [...(byMessage.get(f.message_id) ?? []), block]);
  }
  return rows.map((r) => (byMessage.has(r.id) ? { ...r, content: `${r.content}\n\n${byMessage.get(r.id)!.join('\n\n')}` } : r));
}
