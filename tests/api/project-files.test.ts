/**
 * Project files (issue 12, item 3) and their lifecycle (item 4), through the real API and the
 * local Storage: every supported type is added with its text extracted and counted; images,
 * binaries and unreadable PDFs are refused and their uploads removed; another user can
 * neither add nor see files; deleting a file, project or account leaves no object in the bucket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../supabase/functions/api/app.ts';
import { makePdf, makePng } from '../fixtures/files.ts';
import { createStorageApiHarness, uploadAs, type StorageApiHarness, type StorageApiUser } from '../helpers/storage-api.ts';

let h: StorageApiHarness;
beforeAll(async () => { h = await createStorageApiHarness(); });
afterAll(async () => { await h?.close(); });

async function project(user: StorageApiUser): Promise<string> {
  const res = await user.request('POST', '/projects', { name: 'Research' });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const upload = (user: StorageApiUser, name: string, body: Buffer | string, contentType: string) => uploadAs(user, 'projects', name, body, contentType);

describe('adding project files', () => {
  it.each([
    ['notes.md', '# Plan\n\nShip **storage**.', 'text/markdown', 'text/markdown'],
    ['data.csv', 'city,people\nParis,2100000\n', 'text/csv', 'text/csv'],
    ['config.json', '{"retries":3}', 'application/json', 'application/json'],
    ['main.ts', 'export const answer = 42;\n', 'text/plain', 'text/x-typescript'],
    ['plain.txt', 'just words', 'text/plain', 'text/plain'],
  ])('extracts and counts %s', async (name, body, uploadedAs, sniffed) => {
    const alice = await h.createUser();
    const id = await project(alice);
    const path = await upload(alice, name, body, uploadedAs);
    const res = await alice.request('POST', `/projects/${id}/files`, { path });
    expect(res.status).toBe(201);
    const file = await res.json();
    expect(file).toMatchObject({ project_id: id, name, size: Buffer.byteLength(body), type: sniffed, storage_path: path });
    expect(file.token_count).toBeGreaterThan(0);
    const [row] = await h.stack.db.sql`select extracted_text from public.file_metadata where id = ${file.id}`;
    expect(row!.extracted_text).toContain(name === 'config.json' ? '"retries": 3' : body.trim().split('\n')[0]);
  });

  it('extracts every page of a PDF and chunks long text', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const path = await upload(alice, 'report.pdf', makePdf(['Quarterly report', 'Revenue grew 12 percent']), 'application/pdf');
    const file = await (await alice.request('POST', `/projects/${id}/files`, { path })).json();
    expect(file).toMatchObject({ type: 'application/pdf', name: 'report.pdf' });
    const [row] = await h.stack.db.sql`select extracted_text from public.file_metadata where id = ${file.id}`;
    expect(row!.extracted_text).toBe('[page 1]\nQuarterly report\n\n[page 2]\nRevenue grew 12 percent');

    const long = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} about topic ${i % 7}. `.repeat(8)).join('\n\n');
    const longPath = await upload(alice, 'long.md', long, 'text/markdown');
    const longFile = await (await alice.request('POST', `/projects/${id}/files`, { path: longPath })).json();
    const chunks = await h.stack.db.sql`select chunk_index, token_count from public.file_chunks where file_id = ${longFile.id} order by chunk_index`;
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.token_count <= 400)).toBe(true);
    expect(chunks.reduce((sum, c) => sum + c.token_count, 0)).toBeGreaterThanOrEqual(longFile.token_count - chunks.length);
  });

  it('refuses images, binaries, unreadable PDFs and empty files with clear errors and removes the upload', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const cases: [string, Buffer, string, number, string][] = [
      ['photo.png', makePng(4, 4, [200, 10, 10]), 'image/png', 415, 'unsupported_project_file'],
      ['fake.txt', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0]), 'text/plain', 415, 'unsupported_project_file'],
      ['broken.pdf', makePdf(['x']).subarray(0, 60), 'application/pdf', 422, 'unreadable_attachment'],
      ['empty.txt', Buffer.alloc(0), 'text/plain', 422, 'empty_project_file'],
      ['blank.md', Buffer.from(' \n\n\t\n'), 'text/markdown', 422, 'empty_project_file'],
    ];
    for (const [name, body, type, status, code] of cases) {
      const path = await upload(alice, name, body, type);
      const res = await alice.request('POST', `/projects/${id}/files`, { path });
      expect(res.status, name).toBe(status);
      expect((await res.json()).error.code).toBe(code);
      expect(await h.bucketObjects(path)).toEqual([]);
    }
    expect((await (await alice.request('GET', `/projects/${id}/files`)).json()).files).toEqual([]);
  });

  it("another user can neither add someone else's upload nor see or delete a project's files", async () => {
    const alice = await h.createUser();
    const mallory = await h.createUser();
    const id = await project(alice);
    const path = await upload(alice, 'secret.md', '# secret', 'text/markdown');
    const file = await (await alice.request('POST', `/projects/${id}/files`, { path })).json();

    const malloryProject = await project(mallory);
    const steal = await mallory.request('POST', `/projects/${malloryProject}/files`, { path });
    expect(steal.status).toBe(400);
    expect((await steal.json()).error.code).toBe('invalid_attachment_path');
    expect((await mallory.request('GET', `/projects/${id}/files`)).status).toBe(404);
    expect((await mallory.request('DELETE', `/projects/${id}/files/${file.id}`)).status).toBe(404);
    const ownPath = await upload(mallory, 'mine.md', '# mine', 'text/markdown');
    expect((await mallory.request('POST', `/projects/${id}/files`, { path: ownPath })).status).toBe(404);
    expect(await h.bucketObjects(path)).toEqual([path]);
  });
});

describe('what a demanding user adds twice, too much of, or from Windows', () => {
  it('refuses a file whose text is already in the project (under any name) and removes the second upload', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const first = await upload(alice, 'notes.md', '# Plan\n\nShip it.', 'text/markdown');
    expect((await alice.request('POST', `/projects/${id}/files`, { path: first })).status).toBe(201);
    const again = await upload(alice, 'notes (1).md', '# Plan\n\nShip it.', 'text/markdown');
    const res = await alice.request('POST', `/projects/${id}/files`, { path: again });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: 'duplicate_project_file', message: expect.stringContaining('"notes.md"') });
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([first]);
    expect((await (await alice.request('GET', `/projects/${id}/files`)).json()).files).toHaveLength(1);
    // Another project may have the same file.
    const other = await project(alice);
    const there = await upload(alice, 'notes.md', '# Plan\n\nShip it.', 'text/markdown');
    expect((await alice.request('POST', `/projects/${other}/files`, { path: there })).status).toBe(201);
  });

  it('a name already in the project is 409 project_file_exists; with replace the new file takes the old one\'s place, and a failed replace keeps the old', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const first = await upload(alice, 'notes.md', '# Plan\n\nShip it.', 'text/markdown');
    const old = await (await alice.request('POST', `/projects/${id}/files`, { path: first })).json();
    const later = await upload(alice, 'later.md', '# Later', 'text/markdown');
    expect((await alice.request('POST', `/projects/${id}/files`, { path: later })).status).toBe(201);

    const edited = await upload(alice, 'notes.md', '# Plan\n\nShip it on Friday.', 'text/markdown');
    const refused = await alice.request('POST', `/projects/${id}/files`, { path: edited, name: 'notes.md' });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatchObject({ code: 'project_file_exists', file_id: old.id, message: expect.stringContaining('"notes.md"') });

    // A replacement the API refuses (empty) leaves the old file, its text and its object.
    const empty = await upload(alice, 'notes.md', '   ', 'text/markdown');
    const failed = await alice.request('POST', `/projects/${id}/files`, { path: empty, name: 'notes.md', replace: true });
    expect(failed.status).toBe(422);
    const names = async () => ((await (await alice.request('GET', `/projects/${id}/files`)).json()).files as { id: string; name: string }[]);
    expect((await names()).map((f) => f.id)).toEqual([old.id, expect.any(String)]);

    const again = await upload(alice, 'notes.md', '# Plan\n\nShip it on Friday.', 'text/markdown');
    const replaced = await alice.request('POST', `/projects/${id}/files`, { path: again, name: 'notes.md', replace: true });
    expect(replaced.status).toBe(201);
    const file = await replaced.json();
    expect((await names()).map((f) => [f.id, f.name])).toEqual([[file.id, 'notes.md'], [expect.any(String), 'later.md']]);
    const [row] = await h.stack.db.sql`select extracted_text from public.file_metadata where id = ${file.id}`;
    expect(row!.extracted_text).toContain('Friday');
    expect(await h.stack.db.sql`select 1 from public.file_chunks where file_id = ${old.id}`).toHaveLength(0);
    // The old object is gone with its row; only the files in the project are in the bucket.
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([again, later].sort());
  });

  it('refuses text longer than a project file holds with a clear 413 instead of keeping only its beginning', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const long = 'row,value\n' + 'a,1\n'.repeat(600_000); // 2.4 million characters, 2.4 MB
    const path = await upload(alice, 'big.csv', long, 'text/csv');
    const res = await alice.request('POST', `/projects/${id}/files`, { path });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ code: 'project_file_too_long', message: expect.stringMatching(/"big\.csv".*2,000,000/) });
    expect(await h.bucketObjects(path)).toEqual([]);
    expect((await (await alice.request('GET', `/projects/${id}/files`)).json()).files).toEqual([]);
  });

  it('reads UTF-16 text (Excel "Unicode text", PowerShell output) and says plainly when text is not UTF-8', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name\tcity\r\nZoë\tKöln\r\n', 'utf16le')]);
    const path = await upload(alice, 'people.txt', utf16, 'text/plain');
    const res = await alice.request('POST', `/projects/${id}/files`, { path });
    expect(res.status).toBe(201);
    const file = await res.json();
    const [row] = await h.stack.db.sql`select extracted_text from public.file_metadata where id = ${file.id}`;
    expect(row!.extracted_text).toBe('name\tcity\nZoë\tKöln\n');

    const latin1 = await upload(alice, 'prices.csv', Buffer.from('item,price\nCafé,3 €\n', 'latin1'), 'text/csv');
    const refused = await alice.request('POST', `/projects/${id}/files`, { path: latin1 });
    expect(refused.status).toBe(415);
    expect((await refused.json()).error).toMatchObject({ code: 'not_utf8_text', message: expect.stringMatching(/"prices\.csv".*UTF-8/) });
    expect(await h.bucketObjects(latin1)).toEqual([]);
  });
});

describe('on a database without pgvector (the local stack\'s embedded Postgres)', () => {
  it('the embedding migration changed nothing, and adding a file calls no embedding endpoint', async () => {
    const [vector] = await h.stack.db.sql`select count(*)::int as n from pg_available_extensions where name = 'vector'`;
    expect(vector!.n).toBe(0);
    const columns = await h.stack.db.sql`
      select attname from pg_attribute where attrelid = 'public.file_chunks'::regclass and attname like 'embedding%' and not attisdropped`;
    expect(columns).toEqual([]);
    expect((await h.stack.db.sql`select private.add_file_chunk_embeddings() as added`)[0]!.added).toBe(false);
    expect(await h.stack.db.sql`select 1 from pg_policies where tablename = 'file_chunks' and cmd = 'UPDATE'`).toEqual([]);

    const alice = await h.createUser();
    const id = await project(alice);
    const path = await upload(alice, 'plain.md', '# Plain\n\nNo vectors here.', 'text/markdown');
    expect((await alice.request('POST', `/projects/${id}/files`, { path })).status).toBe(201);
    // Background work of the add (the sweep; embeddings where pgvector is) settles quickly; none reaches the provider.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.provider.requests.filter((r) => r.path === '/v1/embeddings')).toEqual([]);
  });
});

describe('per-user storage quota (ATTACHMENT_QUOTA_BYTES)', () => {
  it('past the quota, a file is refused with 413 storage_quota_exceeded and its upload removed, in projects and in chat', async () => {
    // The same API with a 10 KB quota.
    const small = createApp({ ...h.config, storage: { ...h.config.storage, quotaBytes: 10_000 } }, { db: h.apiDb, log: () => {} });
    const alice = await h.createUser();
    const asAlice = async (method: string, path: string, body: unknown) => await small.request(`/api${path}`, {
      method, headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const id = await project(alice);
    const fits = await upload(alice, 'fits.md', 'x'.repeat(6_000), 'text/markdown');
    expect((await asAlice('POST', `/projects/${id}/files`, { path: fits })).status).toBe(201);

    const over = await upload(alice, 'over.md', 'y'.repeat(6_000), 'text/markdown');
    const refused = await asAlice('POST', `/projects/${id}/files`, { path: over });
    expect(refused.status).toBe(413);
    expect((await refused.json()).error).toMatchObject({ code: 'storage_quota_exceeded', message: expect.stringMatching(/delete some/) });
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([fits]);

    const inChat = await upload(alice, 'chat.md', 'z'.repeat(6_000), 'text/markdown');
    const chat = await asAlice('POST', '/chat', { provider: 'demo', model: 'demo-model', message: 'read this', attachments: [inChat] });
    expect(chat.status).toBe(413);
    expect((await chat.json()).error).toMatchObject({ code: 'storage_quota_exceeded' });
  });
});

describe('account export', () => {
  it('includes project files with their text and a working download URL', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const path = await upload(alice, 'export-me.md', '# Export me', 'text/markdown');
    await alice.request('POST', `/projects/${id}/files`, { path });
    const res = await alice.request('GET', '/me/export');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.files).toEqual([expect.objectContaining({ kind: 'project', project_id: id, name: 'export-me.md', path, size: 11, extracted_text: '# Export me' })]);
    const download = await fetch(body.files[0].download_url);
    expect(await download.text()).toBe('# Export me');
  });
});

describe('lifecycle: no orphaned objects', () => {
  it('deleting a file, then a project, removes their objects from the bucket', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const first = await upload(alice, 'a.md', '# A', 'text/markdown');
    const second = await upload(alice, 'b.md', '# B', 'text/markdown');
    const fileA = await (await alice.request('POST', `/projects/${id}/files`, { path: first })).json();
    await alice.request('POST', `/projects/${id}/files`, { path: second });
    expect(await h.bucketObjects(`${alice.id}/`)).toHaveLength(2);

    expect((await alice.request('DELETE', `/projects/${id}/files/${fileA.id}`)).status).toBe(204);
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([second]);
    expect((await alice.request('DELETE', `/projects/${id}`)).status).toBe(204);
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([]);
    const { stored } = await import('../contract/storage-helpers.ts').then((m) => m.filesOnDisk(h.stack));
    const versions = await h.stack.db.sql`select version from storage.objects`;
    expect(stored.sort()).toEqual(versions.map((v) => v.version).sort());
  });

  it('a DELETE answers after a drain already removing queued objects has finished, not before', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    const path = await upload(alice, 'held.md', '# held', 'text/markdown');
    await h.stack.db.sql`insert into private.storage_cleanup (storage_path) values (${path})`;
    // Another drain (a background sweep's) holds the queued row while Storage removes its object.
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    let finish!: () => void;
    const released = new Promise<void>((resolve) => (finish = resolve));
    const otherDrain = h.stack.db.sql.begin(async (tx) => {
      await tx`select storage_path from private.storage_cleanup where storage_path = ${path} for update`;
      holding();
      await released;
      await tx`delete from private.storage_cleanup where storage_path = ${path}`;
    });
    await held;
    const answered = alice.request('DELETE', `/projects/${id}`).then((res) => ({ status: res.status, at: performance.now() }));
    // The other drain goes on 300 ms later. Not compared with when its commit reached this
    // process: the DELETE's answer, sent once the commit frees the row, can be read here first.
    let releasedAt = Infinity;
    setTimeout(() => {
      releasedAt = performance.now();
      finish();
    }, 300);
    const [{ status, at }] = await Promise.all([answered, otherDrain]);
    expect(status).toBe(204);
    expect(at).toBeGreaterThanOrEqual(releasedAt);
    expect(await h.stack.db.sql`select 1 from private.storage_cleanup where storage_path = ${path}`).toHaveLength(0);
  });

  it('deleting the account removes every object in the user folder, sent or not', async () => {
    const alice = await h.createUser();
    const id = await project(alice);
    await alice.request('POST', `/projects/${id}/files`, { path: await upload(alice, 'kept.md', '# kept', 'text/markdown') });
    await upload(alice, 'never-used.txt', 'loose', 'text/plain');
    expect(await h.bucketObjects(`${alice.id}/`)).toHaveLength(2);
    expect((await alice.request('DELETE', '/me')).status).toBe(204);
    expect(await h.bucketObjects(`${alice.id}/`)).toEqual([]);
  });
});
