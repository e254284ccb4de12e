// Database lint: catalog queries that fail the build when a migration lands a table without
// RLS or policies, a policy for PUBLIC or calling auth.uid() per row, a security-definer
// function with a mutable search_path, an unindexed foreign key, a duplicate index, an
// unchecked text column, a TRUNCATE grant (TRUNCATE ignores RLS), or an index computed by a SQL
// function with a SET clause (never inlined: its body is parsed and planned again by every
// statement that writes an indexed row — a chat turn's rows among them). Each rule is also shown
// to fire on a bad object created in a rolled-back transaction.
import type { Sql, TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** Schemas the app's migrations own. */
const APP_SCHEMAS = `('public', 'private')`;

/** Each rule returns one row `{ problem }` per offending object. */
const RULES = {
  'table without RLS': `
    select format('%I.%I', n.nspname, c.relname) as problem
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity`,

  'table without policies': `
    select format('%I.%I', n.nspname, c.relname) as problem
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p')
       and not exists (select 1 from pg_policy p where p.polrelid = c.oid)`,

  'policy for PUBLIC instead of a named role': `
    select format('%s: %s', p.polrelid::regclass, p.polname) as problem
      from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ${APP_SCHEMAS} and 0 = any (p.polroles)`,

  'auth function called per row in a policy': `
    select format('%s: %s', p.polrelid::regclass, p.polname) as problem
      from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
      cross join lateral (select coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' '
                              || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') as expr) e
     where n.nspname in ${APP_SCHEMAS}
       and regexp_count(e.expr, 'auth\\.(uid|jwt|role|email)\\(\\)')
         > regexp_count(e.expr, 'SELECT auth\\.(uid|jwt|role|email)\\(\\)')`,

  'security definer without a fixed search_path': `
    select p.oid::regprocedure::text as problem
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where p.prosecdef
       and n.nspname not in ('pg_catalog', 'information_schema')
       and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) cfg where cfg like 'search_path=%')`,

  'foreign key without a covering index': `
    select format('%s: %s', c.conrelid::regclass, c.conname) as problem
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
     where c.contype = 'f' and n.nspname in ${APP_SCHEMAS}
       and not exists (
         select 1 from pg_index i
          where i.indrelid = c.conrelid and i.indpred is null
            and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
            and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey)`,

  'duplicate index': `
    select string_agg(i.indexrelid::regclass::text, ' = ' order by i.indexrelid::regclass::text) as problem
      from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ${APP_SCHEMAS}
     group by i.indrelid, c.relam, i.indkey::text, i.indclass::text, i.indcollation::text,
              coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
    having count(*) > 1`,

  'text or jsonb column without a check constraint': `
    select format('%I.%I.%I', n.nspname, c.relname, a.attname) as problem
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ${APP_SCHEMAS} and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
       and a.atttypid in ('text'::regtype, 'varchar'::regtype, 'text[]'::regtype, 'jsonb'::regtype)
       and not exists (select 1 from pg_constraint k
                        where k.conrelid = c.oid and k.contype = 'c' and a.attnum = any (k.conkey))`,

  'TRUNCATE granted to an API role': `
    select format('%I.%I to %s', n.nspname, c.relname, r.rolname) as problem
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      cross join (values ('anon'), ('authenticated'), ('service_role')) r(rolname)
     where n.nspname in ${APP_SCHEMAS} and c.relkind in ('r', 'p')
       and has_table_privilege(r.rolname, c.oid, 'TRUNCATE')`,

  'index computed by a SQL function with a SET clause': `
    select format('%I.%I: %I.%I', n.nspname, ic.relname, pn.nspname, p.proname) as problem
      from pg_depend d
      join pg_class ic on ic.oid = d.objid join pg_namespace n on n.oid = ic.relnamespace and ic.relkind = 'i'
      join pg_proc p on p.oid = d.refobjid join pg_namespace pn on pn.oid = p.pronamespace
      join pg_language l on l.oid = p.prolang
     where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_proc'::regclass
       and n.nspname in ${APP_SCHEMAS} and l.lanname = 'sql' and p.proconfig is not null`,

  'private schema reachable by an API role': `
    select r.rolname as problem
      from (values ('anon'), ('authenticated'), ('service_role')) r(rolname)
     where has_schema_privilege(r.rolname, 'private', 'USAGE')`,
} as const;

type Rule = keyof typeof RULES;

async function lint(sql: Sql | TransactionSql, rule: Rule): Promise<string[]> {
  const rows = await sql.unsafe(RULES[rule]);
  return rows.map((r) => String(r.problem));
}

class Rollback extends Error {}

/** Runs setup and the rule in a transaction that is always rolled back. */
async function lintAfter(setup: string, rule: Rule): Promise<string[]> {
  let problems: string[] = [];
  await db.sql.begin(async (tx) => {
    await tx.unsafe(setup);
    problems = await lint(tx, rule);
    throw new Rollback();
  }).catch((error) => { if (!(error instanceof Rollback)) throw error; });
  return problems;
}

describe('database lint: the migrated schema', () => {
  it.each(Object.keys(RULES) as Rule[])('has no %s', async (rule) => {
    expect(await lint(db.sql, rule)).toEqual([]);
  });

  it('has RLS and at least one policy on every table in public', async () => {
    const tables = await db.sql`select c.relname, c.relrowsecurity,
        (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`;
    // The query sees the tables (each new migration's tables are checked by the loop below,
    // without every migration having to edit this list).
    expect(tables.map((t) => t.relname)).toEqual(expect.arrayContaining([
      'api_credentials', 'chat_sessions', 'messages', 'profiles', 'projects',
      'prompt_labels', 'prompt_usage_logs', 'prompt_versions', 'prompts', 'session_shares',
    ]));
    for (const table of tables) {
      expect(table.relrowsecurity, table.relname).toBe(true);
      expect(table.policies, table.relname).toBeGreaterThan(0);
    }
  });
});

describe('database lint: each rule catches a bad object', () => {
  it('a table without RLS', async () => {
    expect(await lintAfter('create table public.lint_no_rls (id int primary key)', 'table without RLS'))
      .toEqual(['public.lint_no_rls']);
  });

  it('a table with RLS but no policy', async () => {
    expect(await lintAfter(`create table public.lint_no_policy (id int primary key);
      alter table public.lint_no_policy enable row level security;`, 'table without policies'))
      .toEqual(['public.lint_no_policy']);
  });

  it('a policy without a role', async () => {
    expect(await lintAfter(`create policy "profiles: everyone can read" on public.profiles for select using (true)`,
      'policy for PUBLIC instead of a named role')).toEqual(['profiles: profiles: everyone can read']);
  });

  it('a policy calling auth.uid() per row', async () => {
    expect(await lintAfter(`create policy "projects: slow read" on public.projects for select to authenticated
      using (user_id = auth.uid())`, 'auth function called per row in a policy')).toEqual(['projects: projects: slow read']);
    // Mixed: one wrapped call does not excuse an unwrapped one.
    expect(await lintAfter(`create policy "projects: half slow" on public.projects for update to authenticated
      using (user_id = (select auth.uid())) with check (user_id = auth.uid())`, 'auth function called per row in a policy'))
      .toEqual(['projects: projects: half slow']);
  });

  it('a security-definer function without search_path', async () => {
    expect(await lintAfter(`create function public.lint_definer() returns int language sql security definer as 'select 1'`,
      'security definer without a fixed search_path')).toEqual(['lint_definer()']);
  });

  it('a foreign key without an index', async () => {
    expect(await lintAfter(`create table public.lint_fk (id int primary key, prompt_id uuid references public.prompts (id));
      alter table public.lint_fk enable row level security;`, 'foreign key without a covering index'))
      .toEqual(['lint_fk: lint_fk_prompt_id_fkey']);
    // An index whose leading column is the key covers it; one that starts elsewhere does not.
    expect(await lintAfter(`create table public.lint_fk (id int primary key, prompt_id uuid references public.prompts (id));
      create index on public.lint_fk (id, prompt_id);`, 'foreign key without a covering index'))
      .toEqual(['lint_fk: lint_fk_prompt_id_fkey']);
    expect(await lintAfter(`create table public.lint_fk (id int primary key, prompt_id uuid references public.prompts (id));
      create index on public.lint_fk (prompt_id, id);`, 'foreign key without a covering index')).toEqual([]);
  });

  it('a duplicate index', async () => {
    expect(await lintAfter(`create index lint_dup_idx on public.messages (user_id)`, 'duplicate index'))
      .toEqual(['lint_dup_idx = messages_user_id_idx']);
  });

  it('an unbounded text column', async () => {
    expect(await lintAfter(`create table public.lint_text (id int primary key, note text, ok text check (char_length(ok) < 9))`,
      'text or jsonb column without a check constraint')).toEqual(['public.lint_text.note']);
  });

  it('a TRUNCATE grant', async () => {
    expect(await lintAfter(`grant truncate on public.messages to authenticated`, 'TRUNCATE granted to an API role'))
      .toEqual(['public.messages to authenticated']);
  });

  it('a private schema opened to an API role', async () => {
    expect(await lintAfter(`grant usage on schema private to service_role`, 'private schema reachable by an API role'))
      .toEqual(['service_role']);
  });

  it('an index computed by a SQL function with a SET clause', async () => {
    expect(await lintAfter(`
      create function public.lint_words(p text) returns tsvector language sql immutable set search_path = ''
        as $$ select to_tsvector('simple'::regconfig, p) $$;
      create index lint_words_idx on public.messages using gin (public.lint_words(content))`, 'index computed by a SQL function with a SET clause'))
      .toEqual(['public.lint_words_idx: public.lint_words']);
  });
});
