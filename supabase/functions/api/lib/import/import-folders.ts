/**
 * The project an imported chat is filed in: one per folder of its source (chatbot-ui's chat
 * folders), named after it and made at the first new chat in it. The ledger
 * private.project_imports remembers which project a folder became, so the folder's later chats
 * — in the next request of a big file, or in a newer export of the same browser — join it
 * rather than a second project of the same name.
 *
 * Written, like the rest of the import, on the function's privileged connection and only ever
 * for the verified user's id, with no prompt (the one thing the projects' insert policy checks
 * beyond the owner). The account's quota of projects holds for every writer
 * (projects_enforce_quota): a request past it fails whole, 409 limit_reached.
 */
import type { TransactionSql } from 'postgres';

export interface ImportFolder {
  /** The folder's id in the source: the same id is the same project. */
  source_id: string;
  /** What the project is called when it is made (projects.name: 1 to 100 characters). */
  name: string;
}

/** Finds or makes the projects of one import request's folders, each once per request. */
export class FolderProjects {
  readonly #made = new Map<string, string>();

  constructor(
    private readonly tx: TransactionSql,
    private readonly userId: string,
  ) {}

  async projectFor(source: string, folder: ImportFolder): Promise<string> {
    // A Map, not an object: a folder id such as `__proto__` is only a key.
    const key = `${source}\u0000${folder.source_id}`;
    const known = this.#made.get(key);
    if (known) return known;
    const [ledger] = await this.tx<{ project_id: string }[]>`
      select project_id from private.project_imports
       where user_id = ${this.userId} and source = ${source} and source_id = ${folder.source_id}
         for update`;
    const projectId = ledger?.project_id ?? (await this.#make(source, folder));
    this.#made.set(key, projectId);
    return projectId;
  }

  async #make(source: string, folder: ImportFolder): Promise<string> {
    const [project] = await this.tx<{ id: string }[]>`
      insert into public.projects (user_id, name) values (${this.userId}, ${folder.name}) returning id`;
    // Another request importing the same folder meanwhile made it first (the insert waits for
    // that request to end): its project is the folder's, and this one's goes.
    const [recorded] = await this.tx<{ project_id: string }[]>`
      insert into private.project_imports (user_id, source, source_id, project_id)
      values (${this.userId}, ${source}, ${folder.source_id}, ${project.id})
      on conflict (user_id, source, source_id) do nothing
      returning project_id`;
    if (recorded) return recorded.project_id;
    await this.tx`delete from public.projects where id = ${project.id} and user_id = ${this.userId}`;
    const [first] = await this.tx<{ project_id: string }[]>`
      select project_id from private.project_imports where user_id = ${this.userId} and source = ${source} and source_id = ${folder.source_id}`;
    return first.project_id;
  }
}
