/**
 * Records a project file and its chunks (POST /projects/{id}/files) on the owner connection:
 * the API roles may not insert them (20261203150100_restrict_project_file_writes.sql), since
 * the text and token count stored here decide what every chat of the project sends. Every
 * statement is bound to the verified user: the project must be theirs, the object in their
 * folder (the table's check says the same).
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
}

/** Records the file and its chunks; returns the new file's id. */
export async function recordProjectFile(sql: Sql, userId: string, file: NewProjectFile): Promise<string> {
  if (!file.path.startsWith(`${userId}/`)) throw new Error('a project file can only be recorded from the caller\'s own folder');
  return await sql.begin(async (tx) => {
    // Locked so two adds of the same text at once cannot both pass the duplicate check.
    const [project] = await tx`select 1 from public.projects where id = ${file.projectId} and user_id = ${userId} for no key update`;
    if (!project) throw notFound('Project');
    // The same text twice would take its share of every chat's context twice (a re-picked
    // file, or a copy under another name).
    const [same] = await tx<{ name: string }[]>`
      select name from public.file_metadata
       where project_id = ${file.projectId} and md5(extracted_text) = md5(${file.text}) and extracted_text = ${file.text}
       limit 1`;
    if (same) throw new ApiError(409, 'duplicate_project_file', `"${file.name}" is already in this project as "${same.name}"`);
    const [row] = await tx<{ id: string }[]>`
      insert into public.file_metadata (user_id, project_id, name, size, type, storage_path, extracted_text, token_count)
      values (${userId}, ${file.projectId}, ${file.name}, ${file.size}, ${file.mime}, ${file.path}, ${file.text}, ${file.tokens})
      returning id`;
    if (file.chunks.length > 0) {
      await tx`insert into public.file_chunks ${tx(file.chunks.map((chunk) => ({
        file_id: row!.id, user_id: userId, chunk_index: chunk.index, content: chunk.content, token_count: chunk.tokens,
      })))}`;
    }
    return row!.id;
  });
}
