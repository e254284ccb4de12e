// Two-factor sign-in protects the whole account, in the database itself: an account with a
// verified authenticator app reaches none of its rows from an aal1 session (the password alone)
// — every RLS table in public, Storage's objects, Realtime's private channels, and the RPCs
// that run as their definer — and all of them from an aal2 one; an account without a factor
// works at aal1 as before. The table list comes from the catalog, so a table added later
// without the policy fails here.
import { randomBytes, randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUserAt as asUserAtLevel, createAuthUser, enrollFactor as enroll, PERMISSION_DENIED, RLS_VIOLATION, type Aal, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const asUserAt = <T>(user: AuthUser, aal: Aal, fn: (tx: TransactionSql) => Promise<T>) => asUserAtLevel(db.sql, user, aal, fn);
const enrollFactor = (user: AuthUser) => enroll(db.sql, user);

/** The tables the API roles reach through the Data API, Storage and Realtime, from the catalog. */
async function protectedTables(): Promise<string[]> {
  const rows = await db.sql<{ name: string }[]>`
    select n.nspname || '.' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and c.relrowsecurity and not c.relispartition
       and (n.nspname = 'public' or (n.nspname, c.relname) in (('storage', 'objects'), ('realtime', 'messages')))
     order by 1`;
  return rows.map((r) => r.name);
}

interface Account { user: AuthUser; friend: AuthUser; chat: string; answer: string }

/** One row (at least) of the account in every table, written as the superuser. */
async function seedAccount(): Promise<Account> {
  const [user, friend] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
  const [chat] = await db.sql<{ id: string }[]>`insert into public.chat_sessions (user_id, title) values (${user.id}, 'mine') returning id`;
  const [asked] = await db.sql<{ id: string }[]>`insert into public.messages (session_id, user_id, sender, content) values (${chat!.id}, ${user.id}, 'user', 'hello') returning id`;
  const [answer] = await db.sql<{ id: string }[]>`insert into public.messages (session_id, user_id, sender, content) values (${chat!.id}, ${user.id}, 'assistant', 'hi') returning id`;
  const [project] = await db.sql<{ id: string }[]>`insert into public.projects (user_id, name) values (${user.id}, 'work') returning id`;
  const [prompt] = await db.sql<{ id: string }[]>`insert into public.prompts (user_id, title, content) values (${user.id}, 'p', 'Hello {{name}}') returning id`;
  await db.sql`insert into public.prompt_labels (prompt_id, label, version) values (${prompt!.id}, 'production', 1)`;
  await db.sql`insert into public.prompt_test_cases (prompt_id, user_id, name) values (${prompt!.id}, ${user.id}, 'case')`;
  await db.sql`insert into public.prompt_usage_logs (user_id, provider, model, status) values (${user.id}, 'openai', 'gpt-4o-mini', 'success')`;
  await db.sql`insert into public.answer_scores (user_id, message_id, rating) values (${user.id}, ${answer!.id}, 1)`;
  const path = `${user.id}/${randomUUID()}/notes.md`;
  const [file] = await db.sql<{ id: string }[]>`insert into public.file_metadata (user_id, project_id, name, size, type, storage_path)
    values (${user.id}, ${project!.id}, 'notes.md', 7, 'text/markdown', ${path}) returning id`;
  await db.sql`insert into public.file_chunks (file_id, user_id, chunk_index, content, token_count) values (${file!.id}, ${user.id}, 0, '# Notes', 3)`;
  await db.sql`insert into public.answer_sources (message_id, position, user_id, file_id, name) values (${answer!.id}, 0, ${user.id}, ${file!.id}, 'notes.md')`;
  await db.sql`insert into public.message_attachments (message_id, user_id, storage_path, name, type, size)
    values (${asked!.id}, ${user.id}, ${`${user.id}/${randomUUID()}/photo.png`}, 'photo.png', 'image/png', 10)`;
  await db.sql`insert into public.api_credentials (user_id, provider, encrypted_key, key_hint) values (${user.id}, 'openai', 'v1.n.c', '…abcd')`;
  await db.sql`insert into public.api_keys (user_id, name, prefix, key_hash, scopes) values (${user.id}, 'ci', 'mrp_abcdefgh', ${randomBytes(32)}, ${['chat']})`;
  await db.sql`insert into public.session_shares (session_id, user_id, token_hash) values (${chat!.id}, ${user.id}, ${randomBytes(32)})`;
  await db.sql`insert into public.session_marks (user_id, session_id, pinned_at) values (${user.id}, ${chat!.id}, now())`;
  await db.sql`insert into public.session_members (session_id, owner_id, user_id, role) values (${chat!.id}, ${user.id}, ${friend.id}, 'member')`;
  await db.sql`insert into public.session_invitations (session_id, owner_id, email, role) values (${chat!.id}, ${user.id}, ${`invited-${randomUUID()}@example.test`}, 'viewer')`;
  await db.sql`insert into storage.objects (bucket_id, name, owner, metadata) values ('attachments', ${path}, ${user.id}, '{"size": 7}')`;
  await db.sql`insert into realtime.messages (topic, extension, event, payload, private) values (${`session:${chat!.id}`}, 'broadcast', 'delta', '{}', true)`;
  return { user, friend, chat: chat!.id, answer: answer!.id };
}

/** How many rows of each table the user sees (Realtime's with the chat's channel as topic). */
async function visibleRows(account: Account, aal: Aal): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await protectedTables()) {
    const [schema, name] = table.split('.') as [string, string];
    counts[table] = await asUserAt(account.user, aal, async (tx) => {
      await tx`select set_config('realtime.topic', ${`session:${account.chat}`}, true)`;
      const [row] = await tx<{ n: number }[]>`select count(*)::int as n from ${tx(schema)}.${tx(name)}`;
      return row!.n;
    });
  }
  return counts;
}

