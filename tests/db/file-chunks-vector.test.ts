/**
 * Project files ranked by meaning where the database has pgvector (issue 12, item 3), on a real
 * Postgres with the real pgvector: PGlite with its pgvector build (tests/helpers/vector-database.ts),
 * every migration applied. The embeddings come from the fake provider's /embeddings (deterministic
 * word vectors, local/src/demo-embeddings.ts) through the API's own code. Checked here: the
 * migration's vector part (column, HNSW cosine index, policy, grants), RLS on the vectors per
 * actor, embedding a file and the usage it logs, ranking that fuses vector and full-text ranks,
 * the lazy fill-in of missing vectors, and a whole chat turn through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../supabase/functions/api/app.ts';
import { loadConfig, type Config } from '../../supabase/functions/api/config.ts';
import { embedAddedFile, openEmbedder, vectorSupport, type EmbedderOptions } from '../../supabase/functions/api/lib/attachments/embeddings.ts';
import { chunkText, projectFilesContext, type QuestionVector } from '../../supabase/functions/api/lib/attachments/project-files.ts';
import { questionVector } from '../../supabase/functions/api/lib/attachments/semantic-ranking.ts';
import { createDb, type Db } from '../../supabase/functions/api/lib/db.ts';
import { createLogger } from '../../supabase/functions/api/lib/log.ts';
import { loadTokenizer } from '../../supabase/functions/api/lib/tokens.ts';
import { demoEmbedding } from '../../local/src/demo-embeddings.ts';
import { startFakeProvider, type FakeProvider } from '../../local/src/demo-provider.ts';
import { functionsJwks, generateKeys, signAccessToken, type StackKeys } from '../../local/src/keys/index.ts';
import { readSse } from '../helpers/api.ts';
import { asActor, createAuthUser, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { startVectorDatabase, type VectorDatabase } from '../helpers/vector-database.ts';

let vdb: VectorDatabase;
let provider: FakeProvider;
let keys: StackKeys;
let config: Config;
let apiDb: Db;
const log = createLogger(() => {}, 'silent');

beforeAll(async () => {
  [vdb, provider, keys] = await Promise.all([startVectorDatabase(), startFakeProvider(), generateKeys()]);
  config = loadConfig({
    SUPABASE_URL: 'http://127.0.0.1:9',
    SUPABASE_DB_URL: vdb.url,
    SUPABASE_JWKS: JSON.stringify(functionsJwks(keys)),
    CREDENTIALS_ENCRYPTION_KEYS: keys.credentialsEncryptionKeys,
    ALLOW_PRIVATE_PROVIDER_URLS: 'true',
    CORS_ORIGINS: 'http://localhost:5173',
    DEMO_PROVIDER_URL: provider.url,
    LOG_LEVEL: 'warn',
  });
  // One connection: PGlite is one session, and its socket server cannot interleave the unnamed
  // statements of two clients (the API's pool would run several at once). It also proves that
  // nothing here waits for a second connection while holding one.
  apiDb = createDb(vdb.url, { max: 1 });
}, 180_000);
afterAll(async () => {
  await apiDb?.end();
  await provider?.stop();
  await vdb?.stop();
});

/** Background work (EdgeRuntime.waitUntil) started through these options lands in `background`. */
const embedderOptions = (user: AuthUser, background: Promise<unknown>[] = []): EmbedderOptions => ({
  config, db: apiDb, deps: { fetch, log: () => {}, waitUntil: (work) => void background.push(work) }, log, user: { ...user, claims: {} },
});
const embeddingCalls = () => provider.requests.filter((r) => r.path === '/v1/embeddings');

