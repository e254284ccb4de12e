/**
 * History at scale: 1,000,000 messages in 10,000 sessions (generated in SQL with
 * generate_series, each message the child of the one before), one of which holds 100,090 so
 * "middle" and "oldest" are deep. A 50-message page of the active branch at the newest,
 * middle and oldest position, through the API (gateway → Deno → the branch walk under RLS)
 * and as that query alone (lib/chat/branch.ts readBranchPage: parent links walked from the
 * leaf or the cursor, plus each message's siblings), against the same page read with OFFSET;
 * p50/p95; and EXPLAIN to show it is index lookups only, whatever the depth.
 */
import postgres, { type Sql, type TransactionSql } from 'postgres';
import { readBranchPage } from '../supabase/functions/api/lib/chat/branch.ts';
import { encodeCursor } from '../supabase/functions/api/lib/cursor.ts';
import { createAuthUser } from '../tests/helpers/actors.ts';
import type { BenchEnvironment } from './lib/environment.ts';
import { quantiles, round, type Figure } from './lib/stats.ts';

const SESSIONS = 10_000;
const PER_SESSION = 90;
const TOTAL = 1_000_000;
const BIG = TOTAL - (SESSIONS - 1) * PER_SESSION; // 100,090 in the deep session
const PAGE = 50;
const ITERATIONS = Number(process.env.BENCH_HISTORY_ITERATIONS ?? 200);

export interface HistoryData {
  userId: string;
  email: string;
  bigSession: string;
}

/** SQL for a version-4-shaped uuid derived from a text expression (the API checks uuids strictly). */
const uuidOf = (text: string) =>
  `(substr(md5(${text}), 1, 12) || '4' || substr(md5(${text}), 14, 3) || '8' || substr(md5(${text}), 18, 15))::uuid`;

/** Loads the data before the stack (and its replication slot) exists, so realtime does not replay it. */
export async function loadHistory(sql: Sql, log: (line: string) => void): Promise<HistoryData> {
  const started = performance.now();
  const user = await createAuthUser(sql);
  let rebuild = async () => {};
  const [big] = await sql.begin(async (tx) => {
    // Bulk load: per-row triggers (last_message_at touch) and FK checks are skipped, and
    // last_message_at is set once afterwards; the data is consistent by construction. The
    // secondary indexes are dropped and rebuilt with their exact definitions (a bulk build
    // is several times faster than a million single-row insertions).
    await tx`set local session_replication_role = replica`;
    await tx`set local maintenance_work_mem = '256MB'`;
    // Indexes behind constraints (the primary key, unique (session_id, id)) stay.
    const indexes = await tx<{ name: string; def: string }[]>`
      select c.relname as name, pg_get_indexdef(i.indexrelid) as def
        from pg_index i join pg_class c on c.oid = i.indexrelid
       where i.indrelid = 'public.messages'::regclass
         and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`;
    for (const index of indexes) await tx.unsafe(`drop index public.${index.name}`);
    rebuild = async () => {
      for (const index of indexes) await tx.unsafe(index.def);
    };
    await tx`
      insert into public.chat_sessions (user_id, title, created_at, last_message_at)
      select ${user.id}, 'bench session ' || i, now() - interval '30 days', now() - interval '30 days'
        from generate_series(1, ${SESSIONS}::int) i`;
    const sessions = tx`select id, row_number() over (order by id) as n from public.chat_sessions where user_id = ${user.id}`;
    // Ids derived from (session, position), so each message's parent is known while inserting.
    await tx`
      insert into public.messages (id, parent_id, session_id, user_id, sender, content, status, created_at, updated_at)
      select ${tx.unsafe(uuidOf("'h' || s.n || '-' || g"))}, case when g > 1 then ${tx.unsafe(uuidOf("'h' || s.n || '-' || (g - 1)"))} end,
             s.id, ${user.id}, case when g % 2 = 0 then 'user' else 'assistant' end,
             'message ' || g || ' of session ' || s.n || ' about topic ' || (g % 97),
             'complete', now() - interval '30 days' + g * interval '1 second', now()
        from (${sessions}) s, generate_series(1, case when s.n = 1 then ${BIG}::int else ${PER_SESSION}::int end) g`;
    await rebuild();
    await tx`
      update public.chat_sessions s set last_message_at = m.latest
        from (select session_id, max(created_at) as latest from public.messages where user_id = ${user.id} group by session_id) m
       where m.session_id = s.id`;
    await tx`
      update public.chat_sessions s
         set active_leaf_id = ${tx.unsafe(uuidOf(`'h' || x.n || '-' || case when x.n = 1 then ${BIG} else ${PER_SESSION} end`))}
        from (${sessions}) x where x.id = s.id`;
    return await tx<{ id: string }[]>`select id from (${sessions}) s where s.n = 1`;
  });
  await sql`vacuum analyze public.messages`;
  await sql`vacuum analyze public.chat_sessions`;
  // The load wrote hundreds of MB of WAL: without a checkpoint now, the checkpointer spreads its
  // writes over the next minutes (checkpoint_completion_target of checkpoint_timeout), into the
  // chat and concurrency sections that run next (https://www.postgresql.org/docs/current/wal-configuration.html).
  await sql`checkpoint`;
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from public.messages`;
  log(`history: ${count!.n} messages in ${SESSIONS} sessions loaded in ${Math.round((performance.now() - started) / 1000)} s`);
  return { userId: user.id, email: user.email, bigSession: big!.id };
}

const COLUMNS = 'id, session_id, sender, content, status, created_at';
type CursorRow = { t: string; id: string };

async function asUser<T>(sql: Sql, userId: string, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const claims = JSON.stringify({ sub: userId, role: 'authenticated' });
  return (await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${claims}, true), set_config('role', 'authenticated', true)`;
    return await fn(tx as unknown as Sql);
  })) as T;
}

