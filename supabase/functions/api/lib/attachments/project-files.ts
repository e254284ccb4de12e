/**
 * Project files in a chat's context. A file's text is cut into ~400-token chunks when it is
 * added; at chat time the project's files go in whole when they fit the budget, otherwise
 * the chunks ranked highest for the question, in file order, until the budget is used.
 * Ranking is Postgres full-text search (ts_rank over websearch_to_tsquery). Where the database
 * has pgvector, a read without the question's vector says so (`vectorHint`: the caller embeds
 * the question outside the transaction, semantic-ranking.ts, and reads again); with it, the
 * chunks nearest the question by cosine distance are ranked too and the two rankings are fused
 * (reciprocal rank fusion). The result says which files and chunks went in, so the answer can
 * show its sources.
 */
import type { TransactionSql } from 'postgres';
import { vectorLiteral, vectorSupport, type VectorSupport } from './embeddings.ts';
import { fileBlock } from './file-block.ts';
import { loadTokenizer } from '../tokens.ts';

export const CHUNK_TOKENS = 400;

export interface Chunk {
  index: number;
  content: string;
  tokens: number;
}

/** Splits text into chunks of at most CHUNK_TOKENS tokens, preferring paragraph breaks. */
export async function chunkText(text: string): Promise<Chunk[]> {
  const { encode, decode } = await loadTokenizer();
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
  /** How excerpts were chosen (absent when the files went in whole). */
  ranking?: 'full-text' | 'full-text+vector';
  /** Set when ranking by meaning could apply (see VectorHint). */
  vectorHint?: VectorHint;
}

/** The question's embedding, computed outside the read (lib/attachments/semantic-ranking.ts). */
export interface QuestionVector {
  /** `<provider>/<model>`: only chunks embedded by the same model are compared. */
  model: string;
  values: number[];
}

/**
 * Over budget where the database has pgvector, but no question vector was given: what the
 * caller needs to embed the question and read again. `models`: the embedding models of the
 * project's chunks; `unembedded`: chunks still without a vector.
 */
export interface VectorHint {
  projectId: string;
  question: string;
  models: string[];
  unembedded: number;
}

/** How many nearest chunks the vector ranking contributes. */
const VECTOR_CANDIDATES = 200;
/** Reciprocal rank fusion's constant (Cormack, Clarke & Büttcher 2009). */
const RRF_K = 60;
/** ts_rank's answer for a chunk that does not match the query is 1e-20, not 0. */
const NO_TEXT_MATCH = 1e-20;

const EMPTY: ProjectFilesContext = { text: '', tokens: 0, used: [] };

/** Reads as the caller (RLS): the project's files whole, or the best chunks for `question`. */
export async function projectFilesContext(
  sql: TransactionSql, projectId: string, question: string, budget: number, vector?: QuestionVector,
): Promise<ProjectFilesContext> {
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
      text: files.map((f) => projectFileBlock(f.name, f.type, texts.get(f.id) ?? '')).join('\n\n'),
      tokens: total,
      used: files.map((f) => ({ file_id: f.id, name: f.name, chunks: null })),
    };
  }
  // Over budget: rank chunks against the question; ties (and no match) keep document order.
  const textRanked: RankedChunk[] = await sql<RankedChunk[]>`
    select c.file_id, c.chunk_index, c.content, c.token_count,
           ts_rank(c.fts, websearch_to_tsquery('simple', ${question})) as rank
      from public.file_chunks c join public.file_metadata f on f.id = c.file_id
     where f.project_id = ${projectId}
     order by rank desc, f.created_at, c.chunk_index
     limit 500`;
  // Where the database has pgvector: the nearest chunks by meaning too, or what it takes to get them.
  const support = await vectorSupport(sql);
  const nearest = support && vector ? await nearestChunks(sql, support, projectId, vector) : [];
  const vectorHint = support && !vector && question.trim() ? await vectorHintFor(sql, projectId, question) : undefined;
  const ranked = nearest.length > 0 ? fuseRankings(textRanked, nearest) : textRanked;
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
    blocks.push(projectFileBlock(file.name, file.type, chunks.map((c) => `[chunk ${c.chunk_index + 1}]\n${c.content}`).join('\n…\n'), 'excerpts'));
  }
  return {
    text: blocks.join('\n\n'), tokens: used, used: usedFiles,
    ranking: nearest.length > 0 ? 'full-text+vector' : 'full-text',
    ...(vectorHint ? { vectorHint } : {}),
  };
}

