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
 * (projects_enforce_quota, which counts under a lock per owner, so two imports at once cannot
 * both take the last place). A folder past it is not made into a project: its chats still come
 * in, without one, and the request reports the folder (notMade), rather than refusing the
 * chats for their filing. Its ledger stays empty, so a later import, once there is room, makes
 * the project for the chats it adds.
 */
import type { TransactionSql } from 'postgres';
import { rowQuotaOf } from '../db-errors.ts';

export interface ImportFolder {
  /** The folder's id in the source: the same id is the same project. */
  source_id: string;
  /** What the project is called when it is made (projects.name: 1 to 100 characters). */
  name: string;
}

/** A folder of the request that did not become a project, and why. */
export interface FolderNotMade extends ImportFolder {
  /** project_limit: the account holds as many projects as it may. */
  reason: 'project_limit';
}

/** Finds or makes the projects of one import request's folders, each once per request. */
export class FolderProjects {
  /** Each folder's project, or null for one not made (asked again, it is not tried again). */
  readonly #made = new Map<string, string | null>();
  readonly #notMade: FolderNotMade[] = [];

  constructor(
    private readonly tx: TransactionSql,
    private readonly userId: string,
  ) {}

  /** The folders this request could not make into projects, in the order it met them. */
  get notMade(): readonly FolderNotMade[] {
    return this.#notMade;
  }

  /** The folder's project; null when the account has no room for it (the chat goes in without one). */
  async projectFor(source: string, folder: ImportFolder): Promise<string | null> {
    // A Map, not an object: a folder id such as `__proto__` is only a key.
    const key = `${source}\u0000${folder.source_id}`;
    const known = this.#made.get(key);
    if (known !== undefined) return known;
    const projectId = (await this.#recorded(source, folder, { lock: true })) ?? (await this.#make(source, folder));
    this.#made.set(key, projectId);
    if (projectId === null) this.#notMade.push({ source_id: folder.source_id, name: folder.name, reason: 'project_limit' });
    return projectId;
  }

  async #make(source: string, folder: ImportFolder): Promise<string | null> {
    const project = await this.#insertProject(folder.name);
    if (!project) {
      // The quota's lock waited for a request that took the last place; if that request was
      // importing this very folder, its project is the folder's (read afresh: it has committed).
      return await this.#recorded(source, folder);
    }
    // Another request importing the same folder meanwhile made it first (the insert waits for
    // that request to end): its project is the folder's, and this one's goes.
    const [recorded] = await this.tx<{ project_id: string }[]>`
      insert into private.project_imports (user_id, source, source_id, project_id)
      values (${this.userId}, ${source}, ${folder.source_id}, ${project.id})
      on conflict (user_id, source, source_id) do nothing
      returning project_id`;
    if (recorded) return recorded.project_id;
    await this.tx`delete from public.projects where id = ${project.id} and user_id = ${this.userId}`;
    return (await this.#recorded(source, folder))!;
  }

  /** The project the ledger says the folder became, or null; `lock` holds its row for this request. */
  async #recorded(source: string, folder: ImportFolder, { lock = false } = {}): Promise<string | null> {
    const [row] = await this.tx<{ project_id: string }[]>`
      select project_id from private.project_imports
       where user_id = ${this.userId} and source = ${source} and source_id = ${folder.source_id}
       ${lock ? this.tx`for update` : this.tx``}`;
    return row?.project_id ?? null;
  }

  /**
   * The project, or null when the quota refuses it. In a savepoint, so that the refusal undoes
   * only this insert and the request's chats are still written.
   */
  async #insertProject(name: string): Promise<{ id: string } | null> {
    try {
      return await this.tx.savepoint(async (sp) => {
        const [project] = await sp<{ id: string }[]>`
          insert into public.projects (user_id, name) values (${this.userId}, ${name}) returning id`;
        return project;
      });
    } catch (error) {
      if (rowQuotaOf(error)?.table === 'projects') return null;
      throw error;
    }
  }
}
