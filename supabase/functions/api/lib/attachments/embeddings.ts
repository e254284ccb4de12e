/**
 * Embeddings of project files, where the database has pgvector: file_chunks.embedding exists
 * only there (the migration adds it when the `vector` extension is available, as on hosted
 * Supabase: https://supabase.com/docs/guides/database/extensions/pgvector). Elsewhere nothing
 * here calls a provider and project files are ranked by full-text search alone.
 *
 * Vectors come from the user's own provider, through its OpenAI-compatible /embeddings
 * endpoint: the first provider of the catalog with an embedding model (lib/providers.ts) that
 * the user can call — a stored key, or none needed (the demo). Every call is logged in
 * prompt_usage_logs with its tokens and cost, like any other call. Vectors shorter than the
 * column are padded with zeros, which leaves the cosine distance between two of them
 * unchanged; only vectors of the same model (file_chunks.embedding_model) are compared.
 */
import type { Sql, TransactionSql } from 'postgres';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { AppDeps, AuthUser } from '../context.ts';
import type { Db } from '../db.ts';
import { logGatewayCall } from '../gateway-log.ts';
import type { Logger } from '../log.ts';
import { openProviderClient } from '../provider-client.ts';
import { findPrice } from '../prices.ts';
import { listProviders, type EmbeddingModel, type ProviderInfo } from '../providers.ts';

/** Length of file_chunks.embedding (the migration's `vector(1536)`). */
export const EMBEDDING_DIMENSIONS = 1536;
/** Texts per /embeddings request: 32 chunks of ≤400 tokens stay under every provider's per-request limit. */
const BATCH = 32;

export interface VectorSupport {
  /** Schema of the `vector` type (`extensions` on hosted Supabase). */
  schema: string;
  /** pgvector ≥ 0.8: filtered HNSW scans can go on until enough rows pass (hnsw.iterative_scan). */
  iterativeScan: boolean;
}

/** Whether file_chunks has its embedding column (pgvector installed and the migration's part applied). */
export async function vectorSupport(sql: Sql | TransactionSql): Promise<VectorSupport | null> {
  const [row] = await sql<{ schema: string; version: string }[]>`
    select n.nspname as schema, e.extversion as version
      from pg_catalog.pg_attribute a
      join pg_catalog.pg_type t on t.oid = a.atttypid
      join pg_catalog.pg_namespace n on n.oid = t.typnamespace
      join pg_catalog.pg_extension e on e.extname = 'vector'
     where a.attrelid = 'public.file_chunks'::regclass and a.attname = 'embedding' and not a.attisdropped`;
  if (!row) return null;
  const [major = 0, minor = 0] = row.version.split('.').map(Number);
  return { schema: row.schema, iterativeScan: major > 0 || minor >= 8 };
}

/** A vector as pgvector's text input: `[0.1,0.2,…]`. */
export function vectorLiteral(vector: number[]): string {
  return `[${vector.join(',')}]`;
}

export interface Embedder {
  /** `<provider>/<model>`, as stored in file_chunks.embedding_model. */
  model: string;
  /** One vector (EMBEDDING_DIMENSIONS long) per text, in order; logs the call's usage for the user. */
  embed(texts: string[], options?: { timeoutMs?: number }): Promise<number[][]>;
}

export interface EmbedderOptions {
  config: Config;
  db: Db;
  deps: AppDeps;
  log: Logger;
  /** Whose key embeds and who is charged. */
  user: AuthUser;
  /**
   * Only an embedding model with a price (lib/prices.ts): `user` is not the caller (a group
   * member's turn on the owner's shared key), whose budget an unpriced call would escape.
   */
  pricedOnly?: boolean;
}

/** The user's embedder, or null when no provider with an embedding model can be called for them. */
export async function openEmbedder(options: EmbedderOptions): Promise<Embedder | null> {
  const { config, db, deps, log, user } = options;
  for (const provider of listProviders(config)) {
    if (!provider.embedding) continue;
    if (options.pricedOnly && !findPrice(config.prices, provider.id, provider.embedding.id)) continue;
    try {
      const opened = await openProviderClient({ config, db, deps, user, log, providerId: provider.id });
      return embedderFor(opened.client, provider, provider.embedding, options);
    } catch {
      // No key for this provider (or it can no longer be read): try the next one.
      continue;
    }
  }
  log.debug('no embedding provider for this user; project files are ranked by full-text search only');
  return null;
}

const EmbeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: z.number().int().min(0) }).partial().optional(),
});

type OpenAIClient = Awaited<ReturnType<typeof openProviderClient>>['client'];