/**
 * EXPLAIN ANALYZE of the statement `send` makes, as the user: the driver's debug hook hands
 * over the statement's text and parameters as they are sent, which then go again under
 * EXPLAIN — the app's own statement, not a copy of it that could drift.
 */
async function explainAsUser(url: string, userId: string, send: (tx: Sql) => Promise<unknown>): Promise<string> {
  let capturing = false;
  let sent: { query: string; parameters: unknown[] } | undefined;
  const probe = postgres(url, {
    max: 1,
    onnotice: () => {},
    debug: (_connection, query, parameters) => {
      if (capturing) sent ??= { query, parameters };
    },
  });
  try {
    return await asUser(probe, userId, async (tx) => {
      capturing = true;
      await send(tx);
      capturing = false;
      if (!sent) throw new Error('the statement to explain sent nothing');
      const rows = await tx.unsafe(`explain (analyze, format json) ${sent.query}`, sent.parameters as never[]);
      return JSON.stringify(rows[0]);
    });
  } finally {
    await probe.end({ timeout: 5 });
  }
}

async function timeMany(n: number, run: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < Math.min(10, n); i++) await run(); // warm-up
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  return samples;
}

export async function benchHistory(env: BenchEnvironment, data: HistoryData, log: (line: string) => void): Promise<Figure[]> {
  const stack = env.stack!;
  const { signAccessToken } = await import('../local/src/keys/index.ts');
  const token = await signAccessToken(stack.keys, { sub: data.userId, email: data.email, iss: `${stack.apiUrl}/auth/v1` });
  const sql = env.sql;
  const positions = { newest: 0, middle: Math.floor(BIG / 2), oldest: BIG - PAGE } as const;
  const figures: Figure[] = [];

  // EXPLAIN of the deepest keyset page, as the API runs it (RLS on).
  const cursorAt = async (offset: number): Promise<CursorRow | null> => {
    if (offset === 0) return null;
    const [row] = await sql<CursorRow[]>`
      select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as t, id
        from public.messages where session_id = ${data.bigSession} order by created_at desc, id desc offset ${offset - 1} limit 1`;
    return row ?? null;
  };
  // The API's own query: the active branch from the leaf, or from the cursor message's parent.
  const keyset = (tx: Sql, cursor: CursorRow | null) => readBranchPage(tx as unknown as TransactionSql, data.bigSession, PAGE, cursor?.id ?? null);
  const offsetPage = (tx: Sql, offset: number) => tx`
    select ${tx.unsafe(COLUMNS)} from public.messages
     where session_id = ${data.bigSession} order by created_at desc, id desc offset ${offset} limit ${PAGE + 1}`;

  const oldestCursor = await cursorAt(positions.oldest);
  const plan = await explainAsUser(env.db.url, data.userId, (tx) => keyset(tx, oldestCursor));
  // Index lookups only: primary key / (session_id, id) for the walk, (session_id, parent_id, …) for siblings.
  const usesIndex = /messages_session_id_parent_id_created_at_id_idx/.test(plan) && !/"Seq Scan"/.test(plan);
  const rowsRead = [...plan.matchAll(/"Actual Rows":\s*(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  log(`history: EXPLAIN (oldest branch page) reads ${rowsRead} rows in all its nodes`);
  const nodeTypes = [...new Set([...plan.matchAll(/"Node Type":\s*"([^"]+)"/g)].map((m) => m[1]))].join(' → ');
  log(`history: EXPLAIN (oldest branch page): ${nodeTypes}; index lookups only: ${usesIndex}`);

  for (const [name, offset] of Object.entries(positions)) {
    const cursor = await cursorAt(offset);
    const sqlKeyset = await timeMany(ITERATIONS, () => asUser(sql, data.userId, async (tx) => void (await keyset(tx, cursor))));
    const sqlOffset = await timeMany(ITERATIONS, () => asUser(sql, data.userId, async (tx) => void (await offsetPage(tx, offset))));
    const query = `limit=${PAGE}${cursor ? `&before=${encodeURIComponent(encodeCursor({ t: cursor.t, id: cursor.id }))}` : ''}`;
    let checked = false;
    const api = await timeMany(ITERATIONS, async () => {
      const res = await fetch(`${stack.apiUrl}/functions/v1/api/sessions/${data.bigSession}/messages?${query}`, {
        headers: { apikey: stack.keys.publishableKey, authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { messages?: unknown[] };
      if (res.status !== 200 || body.messages?.length !== PAGE) throw new Error(`history page ${name}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      checked = true;
    });
    const k = quantiles(sqlKeyset);
    const o = quantiles(sqlOffset);
    const a = quantiles(api);
    log(`history ${name}: API p50 ${round(a.p50)} p95 ${round(a.p95)}; SQL branch page p50 ${round(k.p50)} p95 ${round(k.p95)}; OFFSET p50 ${round(o.p50)} p95 ${round(o.p95)} (pages checked: ${checked})`);
    const group = `history (${name} page)`;
    figures.push(
      { group, name: 'API p50', unit: 'ms', value: a.p50, baseline: o.p50, baselineLabel: 'SQL OFFSET p50' },
      { group, name: 'API p95', unit: 'ms', value: a.p95, baseline: o.p95, baselineLabel: 'SQL OFFSET p95', target: '≤ 10 ms', met: a.p95 <= 10 },
      { group, name: 'SQL branch page p50', unit: 'ms', value: k.p50, baseline: o.p50, baselineLabel: 'SQL OFFSET p50' },
      { group, name: 'SQL branch page p95', unit: 'ms', value: k.p95, baseline: o.p95, baselineLabel: 'SQL OFFSET p95', target: '≤ 2 ms', met: k.p95 <= 2 },
    );
  }
  figures.push({ group: 'history', name: `EXPLAIN of the branch page is index lookups only: ${nodeTypes}`, unit: 'count', value: usesIndex ? 1 : 0, baseline: null, baselineLabel: '', target: '1', met: usesIndex });
  return figures;
}