/** The project's chunks nearest the question by cosine distance, nearest first. */
async function nearestChunks(sql: TransactionSql, support: VectorSupport, projectId: string, vector: QuestionVector): Promise<RankedChunk[]> {
  // An HNSW scan filtered to one project goes on until enough of its chunks pass (pgvector ≥ 0.8:
  // https://github.com/pgvector/pgvector#iterative-index-scans); a small project is simply sorted.
  if (support.iterativeScan) await sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`;
  const schema = sql(support.schema);
  const literal = vectorLiteral(vector.values);
  return await sql<RankedChunk[]>`
    select c.file_id, c.chunk_index, c.content, c.token_count,
           1 - (c.embedding operator(${schema}.<=>) ${literal}::${schema}.vector) as rank
      from public.file_chunks c join public.file_metadata f on f.id = c.file_id
     where f.project_id = ${projectId} and c.embedding_model = ${vector.model}
     order by c.embedding operator(${schema}.<=>) ${literal}::${schema}.vector
     limit ${VECTOR_CANDIDATES}`;
}

async function vectorHintFor(sql: TransactionSql, projectId: string, question: string): Promise<VectorHint> {
  const [row] = await sql<{ models: string[]; unembedded: number }[]>`
    select coalesce(array_agg(distinct c.embedding_model) filter (where c.embedding_model is not null), '{}') as models,
           count(*) filter (where c.embedding_model is null)::int as unembedded
      from public.file_chunks c join public.file_metadata f on f.id = c.file_id
     where f.project_id = ${projectId}`;
  return { projectId, question, models: row?.models ?? [], unembedded: row?.unembedded ?? 0 };
}

/**
 * Reciprocal rank fusion: a chunk scores Σ 1/(RRF_K + rank) over the rankings it appears in
 * (full-text counts only chunks that match the question at all). Chunks in neither keep the
 * full-text list's document order after the scored ones.
 */
export function fuseRankings(textRanked: RankedChunk[], nearest: RankedChunk[]): RankedChunk[] {
  const key = (c: RankedChunk) => `${c.file_id}:${c.chunk_index}`;
  const scores = new Map<string, number>();
  const chunks = new Map<string, RankedChunk>();
  const order = new Map<string, number>();
  textRanked.forEach((chunk, i) => {
    chunks.set(key(chunk), chunk);
    order.set(key(chunk), i);
    if (chunk.rank > NO_TEXT_MATCH) scores.set(key(chunk), 1 / (RRF_K + i + 1));
  });
  nearest.forEach((chunk, i) => {
    const k = key(chunk);
    if (!chunks.has(k)) {
      chunks.set(k, chunk);
      order.set(k, textRanked.length + i);
    }
    scores.set(k, (scores.get(k) ?? 0) + 1 / (RRF_K + i + 1));
  });
  return [...chunks.entries()]
    .sort(([a], [b]) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0) || order.get(a)! - order.get(b)!)
    .map(([, chunk]) => chunk);
}

export interface RankedChunk {
  file_id: string;
  chunk_index: number;
  content: string;
  token_count: number;
  rank: number;
}

/** One file in the model's system text (wrapped as lib/attachments/file-block.ts says). */
export function projectFileBlock(name: string, type: string, text: string, kind?: string): string {
  return fileBlock('project_file', { name, type, content: kind }, text);
}
