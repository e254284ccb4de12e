/**
 * /api/projects/{id}/files: files every chat of a project can use. The browser uploads the
 * file to Storage (attachments bucket, `<user id>/…`); adding it here reads it back as the
 * caller, sniffs its type from the bytes, extracts and chunks its text and records it in
 * file_metadata (lib/attachments/record-project-file.ts: only the function writes these rows;
 * and, where the database has pgvector, embeds its chunks in the background).
 * If any step fails the upload is queued for removal (private.storage_cleanup) and the queue
 * drained, which keeps any object a message or project file names: nothing half-added stays,
 * and nothing in use goes. A name already in the project (or an upload already added) is a
 * 409 before the file is read. Each add draws on the caller's `project_files` bucket.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { discardUpload, drainStorageCleanup, sweepOrphanUploads } from '../lib/attachments/cleanup.ts';
import { embedAddedFile } from '../lib/attachments/embeddings.ts';
import { extractText } from '../lib/attachments/extract.ts';
import { chunkText } from '../lib/attachments/project-files.ts';
import { fileAlreadyAdded, projectFileExists, recordProjectFile } from '../lib/attachments/record-project-file.ts';
import { assertWithinQuota } from '../lib/attachments/quota.ts';
import { MAX_ATTACHMENT_BYTES } from '../lib/attachments/resolve.ts';
import { isLegacyText, sniffType } from '../lib/attachments/sniff.ts';
import { assertOwnPath, readAttachment, type StorageAccess } from '../lib/attachments/storage-client.ts';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { codePoints } from '../lib/inputs.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security } from '../lib/openapi.ts';
import { loadTokenizer } from '../lib/tokens.ts';

/** The most text a file may have (the column allows 2 000 000 characters). */
const MAX_TEXT_CHARS = 2_000_000;

/**
 * Adds per user (private.consume_rate_limit, bucket `project_files`): each reads up to 20 MB
 * back from Storage and extracts and counts its text (a second or so of CPU for a big PDF).
 * 20 at once (a folder picked or dropped), then one every 5 s.
 */
export const PROJECT_FILE_RATE = { capacity: 20, refillPerSecond: 0.2 } as const;

const FileSchema = z
  .object({
    id: z.uuid(),
    project_id: z.uuid(),
    name: z.string(),
    size: z.number().int(),
    type: z.string(),
    storage_path: z.string(),
    token_count: z.number().int(),
    created_at: z.string(),
  })
  .openapi('ProjectFile');

const AddFile = z
  .strictObject({
    path: z.string().min(3).max(1024).openapi({ description: 'The uploaded object in the attachments bucket: `<user id>/…`' }),
    name: z.string().trim().min(1).max(255).optional().openapi({ description: 'Display name (default: the last part of the path)' }),
    replace: z.boolean().default(false).openapi({
      description: "Replace the project's file of this name (otherwise a name already there is 409 project_file_exists). Atomic: if the new file is refused, the old one stays",
    }),
  })
  .openapi('AddProjectFile');

const ProjectParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const FileParams = ProjectParams.extend({ file_id: z.uuid().openapi({ param: { name: 'file_id', in: 'path' } }) });
const tags = ['projects'];

const addFile = createRoute({
  method: 'post', path: '/{id}/files', tags, security,
  summary: 'Add an uploaded file (text, Markdown, code, CSV, JSON or PDF) to a project, or replace the one of the same name',
  request: { params: ProjectParams, body: jsonBody(AddFile) },
  responses: { 201: jsonResponse(FileSchema, 'The file'), ...errorResponses(400, 401, 404, 409, 413, 415, 422, 429) },
});
const listFiles = createRoute({
  method: 'get', path: '/{id}/files', tags, security, summary: "A project's files",
  request: { params: ProjectParams },
  responses: { 200: jsonResponse(z.object({ files: z.array(FileSchema) }), 'Files, oldest first'), ...errorResponses(400, 401, 404) },
});
const deleteFile = createRoute({
  method: 'delete', path: '/{id}/files/{file_id}', tags, security, summary: 'Remove a file from a project (and from Storage)',
  request: { params: FileParams },
  responses: { 204: { description: 'Removed' }, ...errorResponses(400, 401, 404) },
});

const COLUMNS = 'id, project_id, name, size::integer as size, type, storage_path, token_count, created_at';
type FileRow = z.infer<typeof FileSchema>;

export const projectFilesRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
projectFilesRoutes.use('*', requireUser);