/** A project file as POST /projects/{id}/files stores it (text, chunks; on the owner connection, as the function does). */
async function addFile(owner: AuthUser, projectId: string, name: string, text: string): Promise<string> {
  const chunks = await chunkText(text);
  const tokens = (await loadTokenizer()).countTokens(text);
  return await vdb.sql.begin(async (tx) => {
    const [file] = await tx`
      insert into public.file_metadata (user_id, project_id, name, size, type, storage_path, extracted_text, token_count)
      values (${owner.id}, ${projectId}, ${name}, ${text.length}, 'text/markdown', ${`${owner.id}/projects/${crypto.randomUUID()}/${name}`}, ${text}, ${tokens})
      returning id`;
    await tx`insert into public.file_chunks ${tx(chunks.map((c) => ({ file_id: file!.id, user_id: owner.id, chunk_index: c.index, content: c.content, token_count: c.tokens })))}`;
    return file!.id as string;
  });
}

async function ownerWithProject(): Promise<{ owner: AuthUser; projectId: string }> {
  const owner = await createAuthUser(vdb.sql);
  const [project] = await vdb.sql`insert into public.projects (user_id, name) values (${owner.id}, 'Observatory') returning id`;
  return { owner, projectId: project!.id };
}

// Filler shares no word with the question; the needle answers it, but with other word forms
// ("owns", "telescope"), which Postgres' `simple` full-text configuration does not relate to
// "own" and "telescopes" — the embedding does.
const FILLER = Array.from({ length: 40 }, (_, i) => `Section ${i}. General notes about kitchen duty and parking rules, nothing else here.`).join('\n\n');
const NEEDLE = 'Our observatory owns one telescope: a refractor mounted on the roof.';
const QUESTION = 'Which telescopes do we own?';

describe('the migration where pgvector is available', () => {
  it('adds file_chunks.embedding (vector(1536)) with an HNSW cosine index, a model column, an update policy and column grants', async () => {
    const [column] = await vdb.sql`
      select format_type(atttypid, atttypmod) as type from pg_attribute
       where attrelid = 'public.file_chunks'::regclass and attname = 'embedding'`;
    expect(column!.type).toBe('extensions.vector(1536)');
    const [index] = await vdb.sql`select indexdef from pg_indexes where indexname = 'file_chunks_embedding_idx'`;
    expect(index!.indexdef).toMatch(/USING hnsw \(embedding extensions\.vector_cosine_ops\)/);
    const policies = await vdb.sql`select policyname, cmd, roles::text[] as roles from pg_policies where tablename = 'file_chunks' and cmd = 'UPDATE'`;
    expect(policies).toEqual([{ policyname: 'file_chunks: users can store embeddings of their own chunks', cmd: 'UPDATE', roles: ['authenticated'] }]);
    const grants = await vdb.sql`
      select column_name from information_schema.column_privileges
       where table_name = 'file_chunks' and grantee = 'authenticated' and privilege_type = 'UPDATE' order by column_name`;
    expect(grants.map((g) => g.column_name)).toEqual(['embedding', 'embedding_model']);
    // Running it again (a database that gained pgvector later runs it by hand) changes nothing.
    expect((await vdb.sql`select private.add_file_chunk_embeddings() as added`)[0]!.added).toBe(true);
    expect(await apiDb.ping()).toEqual({ vector: 'installed' });
  });
});