function embedderFor(client: OpenAIClient, provider: ProviderInfo, model: EmbeddingModel, options: EmbedderOptions): Embedder {
  const { config, db, user } = options;
  return {
    model: `${provider.id}/${model.id}`,
    async embed(texts, { timeoutMs } = {}) {
      const started = performance.now();
      const logCall = (status: 'success' | 'error', promptTokens: number, errorCode: string | null) =>
        logGatewayCall(db.sql, config, {
          userId: user.id, purpose: 'embedding', provider: provider.id, model: model.id, status, promptId: null, promptVersion: null,
          ttftMs: null, latencyMs: Math.round(performance.now() - started), promptTokens, cachedTokens: null, completionTokens: 0, errorCode,
        }).catch((error: unknown) => options.log.warn('could not log an embedding call', { error: error instanceof Error ? error.message : String(error) }));
      let parsed: z.infer<typeof EmbeddingsResponse>;
      try {
        // encoding_format float: not every OpenAI-compatible endpoint offers the SDK's default base64.
        const raw = await client.embeddings.create({ model: model.id, input: texts, encoding_format: 'float' }, timeoutMs ? { timeout: timeoutMs } : undefined);
        parsed = EmbeddingsResponse.parse(raw);
      } catch (error) {
        await logCall('error', 0, error instanceof z.ZodError ? 'invalid_response' : 'provider_error');
        throw error;
      }
      await logCall('success', parsed.usage?.prompt_tokens ?? 0, null);
      const byIndex = new Map(parsed.data.map((item) => [item.index, item.embedding]));
      return texts.map((_, i) => {
        const vector = byIndex.get(i);
        if (!vector || vector.length === 0 || vector.length > EMBEDDING_DIMENSIONS) throw new Error(`${provider.name} returned unusable embeddings`);
        return padded(vector);
      });
    },
  };
}

function padded(vector: number[]): number[] {
  return vector.length === EMBEDDING_DIMENSIONS ? vector : [...vector, ...new Array<number>(EMBEDDING_DIMENSIONS - vector.length).fill(0)];
}

/**
 * Embeds the chunks of a file or a project that have no vector of `embedder`'s model yet (at
 * most `limit`, oldest files first), as the user: RLS lets them write only their own chunks.
 * Returns how many were embedded. Throws on a provider or database failure; what was stored
 * before stays.
 */
export async function embedChunks(db: Db, user: AuthUser, embedder: Embedder, scope: { fileId: string } | { projectId: string }, limit = 2_000): Promise<number> {
  const support = await vectorSupport(db.sql);
  if (!support) return 0;
  const pending = await db.withUserTransaction(user, (sql) => sql<{ id: string; content: string }[]>`
    select c.id, c.content
      from public.file_chunks c join public.file_metadata f on f.id = c.file_id
     where ${'fileId' in scope ? sql`c.file_id = ${scope.fileId}` : sql`f.project_id = ${scope.projectId}`}
       and c.embedding_model is distinct from ${embedder.model}
     order by f.created_at, f.id, c.chunk_index
     limit ${limit}`, { readOnly: true });
  let done = 0;
  for (let i = 0; i < pending.length; i += BATCH) {
    const batch = pending.slice(i, i + BATCH);
    const vectors = await embedder.embed(batch.map((c) => c.content));
    await db.withUserTransaction(user, (sql) => sql`
      update public.file_chunks c
         set embedding = v.embedding::${sql(support.schema)}.vector, embedding_model = ${embedder.model}
        from unnest(${batch.map((c) => c.id)}::uuid[], ${vectors.map(vectorLiteral)}::text[]) as v(id, embedding)
       where c.id = v.id`);
    done += batch.length;
  }
  return done;
}

/** Projects whose chunks this process is embedding now (a second turn does not start the same work). */
const backfilling = new Set<string>();

/**
 * Embeds in the background, once at a time per project, the chunks still without a vector of
 * the embedder's model (files added before the user had an embedding provider, or whose
 * embedding failed). Never throws.
 */
export function backfillProjectEmbeddings(options: EmbedderOptions, embedder: Embedder, projectId: string): Promise<void> {
  if (backfilling.has(projectId)) return Promise.resolve();
  backfilling.add(projectId);
  const work = embedChunks(options.db, options.user, embedder, { projectId })
    .then(() => {}, (error: unknown) => options.log.warn('could not embed project files; full-text ranking covers them meanwhile', { error: error instanceof Error ? error.message : String(error) }))
    .finally(() => backfilling.delete(projectId));
  options.deps.waitUntil?.(work);
  return work;
}

/**
 * A file just added to a project: its chunks are embedded in the background where the database
 * has pgvector and the user has an embedding provider. Until then (or when it fails) full-text
 * ranking covers the file, and a later turn over budget fills in what is missing. Resolves to
 * how many chunks were embedded; never throws.
 */
export function embedAddedFile(options: EmbedderOptions, fileId: string): Promise<number> {
  const work = (async () => {
    if (!(await vectorSupport(options.db.sql))) return 0;
    const embedder = await openEmbedder(options);
    return embedder ? await embedChunks(options.db, options.user, embedder, { fileId }) : 0;
  })().catch((error: unknown) => {
    options.log.warn('could not embed a project file; full-text ranking covers it meanwhile', { error: error instanceof Error ? error.message : String(error) });
    return 0;
  });
  options.deps.waitUntil?.(work);
  return work;
}
