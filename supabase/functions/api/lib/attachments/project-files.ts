/**
 * Project files in a chat's context. A file's text is cut into ~400-token chunks when it is
 * added; at chat time the project's files go in whole when they fit the budget, otherwise
 * the chunks Postgres full-text search ranks highest for the question (ts_rank over
 * websearch_to_tsquery), in file order, until the budget is used. The result says which
 * files and chunks went in, so the answer can show its sources.
 */
import type { TransactionSql } from 'postgres';
import { tokenizer } from './budget.ts';

export const CHUNK_TOKENS = 400;

export interface Chunk {
  index: number;
  content: string;
  tokens: number;
}

/** Splits text into chunks of at most CHUNK_TOKENS tokens, preferring paragraph breaks. */
export async function chunkText(text: string): Promise<Chunk[]> {
  const { encode, decode } = await tokenizer();
  const chunks: Chunk[] = [];
  let current: number[] = [];
  const flush = () => {
    if (current.length === 0) return;
    const content = decode(current);
    if (content.trim()) chunks.push({ index: chunks.length, content, tokens: current.length });
    current = [];
  };
  for (const paragraph of text.split(/(?<=\n\n)/)) {
    const tokens = encode(paragraph);
    if (current.length + tokens.length > CHUNK_TOKENS) flush();
    for (let i = 0; i < tokens.length; i += CHUNK_TOKENS) {
      const piece = tokens.slice(i, i + CHUNK_TOKENS);
      if (current.length + piece.length > CHUNK_TOKENS) flush();
      current.push(...piece);
    }
  }
  flush();
  return chunks;
}

export interface UsedFile {
  file_id: string;
  name: string;
  /** Chunk indexes included; null when the whole file went in. */
  chunks: number[] | null;
}

export interface ProjectFilesContext {
  /** System text with the files (empty when the project has none or none fit). */
  text: string;
  tokens: number;
  used: UsedFile[];
}

const EMPTY: ProjectFilesContext = { text: '', tokens: 0, used: [] };

/** Reads as the caller (RLS): the project's files whole, or the best chunks for `question`. */
export async function projectFilesContext(sql: TransactionSql, projectId: string, question: string, budget: number): Promise<ProjectFilesContext> {
  if (budget <= 0) return EMPTY;
  const files = await sql<{ id: string; name: string; type: string; token_count: number }[]>`
    select id, name, type, token_count from public.file_metadata where project_id = ${projectId} order by created_at, id`;
  if (files.length === 0) return EMPTY;
  const total = files.reduce((sum, f) => sum + f.token_count, 0);
  if (total <= budget) {
    const rows = await sql<{ id: string; extracted_text: string }[]>`
      select id, extracted_text from public.file_metadata where project_id = ${projectId}`;
    const texts = new Map(rows.map((r) => [r.id, r.extracted_text]));
    return {
      text: files.map((f) => block(f.name, f.type, texts.get(f.id) ?? '')).join('\n\n'),
      tokens: total,
      used: files.map((f) => ({ file_id: f.id, name: f.name, chunks: null })),
    };
  }
  // Over budget: rank chunks against the question; ties (and no match) keep document order.
  const ranked: RankedChunk[] = await sql<RankedChunk[]>`
    select c.file_id, c.chunk_index, c.content, c.token_count,
           ts_rank(c.fts, websearch_to_tsquery('simple', ${question})) as rank
      from public.file_chunks c join public.file_metadata f on f.id = c.file_id
     where f.project_id = ${projectId}
     order by rank desc, f.created_at, c.chunk_index
     limit 500`;
  const picked: RankedChunk[] = [];
  let used = 0;
  for (const chunk of ranked) {
    if (used + chunk.token_count > budget) continue;
    picked.push(chunk);
    used += chunk.token_count;
  }
  const byFile = new Map<string, RankedChunk[]>();
  for (const chunk of picked) byFile.set(chunk.file_id, [...(byFile.get(chunk.file_id) ?? []), chunk]);
  const usedFiles: UsedFile[] = [];
  const blocks: string[] = [];
  for (const file of files) {
    const chunks = (byFile.get(file.id) ?? []).sort((a, b) => a.chunk_index - b.chunk_index);
    if (chunks.length === 0) continue;
    usedFiles.push({ file_id: file.id, name: file.name, chunks: chunks.map((c) => c.chunk_index) });
    blocks.push(block(file.name, file.type, chunks.map((c) => `[chunk ${c.chunk_index + 1}]\n${c.content}`).join('\n…\n'), 'excerpts'));
  }
  return { text: blocks.join('\n\n'), tokens: used, used: usedFiles };
}

interface RankedChunk {
  file_id: string;
  chunk_index: number;
  content: string;
  token_count: number;
  rank: number;
}

function block(name: string, type: string, text: string, kind?: string): string {
  const extra = kind ? ` content="${kind}"` : '';
  return `<project_file name="${name.replace(/"/g, "'")}" type="${type}"${extra}>\n${text}\n</project_file>`;
}
