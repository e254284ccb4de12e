/**
 * The per-subscriber RLS check of postgres_changes: each viewer gets the answer its own role
 * and claims give, whether it shares them with other viewers (checked once) or not, whatever
 * the mix of roles in one batch; a viewer the server refuses does not hide the row from the
 * others, and a failed batch leaves its connection fit for the next.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthUser } from '../../../tests/helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../../../tests/helpers/database.ts';
import { Catalog, type TableInfo } from './catalog.ts';
import { checkVisibility, type Viewer } from './visibility.ts';

let db: TestDatabase;
let pool: pg.Pool;
let messages: TableInfo;
let messageId: string;
let xid: number;
const viewers: Record<'owner' | 'member' | 'stranger' | 'anon', Viewer> = {} as never;

const as = (sub: string): Viewer => ({ role: 'authenticated', claims: { sub, role: 'authenticated', aud: 'authenticated' } });

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('error', () => {});
  const [owner, member, stranger] = [await createAuthUser(db.sql), await createAuthUser(db.sql), await createAuthUser(db.sql)];
  const [session] = await db.sql<{ id: string }[]>`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'visibility') returning id`;
  await db.sql`insert into public.session_members (session_id, owner_id, user_id, role) values (${session!.id}, ${owner.id}, ${member.id}, 'viewer')`;
  const [row] = await db.sql<{ id: string; xid: string }[]>`
    insert into public.messages (session_id, user_id, sender, content) values (${session!.id}, ${owner.id}, 'user', 'hello')
    returning id, (pg_current_xact_id()::text::bigint % 4294967296)::text as xid`;
  messageId = row!.id;
  xid = Number(row!.xid);
  const [{ oid }] = await db.sql<{ oid: number }[]>`select 'public.messages'::regclass::oid::int as oid`;
  messages = (await new Catalog(pool, 'supabase_realtime').table(oid))!;
  Object.assign(viewers, { owner: as(owner.id), member: as(member.id), stranger: as(stranger.id), anon: { role: 'anon', claims: { role: 'anon' } } });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const check = (list: Viewer[]) => checkVisibility(pool, messages, [messageId], list, xid);

it('each viewer gets its own answer, in order, with repeated viewers and two roles in one batch', async () => {
  const { owner, member, stranger, anon } = viewers;
  expect(await check([owner, stranger, owner, anon, member, stranger, owner])).toEqual([true, false, true, false, true, false, true]);
  // The check is prepared as the first viewer and planned again for a viewer of another role:
  // service_role bypasses RLS, so a plan kept across the change of role would show here.
  const service: Viewer = { role: 'service_role', claims: { role: 'service_role' } };
  const { rows } = await pool.query<{ ok: boolean }>(`select has_table_privilege('service_role', 'public.messages', 'select') as ok`);
  expect(rows[0]!.ok).toBe(true);
  expect(await check([stranger, service, stranger, service])).toEqual([false, true, false, true]);
  expect(await check([service, stranger, anon, owner])).toEqual([true, false, false, true]);
  expect(await check([stranger])).toEqual([false]);
  expect(await check([])).toEqual([]);
});

it('a viewer whose role the server refuses sees nothing and hides nothing; the connection goes on', async () => {
  const { owner, member } = viewers;
  const ghost: Viewer = { role: 'no_such_role', claims: { role: 'no_such_role', sub: 'a-claim-not-to-log' } };
  const lines: string[] = [];
  expect(await checkVisibility(pool, messages, [messageId], [owner, ghost, member], xid, (line) => lines.push(line))).toEqual([true, false, true]);
  // Said once, for that viewer, with the server's reason and none of its claims.
  expect(lines).toEqual([
    'realtime: a row of public.messages was hidden from subscribers of role no_such_role: their RLS check failed (22023: role "no_such_role" does not exist)',
  ]);
  // The same single connection: the failed batch's transaction and prepared check are gone.
  expect(await check([member, owner])).toEqual([true, true]);
  const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements');
  expect(rows[0]!.n).toBe(0);
});

it('many distinct viewers are checked on several connections at once, each answer in its place', async () => {
  const { owner, member } = viewers;
  const wide = new pg.Pool({ connectionString: db.url, max: 4 });
  wide.on('error', () => {});
  const used = new Set<pg.PoolClient>();
  wide.on('acquire', (client) => used.add(client));
  try {
    // 60 different users (a group chat's members): two of them may see the row.
    const list = Array.from({ length: 60 }, (_, i) => (i === 0 ? owner : i === 45 ? member : as(randomUUID())));
    const answers = await checkVisibility(wide, messages, [messageId], list, xid);
    expect(answers).toEqual(list.map((_, i) => i === 0 || i === 45));
    expect(used.size).toBe(3); // all of the pool's connections but one
    // One user's many devices are one check, on one connection.
    used.clear();
    expect(await checkVisibility(wide, messages, [messageId], Array(60).fill(member), xid)).toEqual(Array(60).fill(true));
    expect(used.size).toBe(1);
  } finally {
    await wide.end();
  }
});

it('a row whose transaction still counts as in progress after the wait is hidden, and the log says so', async () => {
  const { owner } = viewers;
  const open = new pg.Client({ connectionString: db.url });
  const older = new pg.Client({ connectionString: db.url });
  await open.connect();
  await older.connect();
  try {
    // An older transaction still running keeps the snapshot's xmax below the row's xid (as
    // other work on the database does): the wait must still find the row's transaction.
    await older.query('begin');
    await older.query('select pg_current_xact_id()');
    // A row its owner could see, in a transaction that has not ended (as if streamed too early).
    await open.query('begin');
    const { rows } = await open.query<{ id: string; xid: string }>(
      `insert into public.messages (session_id, user_id, sender, content)
         select session_id, user_id, 'user', 'not yet' from public.messages where id = $1
       returning id, (pg_current_xact_id()::text::bigint % 4294967296)::text as xid`,
      [messageId],
    );
    const lines: string[] = [];
    const started = Date.now();
    expect(await checkVisibility(pool, messages, [rows[0]!.id], [owner], Number(rows[0]!.xid), (line) => lines.push(line))).toEqual([false]);
    const waited = Date.now() - started;
    // The log line first: when the wait did not happen (3 ms once, in a whole run), it says
    // whether the check waited and gave up or failed before its wait.
    expect(lines, `after ${waited} ms (xid ${rows[0]!.xid})`).toHaveLength(1);
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(lines[0]).toMatch(new RegExp(`^realtime: transaction ${rows[0]!.xid} was still in progress \\d+ ms after the stream delivered its commit: its row was checked as hidden \\(for one set of subscriber claims\\)$`));
    // A committed one is waited for not at all, and says nothing.
    lines.length = 0;
    expect(await checkVisibility(pool, messages, [messageId], [owner], xid, (line) => lines.push(line))).toEqual([true]);
    expect(lines).toEqual([]);
  } finally {
    await open.query('rollback');
    await open.end();
    await older.query('rollback').catch(() => {});
    await older.end();
  }
});
