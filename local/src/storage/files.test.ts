import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileStore } from './files.ts';

let root: string;
let store: FileStore;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'mrp-files-'));
  store = new FileStore(root);
  await store.init();
});
afterAll(async () => { await fs.rm(root, { recursive: true, force: true }); });

// A first chunk over the limit fails the pipeline before the temp file is even open; the
// rm used to run before the open and leave an empty file (seen 3 times in 500 here).
it('leaves no temp file when the first chunk is already over the limit', async () => {
  for (let i = 0; i < 1000; i++) {
    await expect(store.stage(Readable.from([Buffer.alloc(5000)]), 1000)).rejects.toMatchObject({ code: 'EntityTooLarge', statusCode: 413 });
  }
  expect(await fs.readdir(path.join(root, '.tmp'))).toEqual([]);
});

it('stages a body within the limit with its size and MD5 ETag', async () => {
  const staged = await store.stage(Readable.from([Buffer.from('hello')]), 5);
  expect(staged).toMatchObject({ size: 5, eTag: '"5d41402abc4b2a76b9719d911017c592"' });
  await store.discard(staged);
  expect(await fs.readdir(path.join(root, '.tmp'))).toEqual([]);
});
