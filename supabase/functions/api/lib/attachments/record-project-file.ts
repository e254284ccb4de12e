/**
 * Records a project file and its chunks (POST /projects/{id}/files) on the owner connection:
 * the API roles may not insert them (20261203150100_restrict_project_file_writes.sql), since
 * the text and token count stored here decide what every chat of the project sends. Every
 * statement is bound to the verified user: the project must be theirs, the object in their
 * folder (the table's check says the same). A name is one file per project: adding it again
 * is refused (409 project_file_exists) unless the caller asks to replace it, and then the old
 * file goes in the same transaction the new one comes in, so a failed replace keeps it.
 */
import type { Sql } from 'postgres';
import { ApiError, notFound } from '../errors.ts';
import type { Chunk } from './project-files.ts';

export interface NewProjectFile {
  projectId: string;
  name: string;
  size: number;
  mime: string;
  path: string;
  text: string;
  tokens: number;
  chunks: Chunk[];
  /** Replace the project's file of the same name (it keeps its place in the list). */
  replace?: boolean;
}

/** 409 project_file_exists: `name` is the project's file `fileId` already (replace it, or use another name). */
export function projectFileExists(name: string, fileId: string): ApiError {
  return new ApiError(409, 'project_file_exists', `"${name}" is already in this project: replace it, or add the new one under another name`, undefined, { file_id: fileId });
}

/** 409 file_already_added: the upload is a project file already (storage_path is unique). */
export function fileAlreadyAdded(): ApiError {
  return new ApiError(409, 'file_already_added', 'This upload is already a project file');
}

/** Records the file and its chunks; returns the new file's id. */
export async function recordProjectFile(sql: Sql, userId: string, file: NewProjectFile): Promise<string> {
  if (!file.path.startsWith(`${userId}/`)) throw new Error('a project file can only be recorded from the caller\'s own folder');
  return await sql.begin(async (tx) => {
    // Locked so two adds of the same name or text at once cannot both pass the checks.
    const [project] = await tx`select 1 from public.projects where id = ${file.projectId} and user_id = ${userId} for no key update`;
    if (!project) throw notFound('Project');
    // (Older projects may hold a name more than once: a replace takes them all.)
    const named = await tx<{ id: string; created_at: Date }[]>`
      select id, created_at from public.file_metadata
       where project_id = ${file.projectId} and name = ${file.name}
       order by created_at, id`;
    if (named[0] && !file.replace) throw projectFileExists(file.name, named[0].id);
    // The same text twice would take its share of every chat's context twice (a re-picked
    // file, or a copy under another name); the file being replaced does not count.
    const [same] = await tx<{ name: string }[]>`
      select name from public.file_metadata
       where project_id = ${file.projectId} and md5(extracted_text) = md5(${file.text}) and extracted_text = ${file.text}
         and not (id = any(${named.map((f) => f.id)}::uuid[]))
       limit 1`;
    if (same) throw new ApiError(409, 'duplicate_project_file', `"${file.name}" is already in this project as "${same.name}"`);
    // Replaced: the old row goes (its chunks with it; its object is queued for removal by
    // file_metadata_queue_storage_cleanup) and the new one takes its place in the order.
    if (named.length) await tx`delete from public.file_metadata where id = any(${named.map((f) => f.id)}::uuid[]) and user_id = ${userId}`;
    const [row] = await tx<{ id: string }[]>`
      insert into public.file_metadata (user_id, project_id, name, size, type, storage_path, extracted_text, token_count, created_at)
      values (${userId}, ${file.projectId}, ${file.name}, ${file.size}, ${file.mime}, ${file.path}, ${file.text}, ${file.tokens},
              coalesce(${named[0]?.created_at ?? null}::timestamptz, now()))
      returning id`;
    if (file.chunks.length > 0) {
      await tx`insert into public.file_chunks ${tx(file.chunks.map((chunk) => ({
        file_id: row!.id, user_id: userId, chunk_index: chunk.index, content: chunk.content, token_count: chunk.tokens,
      })))}`;
    }
    return row!.id;
  });
}