// Every table seedAccount writes: the account sees its row there at aal2.
const SEEDED = [
  'public.answer_scores', 'public.answer_sources', 'public.api_credentials', 'public.api_keys', 'public.chat_sessions',
  'public.file_chunks', 'public.file_metadata', 'public.message_attachments', 'public.messages', 'public.profiles',
  'public.projects', 'public.prompt_labels', 'public.prompt_test_cases', 'public.prompt_usage_logs', 'public.prompt_versions',
  'public.prompts', 'public.session_invitations', 'public.session_marks', 'public.session_members', 'public.session_shares',
  'realtime.messages', 'storage.objects',
];

describe('an account with a verified second factor', () => {
  it('every table the API roles reach has the restrictive rule, a table added later included', async () => {
    const missing = await db.sql<{ name: string }[]>`
      select n.nspname || '.' || c.relname as name
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and c.relrowsecurity and not c.relispartition
         and (n.nspname = 'public' or (n.nspname, c.relname) in (('storage', 'objects'), ('realtime', 'messages')))
         and not exists (
           -- meets_mfa_requirement() alone, or in session_checks_pass() with the signed-in check
           -- (chat_sessions and messages, 20261204123441; the same answer: chat-read-policies.test.ts)
           select 1 from pg_policy p
            where p.polrelid = c.oid and not p.polpermissive and p.polcmd = '*'
              and 'authenticated'::regrole = any (p.polroles)
              and (pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) in (
                ('( SELECT meets_mfa_requirement() AS meets_mfa_requirement)', '( SELECT meets_mfa_requirement() AS meets_mfa_requirement)'),
                ('( SELECT session_checks_pass() AS session_checks_pass)', '( SELECT session_checks_pass() AS session_checks_pass)')))
       order by 1`;
    expect(missing.map((m) => m.name)).toEqual([]);
    expect((await protectedTables()).length).toBeGreaterThan(20);
  });

  it('sees no row of any table at aal1, and every one of its rows at aal2', async () => {
    const account = await seedAccount();
    await enrollFactor(account.user);
    const [atAal1, atAal2] = [await visibleRows(account, 'aal1'), await visibleRows(account, 'aal2')];
    expect(Object.entries(atAal1).filter(([, n]) => n > 0)).toEqual([]);
    for (const table of SEEDED) expect(atAal2[table], table).toBeGreaterThan(0);
  });

  it('changes and deletes nothing at aal1, in any table', async () => {
    const account = await seedAccount();
    await enrollFactor(account.user);
    const before = await visibleRows(account, 'aal2');
    for (const table of await protectedTables()) {
      const [schema, name] = table.split('.') as [string, string];
      const [grant] = await db.sql<{ can: boolean }[]>`select has_table_privilege('authenticated', ${table}, 'delete') as can`;
      if (!grant!.can) continue;
      // Either no row is found, or the table's trigger refuses the statement (MR403).
      const deleted = await asUserAt(account.user, 'aal1', async (tx) => {
        await tx`select set_config('storage.allow_delete_query', 'true', true), set_config('realtime.topic', ${`session:${account.chat}`}, true)`;
        return (await tx`delete from ${tx(schema)}.${tx(name)}`).count;
      }).catch((error: { code?: string }) => (error.code === 'MR403' ? 0 : Promise.reject(error)));
      expect(deleted, table).toBe(0);
    }
    expect(await visibleRows(account, 'aal2')).toEqual(before);
    const { user, chat } = account;
    await expect(asUserAt(user, 'aal1', (tx) => tx`insert into public.projects (user_id, name) values (${user.id}, 'p')`)).rejects.toThrow(RLS_VIOLATION);
    await expect(asUserAt(user, 'aal1', (tx) => tx`insert into public.prompts (user_id, title, content) values (${user.id}, 't', 'c')`)).rejects.toThrow(RLS_VIOLATION);
    await expect(asUserAt(user, 'aal1', (tx) => tx`update public.profiles set display_name = 'taken' returning id`)).resolves.toHaveLength(0);
    await expect(asUserAt(user, 'aal1', (tx) => tx`insert into public.chat_sessions (user_id, title) values (${user.id}, 'new')`)).rejects.toThrow(RLS_VIOLATION);
    await expect(asUserAt(user, 'aal1', (tx) => tx`insert into storage.objects (bucket_id, name, owner) values ('attachments', ${`${user.id}/new.txt`}, ${user.id})`)).rejects.toThrow(RLS_VIOLATION);
    expect(await asUserAt(user, 'aal1', (tx) => tx`select public.select_branch(${chat}, ${account.answer}) as leaf`)).toEqual([{ leaf: null }]);
    // The same writes at aal2 succeed.
    await asUserAt(user, 'aal2', (tx) => tx`insert into public.projects (user_id, name) values (${user.id}, 'p')`);
    await asUserAt(user, 'aal2', (tx) => tx`insert into public.chat_sessions (user_id, title) values (${user.id}, 'new')`);
  });

  it('cannot write through the RPCs that run as their definer (share, invite, accept, decline, fork) at aal1', async () => {
    const { user, friend, chat } = await seedAccount();
    const owner = await createAuthUser(db.sql);
    const [theirs] = await db.sql<{ id: string }[]>`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'theirs') returning id`;
    const invite = async () => (await db.sql<{ id: string }[]>`insert into public.session_invitations (session_id, owner_id, email, role, invitee_id)
      values (${theirs!.id}, ${owner.id}, ${user.email}, 'member', ${user.id}) on conflict (session_id, email) do update set role = 'member' returning id`)[0]!.id;
    const invitation = await invite();
    await enrollFactor(user);
    const calls = [
      (tx: TransactionSql) => tx`select public.share_session(${chat}, true)`,
      (tx: TransactionSql) => tx`select public.invite_session_member(${chat}, ${`new-${randomUUID()}@example.test`}, 'member')`,
      (tx: TransactionSql) => tx`select public.fork_session(${chat}, null)`,
      (tx: TransactionSql) => tx`select public.accept_session_invitation(${invitation})`,
      (tx: TransactionSql) => tx`select public.decline_session_invitation(${invitation})`,
    ];
    for (const call of calls) await expect(asUserAt(user, 'aal1', call)).rejects.toMatchObject({ code: 'MR403' });
    const [counts] = await db.sql`select (select count(*)::int from public.session_shares where session_id = ${chat}) as shares,
      (select count(*)::int from public.session_invitations where session_id = ${chat}) as invitations,
      (select count(*)::int from public.chat_sessions where user_id = ${user.id}) as chats,
      (select count(*)::int from public.session_invitations where id = ${invitation}) as pending,
      (select count(*)::int from public.session_members where user_id = ${user.id}) as memberships`;
    expect(counts).toEqual({ shares: 1, invitations: 1, chats: 1, pending: 1, memberships: 0 });
    for (const call of calls.slice(0, 4)) await asUserAt(user, 'aal2', call);
    await invite();
    await asUserAt(user, 'aal2', calls[4]!);
    expect(friend.id).not.toBe(user.id);
  });

  it('reads nothing through the RPCs that read as their definer (participants, names, invitations) at aal1', async () => {
    const { user, friend, chat } = await seedAccount();
    const owner = await createAuthUser(db.sql);
    const [theirs] = await db.sql<{ id: string }[]>`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'theirs') returning id`;
    await db.sql`insert into public.session_invitations (session_id, owner_id, email, role, invitee_id) values (${theirs!.id}, ${owner.id}, ${user.email}, 'member', ${user.id})`;
    await enrollFactor(user);
    const participants = (tx: TransactionSql) => tx`select email from public.session_participants(${chat})`;
    const names = (tx: TransactionSql) => tx`select user_id from public.message_author_names(${chat}, ${[user.id, friend.id]}::uuid[])`;
    const invitations = (tx: TransactionSql) => tx`select id from public.my_session_invitations()`;
    for (const read of [participants, names, invitations]) expect(await asUserAt(user, 'aal1', read)).toEqual([]);
    expect(await asUserAt(user, 'aal2', participants)).toHaveLength(2);
    expect(await asUserAt(user, 'aal2', names)).toHaveLength(2);
    expect(await asUserAt(user, 'aal2', invitations)).toHaveLength(1);
  });

  it('public.require_mfa_level raises MR403 for it at aal1 only, and the API roles cannot call it', async () => {
    const { user } = await seedAccount();
    const plain = await createAuthUser(db.sql);
    await enrollFactor(user);
    await expect(db.sql`select public.require_mfa_level(${user.id}::uuid, 'aal1')`).rejects.toMatchObject({ code: 'MR403' });
    await expect(db.sql`select public.require_mfa_level(${user.id}::uuid, null)`).rejects.toMatchObject({ code: 'MR403' });
    await db.sql`select public.require_mfa_level(${user.id}::uuid, 'aal2')`;
    await db.sql`select public.require_mfa_level(${plain.id}::uuid, 'aal1')`;
    await expect(asUserAt(user, 'aal2', (tx) => tx`select public.require_mfa_level(${user.id}::uuid, 'aal2')`)).rejects.toThrow(PERMISSION_DENIED);
  });
});

