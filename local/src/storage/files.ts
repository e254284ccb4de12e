/**
 * Object bytes on disk, under the data folder: `<root>/<version>` for each stored version
 * (a fresh UUID per write, so names never reach the filesystem). A write streams into
 * `<root>/.tmp/` while counting bytes and hashing, and only a complete file is renamed into
 * place; anything that fails on the way is removed. Deleting a version removes its file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ERRORS } from './errors.ts';

export interface StagedFile {
  tempPath: string;
  size: number;
  /** Quoted MD5 hex, as S3 and the Storage API's file backend report it. */
  eTag: string;
}

export class FileStore {
  private readonly tempDir: string;

  constructor(readonly root: string) {
    this.tempDir = path.join(root, '.tmp');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.tempDir, { recursive: true, mode: 0o700 });
    // Leftovers of a process that died mid-upload: never part of any object.
    for (const name of await fs.readdir(this.tempDir)) await fs.rm(path.join(this.tempDir, name), { force: true });
  }

  /** Streams body into a temp file; more than maxBytes rejects with EntityTooLarge. */
  async stage(body: Readable, maxBytes: number): Promise<StagedFile> {
    const tempPath = path.join(this.tempDir, randomUUID());
    const hash = createHash('md5');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(ERRORS.entityTooLarge());
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const file = createWriteStream(tempPath, { mode: 0o600 });
    try {
      await pipeline(body, meter, file);
    } catch (error) {
      // pipeline can settle before the write stream has even opened its file (a first chunk
      // over the limit): wait for it to close, or the open lands after the rm and leaves an
      // empty temp file behind (~1 in 170 uploads).
      if (!file.closed) await once(file, 'close').catch(() => {});
      await fs.rm(tempPath, { force: true });
      throw error;
    }
    return { tempPath, size, eTag: `"${hash.digest('hex')}"` };
  }

  /** Moves a staged file into place as `version`. */
  async commit(staged: StagedFile, version: string): Promise<void> {
    await fs.rename(staged.tempPath, this.pathOf(version));
  }

  async discard(staged: StagedFile | undefined): Promise<void> {
    if (staged) await fs.rm(staged.tempPath, { force: true });
  }

  /** Copies a stored version to a new one (copy and move keep the source until commit). */
  async duplicate(from: string, to: string): Promise<void> {
    const tempPath = path.join(this.tempDir, randomUUID());
    try {
      await fs.copyFile(this.pathOf(from), tempPath);
      await fs.rename(tempPath, this.pathOf(to));
    } catch (error) {
      await fs.rm(tempPath, { force: true });
      throw error;
    }
  }

  async remove(version: string | null | undefined): Promise<void> {
    if (version) await fs.rm(this.pathOf(version), { force: true });
  }

  read(version: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(version), range);
  }

  async exists(version: string): Promise<boolean> {
    return await fs.access(this.pathOf(version)).then(() => true, () => false);
  }

  private pathOf(version: string): string {
    if (!/^[0-9a-f-]{36}$/.test(version)) throw new Error('invalid object version');
    return path.join(this.root, version);
  }
}