describe('RLS on chunk vectors', () => {
  async function chunkOf(owner: AuthUser, projectId: string): Promise<string> {
    const fileId = await addFile(owner, projectId, 'notes.md', '# Notes\n\nTelescope maintenance.');
    const [chunk] = await vdb.sql`select id from public.file_chunks where file_id = ${fileId}`;
    return chunk!.id;
  }
  const literal = `[${[1, ...new Array(1535).fill(0)].join(',')}]`;

  it('owner: stores the vector of their own chunk, but cannot rewrite its text, nor store a vector without its model', async () => {
    const { owner, projectId } = await ownerWithProject();
    const id = await chunkOf(owner, projectId);
    const updated = await asActor(vdb.sql, owner, (tx) => tx`
      update public.file_chunks set embedding = ${literal}::extensions.vector, embedding_model = 'demo/demo-embed' where id = ${id} returning id`);
    expect(updated).toHaveLength(1);
    await expect(asActor(vdb.sql, owner, (tx) => tx`update public.file_chunks set content = 'rewritten' where id = ${id}`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(vdb.sql, owner, (tx) => tx`update public.file_chunks set embedding_model = null where id = ${id}`)).rejects.toThrow(/file_chunks_embedding_model_check/);
  });

  it("another user: sees and changes no one else's vectors", async () => {
    const { owner, projectId } = await ownerWithProject();
    const id = await chunkOf(owner, projectId);
    const stranger = await createAuthUser(vdb.sql);
    const updated = await asActor(vdb.sql, stranger, (tx) => tx`
      update public.file_chunks set embedding = ${literal}::extensions.vector, embedding_model = 'demo/demo-embed' where id = ${id} returning id`);
    expect(updated).toHaveLength(0);
    expect(await asActor(vdb.sql, stranger, (tx) => tx`select embedding from public.file_chunks where id = ${id}`)).toHaveLength(0);
    const [row] = await vdb.sql`select embedding_model from public.file_chunks where id = ${id}`;
    expect(row!.embedding_model).toBeNull();
  });

  it('anonymous: may not update chunks at all; service role: may (the secret key bypasses RLS, as on hosted)', async () => {
    const { owner, projectId } = await ownerWithProject();
    const id = await chunkOf(owner, projectId);
    await expect(asActor(vdb.sql, 'anon', (tx) => tx`update public.file_chunks set embedding_model = 'x/y' where id = ${id}`)).rejects.toThrow(PERMISSION_DENIED);
    const updated = await asActor(vdb.sql, 'service_role', (tx) => tx`
      update public.file_chunks set embedding = ${literal}::extensions.vector, embedding_model = 'demo/demo-embed' where id = ${id} returning id`);
    expect(updated).toHaveLength(1);
  });
});

describe('embedding a project file', () => {
  it("embeds every chunk with the user's provider (the demo needs no key) and logs the call's tokens and cost", async () => {
    const { owner, projectId } = await ownerWithProject();
    const fileId = await addFile(owner, projectId, 'handbook.md', `${FILLER}\n\n${NEEDLE}`);
    const before = embeddingCalls().length;
    const embedded = await embedAddedFile(embedderOptions(owner), fileId);
    const chunks = await vdb.sql`
      select embedding_model, extensions.vector_dims(embedding) as dims from public.file_chunks where file_id = ${fileId}`;
    expect(embedded).toBe(chunks.length);
    expect(chunks.every((c) => c.embedding_model === 'demo/demo-embed' && c.dims === 1536)).toBe(true);
    expect(embeddingCalls().length - before).toBe(Math.ceil(chunks.length / 32));
    expect(embeddingCalls().at(-1)!.body).toMatchObject({ model: 'demo-embed', encoding_format: 'float' });
    const [usage] = await vdb.sql`
      select provider, model, status, prompt_tokens, completion_tokens, cost_usd::float8 as cost
        from public.prompt_usage_logs where user_id = ${owner.id}`;
    expect(usage).toMatchObject({ provider: 'demo', model: 'demo-embed', status: 'success', completion_tokens: 0 });
    expect(usage!.prompt_tokens).toBeGreaterThan(0);
    expect(usage!.cost).toBeGreaterThan(0);
  });

  it('a failing provider leaves the file without vectors (full-text still ranks it) and logs the failed call', async () => {
    const { owner, projectId } = await ownerWithProject();
    const fileId = await addFile(owner, projectId, 'handbook.md', NEEDLE);
    provider.setMode('500');
    try {
      expect(await embedAddedFile(embedderOptions(owner), fileId)).toBe(0);
    } finally {
      provider.setMode('ok');
    }
    const [chunk] = await vdb.sql`select embedding_model from public.file_chunks where file_id = ${fileId}`;
    expect(chunk!.embedding_model).toBeNull();
    const [usage] = await vdb.sql`select status, error_code from public.prompt_usage_logs where user_id = ${owner.id}`;
    expect(usage).toEqual({ status: 'error', error_code: 'provider_error' });
  });
});

describe('ranking over budget', () => {
  const rank = (owner: AuthUser, projectId: string, vector?: QuestionVector, budget = 450) =>
    asActor(vdb.sql, owner, (tx) => projectFilesContext(tx, projectId, QUESTION, budget, vector));

  it('fuses vector and full-text ranks: the chunk that answers in other word forms is chosen, which full-text alone misses', async () => {
    const { owner, projectId } = await ownerWithProject();
    const fileId = await addFile(owner, projectId, 'handbook.md', `${FILLER}\n\n${NEEDLE}\n\n${FILLER}`);
    await embedAddedFile(embedderOptions(owner), fileId);

    // The read ranks by words and says the question could be embedded (no provider is called inside it).
    const before = embeddingCalls().length;
    const wordsOnly = await rank(owner, projectId);
    expect(wordsOnly.ranking).toBe('full-text');
    expect(wordsOnly.text).not.toContain(NEEDLE);
    expect(wordsOnly.vectorHint).toEqual({ projectId, question: QUESTION, models: ['demo/demo-embed'], unembedded: 0 });
    expect(embeddingCalls().length).toBe(before);

    const vector = await questionVector(embedderOptions(owner), owner.id, wordsOnly.vectorHint!);
    expect(vector).toMatchObject({ model: 'demo/demo-embed', values: expect.any(Array) });
    expect(embeddingCalls().length - before).toBe(1);
    expect(embeddingCalls().at(-1)!.body).toMatchObject({ input: [QUESTION] });

    const fused = await rank(owner, projectId, vector!);
    expect(fused.ranking).toBe('full-text+vector');
    expect(fused.vectorHint).toBeUndefined();
    expect(fused.text).toContain(NEEDLE);
    expect(fused.tokens).toBeLessThanOrEqual(450);
    const [needleChunk] = await vdb.sql`select chunk_index from public.file_chunks where file_id = ${fileId} and content like ${`%${NEEDLE}%`}`;
    expect(fused.used).toEqual([{ file_id: fileId, name: 'handbook.md', chunks: expect.arrayContaining([needleChunk!.chunk_index]) }]);
  });

  it('files that fit go in whole: no hint, no embedding call', async () => {
    const { owner, projectId } = await ownerWithProject();
    await addFile(owner, projectId, 'short.md', NEEDLE);
    const whole = await rank(owner, projectId, undefined, 10_000);
    expect(whole).toMatchObject({ used: [{ name: 'short.md', chunks: null }] });
    expect(whole.ranking).toBeUndefined();
    expect(whole.vectorHint).toBeUndefined();
  });

  it("fills in missing vectors lazily on the owner's key: the question is not embedded while no chunk has a vector; the next turn ranks by meaning", async () => {
    const { owner, projectId } = await ownerWithProject();
    const fileId = await addFile(owner, projectId, 'handbook.md', `${FILLER}\n\n${NEEDLE}\n\n${FILLER}`);
    const first = await rank(owner, projectId);
    expect(first.vectorHint).toMatchObject({ models: [], unembedded: expect.any(Number) });
    expect(first.vectorHint!.unembedded).toBeGreaterThan(0);

    // Another payer (a group member paying for their own turn) neither fills in the owner's chunks nor embeds the question.
    const member = await createAuthUser(vdb.sql);
    const memberWork: Promise<unknown>[] = [];
    expect(await questionVector(embedderOptions(member, memberWork), owner.id, first.vectorHint!)).toBeNull();
    expect(memberWork).toHaveLength(0);

    const before = embeddingCalls().length;
    const background: Promise<unknown>[] = [];
    expect(await questionVector(embedderOptions(owner, background), owner.id, first.vectorHint!)).toBeNull();
    expect(background).toHaveLength(1);
    await Promise.all(background);
    const [pending] = await vdb.sql`select count(*)::int as n from public.file_chunks where file_id = ${fileId} and embedding is null`;
    expect(pending!.n).toBe(0);
    expect(embeddingCalls().slice(before).some((c) => JSON.stringify(c.body).includes(QUESTION))).toBe(false);

    const second = await rank(owner, projectId);
    expect(second.vectorHint).toMatchObject({ models: ['demo/demo-embed'], unembedded: 0 });
    const fused = await rank(owner, projectId, (await questionVector(embedderOptions(owner), owner.id, second.vectorHint!))!);
    expect(fused.ranking).toBe('full-text+vector');
    expect(fused.text).toContain(NEEDLE);
  });

  it("compares only vectors of the question's model (another model's are never used)", async () => {
    const { owner, projectId } = await ownerWithProject();
    const fileId = await addFile(owner, projectId, 'handbook.md', `${FILLER}\n\n${NEEDLE}\n\n${FILLER}`);
    await embedAddedFile(embedderOptions(owner), fileId);
    const vector = (await questionVector(embedderOptions(owner), owner.id, (await rank(owner, projectId)).vectorHint!))!;
    const result = await rank(owner, projectId, { ...vector, model: 'openai/text-embedding-3-small' });
    expect(result.ranking).toBe('full-text');
    expect(result.text).not.toContain(NEEDLE);
  });
});

describe("an embedder on someone else's key", () => {
  it('is opened only for a priced model (a group member on the owner\'s shared key): an unpriced one is skipped, full-text ranks', async () => {
    const owner = await createAuthUser(vdb.sql);
    const unpriced = { ...config, prices: {} };
    expect(await openEmbedder({ ...embedderOptions(owner), config: unpriced, pricedOnly: true })).toBeNull();
    expect((await openEmbedder({ ...embedderOptions(owner), config: unpriced }))?.model).toBe('demo/demo-embed');
    expect((await openEmbedder({ ...embedderOptions(owner), pricedOnly: true }))?.model).toBe('demo/demo-embed');
  });
});

describe('a chat turn through the API', () => {
  /** POST /api/chat as `user`, read to the end; meta and the system prompt the provider received. */
  async function chatAs(user: AuthUser, body: Record<string, unknown>) {
    const logs: Record<string, unknown>[] = [];
    const app = createApp(config, { db: apiDb, log: (entry) => logs.push(entry) });
    const token = await signAccessToken(keys, { sub: user.id, email: user.email, iss: `${config.supabaseUrl}/auth/v1` });
    const request = (method: string, path: string, payload: unknown) => app.request(`/api${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(payload),
    });
    const res = await request('POST', '/chat', { provider: 'demo', model: 'demo-model', ...body });
    expect(res.status, res.status === 200 ? '' : await res.clone().text() + JSON.stringify(logs)).toBe(200);
    const events = await readSse(res);
    const chat = provider.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.body as { messages: { role: string; content: string }[] };
    return { meta: events.find((e) => e.event === 'meta')!.data, system: chat.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n'), request };
  }

  /** A project whose file exceeds the demo model's budget (30 % of what its 16 000-token window leaves: 3 600 tokens), the answer far past it in document order. */
  async function bigProject() {
    const { owner, projectId } = await ownerWithProject();
    const fileId = await addFile(owner, projectId, 'handbook.md', [...new Array(8).fill(FILLER), NEEDLE, FILLER].join('\n\n'));
    await embedAddedFile(embedderOptions(owner), fileId);
    const [needle] = await vdb.sql`select chunk_index from public.file_chunks where file_id = ${fileId} and content like ${`%${NEEDLE}%`}`;
    return { owner, projectId, fileId, needleChunk: needle!.chunk_index as number };
  }

  it("answers with the excerpt ranked by meaning, names it in meta, and logs the question's embedding as a call", async () => {
    const { owner, projectId, fileId, needleChunk } = await bigProject();
    const { meta, system } = await chatAs(owner, { project_id: projectId, message: QUESTION });
    expect(meta.notes).toContain("The project's files are larger than this model's context allows; the most relevant excerpts were used");
    expect(meta.files_used).toEqual([{ file_id: fileId, name: 'handbook.md', chunks: expect.arrayContaining([needleChunk]) }]);
    expect(system).toContain(NEEDLE);
    expect(embeddingCalls().at(-1)!.body).toMatchObject({ model: 'demo-embed', input: [QUESTION] });
    const calls = await vdb.sql`select model from public.prompt_usage_logs where user_id = ${owner.id}`;
    expect(calls.map((c) => c.model)).toEqual(expect.arrayContaining(['demo-embed', 'demo-model']));
  });

  it("a group member's turn ranks the owner's files by meaning too (read as the owner), the question embedded and paid by the member", async () => {
    const { owner, projectId, fileId, needleChunk } = await bigProject();
    const first = await chatAs(owner, { project_id: projectId, message: 'Hello' });
    const member = await createAuthUser(vdb.sql);
    const invited = await first.request('POST', `/sessions/${first.meta.session_id}/members`, { email: member.email, role: 'member' });
    expect(invited.status).toBe(201);
    const { id: invitation } = await invited.json();
    await asActor(vdb.sql, member, (tx) => tx`select public.accept_session_invitation(${invitation})`);
    const { meta, system } = await chatAs(member, { session_id: first.meta.session_id, message: QUESTION });
    expect(meta.files_used).toEqual([{ file_id: fileId, name: 'handbook.md', chunks: expect.arrayContaining([needleChunk]) }]);
    expect(system).toContain(NEEDLE);
    const [embedding] = await vdb.sql`select user_id from public.prompt_usage_logs where model = 'demo-embed' order by executed_at desc limit 1`;
    expect(embedding!.user_id).toBe(member.id);
  });
});

describe('a database whose pgvector was enabled earlier in another schema (public)', () => {
  it('the migration uses that schema for the column and index, and ranking finds it there', async () => {
    const other = await startVectorDatabase({ vectorAlreadyIn: 'public' });
    try {
      const [column] = await other.sql`
        select n.nspname as schema, format_type(a.atttypid, a.atttypmod) as type
          from pg_attribute a join pg_type t on t.oid = a.atttypid join pg_namespace n on n.oid = t.typnamespace
         where a.attrelid = 'public.file_chunks'::regclass and a.attname = 'embedding'`;
      expect(column).toEqual({ schema: 'public', type: 'vector(1536)' });
      const [index] = await other.sql`select indexdef from pg_indexes where indexname = 'file_chunks_embedding_idx'`;
      expect(index!.indexdef).toMatch(/USING hnsw \(embedding (public\.)?vector_cosine_ops\)/);
      expect(await vectorSupport(other.sql)).toEqual({ schema: 'public', iterativeScan: true });

      const owner = await createAuthUser(other.sql);
      const [project] = await other.sql`insert into public.projects (user_id, name) values (${owner.id}, 'Elsewhere') returning id`;
      const chunks = await chunkText(`${FILLER}\n\n${NEEDLE}\n\n${FILLER}`);
      const vectorOf = (text: string) => `[${[...demoEmbedding(text), ...new Array(1536 - 256).fill(0)].join(',')}]`;
      await other.sql.begin(async (tx) => {
        const [file] = await tx`
          insert into public.file_metadata (user_id, project_id, name, size, type, storage_path, extracted_text, token_count)
          values (${owner.id}, ${project!.id}, 'handbook.md', 1, 'text/markdown', ${`${owner.id}/p/handbook.md`}, '', ${chunks.length * 400}) returning id`;
        for (const c of chunks) {
          await tx`insert into public.file_chunks (file_id, user_id, chunk_index, content, token_count, embedding, embedding_model)
                   values (${file!.id}, ${owner.id}, ${c.index}, ${c.content}, ${c.tokens}, ${vectorOf(c.content)}::public.vector, 'demo/demo-embed')`;
        }
      });
      const vector = { model: 'demo/demo-embed', values: JSON.parse(vectorOf(QUESTION)) as number[] };
      const fused = await asActor(other.sql, owner, (tx) => projectFilesContext(tx, project!.id, QUESTION, 450, vector));
      expect(fused.ranking).toBe('full-text+vector');
      expect(fused.text).toContain(NEEDLE);
    } finally {
      await other.stop();
    }
  }, 120_000);
});