describe('an account without a verified factor', () => {
  it('sees the same rows at aal1 as at aal2; an unverified (half-enrolled) factor changes nothing', async () => {
    const account = await seedAccount();
    const atAal2 = await visibleRows(account, 'aal2');
    for (const table of SEEDED) expect(atAal2[table], table).toBeGreaterThan(0);
    expect(await visibleRows(account, 'aal1')).toEqual(atAal2);
    await db.sql`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
      values (${randomUUID()}, ${account.user.id}, 'new phone', 'totp', 'unverified', now(), now(), 'JBSWY3DPEHPK3PXP')`;
    expect(await visibleRows(account, 'aal1')).toEqual(atAal2);
    await asUserAt(account.user, 'aal1', (tx) => tx`select public.share_session(${account.chat}, true)`);
  });

  it("another account's factor does not lock it, nor does its aal2 open the other's rows", async () => {
    const [plain, enrolled] = [await seedAccount(), await seedAccount()];
    await enrollFactor(enrolled.user);
    expect((await visibleRows(plain, 'aal1'))['public.chat_sessions']).toBe(1);
    const theirs = await asUserAt(plain.user, 'aal2', (tx) => tx`select id from public.chat_sessions where user_id = ${enrolled.user.id}`);
    expect(theirs).toEqual([]);
  });
});