projectFilesRoutes.openapi(addFile, async (c) => {
  const { id } = c.req.valid('param');
  const input = c.req.valid('json');
  const { user, db, config, deps, log } = c.var;
  assertOwnPath(user.id, input.path);
  // Before anything is read, and outside the clean-up below: a 429 keeps the upload, so the
  // same request can be sent again after Retry-After (an abandoned one is swept as an orphan).
  const limit = await db.consumeRateLimit(user.id, 'project_files', PROJECT_FILE_RATE.capacity, PROJECT_FILE_RATE.refillPerSecond);
  if (!limit.allowed) {
    throw new ApiError(429, 'rate_limited', `Too many files added; try again in ${limit.retryAfterSeconds} s`, { 'retry-after': String(limit.retryAfterSeconds) });
  }
  const access: StorageAccess = { config, fetch: deps.fetch };
  // The caller's abandoned uploads go in the background, as on a chat send; this one stays.
  const sweep = sweepOrphanUploads(db, access, log, user.id, [input.path]);
  deps.waitUntil?.(sweep);
  const name = input.name ?? input.path.split('/').pop()!;
  try {
    await db.withUserTransaction(user, async (sql) => {
      const [project] = await sql`select 1 from public.projects where id = ${id}`;
      if (!project) throw notFound('Project');
      // The answer a retry or a second click gets, without reading and extracting the file
      // again (recordProjectFile checks both once more, under the project's lock).
      if (!input.replace) {
        const [named] = await sql<{ id: string }[]>`
          select id from public.file_metadata where project_id = ${id} and name = ${name} order by created_at, id limit 1`;
        if (named) throw projectFileExists(name, named.id);
      }
      // (A replace of a file by its own object is let through, as recordProjectFile allows it.)
      const [added] = await sql`
        select 1 from public.file_metadata
         where storage_path = ${input.path} and not (${input.replace} and project_id = ${id} and name = ${name})`;
      if (added) throw fileAlreadyAdded();
      await assertWithinQuota(sql, config.storage.quotaBytes, config.storage.orphanGraceSeconds);
    });
    const bytes = await readAttachment(access, bearerToken(c.req.header('authorization')), input.path, MAX_ATTACHMENT_BYTES);
    const type = await sniffType(bytes, name);
    if (!type && isLegacyText(bytes)) {
      throw new ApiError(415, 'not_utf8_text', `"${name}" is text in an encoding other than UTF-8: save it as UTF-8 (in Excel: CSV UTF-8) and add it again`);
    }
    if (!type || type.kind === 'image') {
      throw new ApiError(415, 'unsupported_project_file', `"${name}" cannot be a project file: text, Markdown, code, CSV, JSON or PDF only (attach images to a message)`);
    }
    const text = await extractText(bytes, type, name);
    // Nothing a chat could use: said, rather than listed as a file of 0 tokens.
    if (!text.trim()) throw new ApiError(422, 'empty_project_file', `"${name}" is empty: a project file needs some text`);
    // Refused whole rather than cut: a chat would otherwise answer from the first part of the
    // file as though it were all of it, and nothing would say so.
    const chars = codePoints(text);
    if (chars > MAX_TEXT_CHARS) {
      throw new ApiError(413, 'project_file_too_long', `"${name}" has ${chars.toLocaleString('en-US')} characters of text; a project file holds at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}. Split it into smaller files.`);
    }
    const chunks = await chunkText(text);
    const tokenCount = (await loadTokenizer()).countTokens(text);
    const fileId = await recordProjectFile(db.sql, user.id, {
      projectId: id, name, size: bytes.length, mime: type.mime, path: input.path, text, tokens: tokenCount, chunks, replace: input.replace,
    }).catch((error: unknown) => {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === '23505') {
        throw fileAlreadyAdded();
      }
      throw error;
    });
    const [file] = await db.withUserTransaction(user, (sql) => sql<FileRow[]>`
      select ${sql.unsafe(COLUMNS)} from public.file_metadata where id = ${fileId}`);
    if (!file) throw notFound('File');
    // A replaced file's object, queued by its row's delete, goes before the answer (as on DELETE).
    if (input.replace) await drainStorageCleanup(db, access, log);
    // Where the database has pgvector: the chunks' embeddings, in the background (lib/attachments/embeddings.ts).
    void embedAddedFile({ config, db, deps, log, user }, file.id);
    return c.json(file, 201);
  } catch (error) {
    // Not added: the upload goes too, through the queue, whose drain keeps a path that a
    // message or project file names (a retry's 409 leaves the file it already is; a path
    // attached to a message stays). Only this request's path is queued, after the sweep
    // above has taken it out of the queue, so the two cannot undo each other.
    await sweep;
    await discardUpload(db, access, log, input.path);
    throw error;
  }
});

projectFilesRoutes.openapi(listFiles, async (c) => {
  const { id } = c.req.valid('param');
  const files = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const [project] = await sql`select 1 from public.projects where id = ${id}`;
    if (!project) throw notFound('Project');
    return await sql<FileRow[]>`select ${sql.unsafe(COLUMNS)} from public.file_metadata where project_id = ${id} order by created_at, id`;
  });
  return c.json({ files }, 200);
});

projectFilesRoutes.openapi(deleteFile, async (c) => {
  const { id, file_id } = c.req.valid('param');
  const { user, db, config, deps, log } = c.var;
  const deleted = await db.withUserTransaction(user, (sql) =>
    sql`delete from public.file_metadata where id = ${file_id} and project_id = ${id} returning id`);
  if (deleted.length === 0) throw notFound('File');
  await drainStorageCleanup(db, { config, fetch: deps.fetch }, log);
  return c.body(null, 204);
});

function bearerToken(header: string | undefined): string {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '';
}
