// The read policies of chat_sessions and messages, per actor, as the history page and the
// sidebar use them: the owner and the members and viewers of a group chat read it, another user
// and anonymous visitors nothing; and what they cost to plan and run
// (20261204045529_speed_up_chat_read_policies.sql): the members' policy no longer plans
// session_members' own policies into every statement (its function answers only a signed-in
// token at the account's level: 20261206080000), and the signed-in check keeps its plan;
// the signed-in and two-factor checks are one call per table reference
// (20261204123441_check_chat_reads_once_per_reference.sql), with the same answer as the two.
import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, enrollFactor, joinGroupChat, type Actor, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

interface Group { owner: AuthUser; member: AuthUser; viewer: AuthUser; stranger: AuthUser; session: string; message: string }

async function group(): Promise<Group> {
  const [owner, member, viewer, stranger] = await Promise.all([1, 2, 3, 4].map(() => createAuthUser(db.sql)));
  const [session] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner!.id}, 'Team chat') returning id`;
  await joinGroupChat(db.sql, owner!, member!, session!.id, 'member');
  await joinGroupChat(db.sql, owner!, viewer!, session!.id, 'viewer');
  const [message] = await db.sql`insert into public.messages (session_id, user_id, sender, content)
    values (${session!.id}, ${owner!.id}, 'user', 'Hello team') returning id`;
  return { owner: owner!, member: member!, viewer: viewer!, stranger: stranger!, session: session!.id, message: message!.id };
}

/** What the actor reads of the chat: its row and its messages (anon: refused or nothing). */
async function reads(actor: Actor, g: Group) {
  return await asActor(db.sql, actor, async (tx) => ({
    sessions: (await tx`select id from public.chat_sessions where id = ${g.session}`).length,
    messages: (await tx`select id from public.messages where session_id = ${g.session}`).length,
  })).catch((error: Error) => error.message);
}

/** EXPLAIN (verbose, costs off) of a statement as the actor, as one text. */
const planAs = (actor: AuthUser, statement: (tx: TransactionSql) => PromiseLike<readonly Record<string, unknown>[]>) =>
  asActor(db.sql, actor, async (tx) => (await statement(tx)).map((r) => String(r['QUERY PLAN'])).join('\n'));

describe('chat_sessions and messages: who reads a group chat', () => {
  it('the owner, a member and a viewer read the chat and its messages', async () => {
    const g = await group();
    for (const person of [g.owner, g.member, g.viewer]) expect(await reads(person, g)).toEqual({ sessions: 1, messages: 1 });
  });

  it('another user reads nothing, nor after leaving the chat', async () => {
    const g = await group();
    expect(await reads(g.stranger, g)).toEqual({ sessions: 0, messages: 0 });
    await db.sql`delete from public.session_members where session_id = ${g.session} and user_id = ${g.member.id}`;
    expect(await reads(g.member, g)).toEqual({ sessions: 0, messages: 0 });
  });

  it('anonymous visitors read nothing', async () => {
    const g = await group();
    const result = await reads('anon', g);
    expect(result === 'permission denied for table chat_sessions' || JSON.stringify(result) === '{"sessions":0,"messages":0}').toBe(true);
  });

  it("my_group_chat_ids answers the caller's own memberships only, and not to anonymous visitors", async () => {
    const g = await group();
    const ids = (actor: Actor) => asActor(db.sql, actor, (tx) => tx`select public.my_group_chat_ids() as id`).then((rows) => rows.map((r) => r.id));
    expect(await ids(g.member)).toEqual([g.session]);
    expect(await ids(g.owner)).toEqual([]);
    expect(await ids(g.stranger)).toEqual([]);
    await expect(ids('anon')).rejects.toThrow(/permission denied/);
  });

  it('my_group_chat_ids answers nothing to a signed-out session, nor to an aal1 token of a two-factor account', async () => {
    const g = await group();
    const ids = (claims: Record<string, unknown>) => db.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: g.member.id, role: 'authenticated', ...claims })}, true)`;
      await tx`set local role authenticated`;
      return (await tx`select public.my_group_chat_ids() as id`).map((r) => r.id);
    });
    const [live, signedOut] = [randomUUID(), randomUUID()];
    for (const id of [live, signedOut]) await db.sql`insert into auth.sessions (id, user_id, created_at, updated_at) values (${id}, ${g.member.id}, now(), now())`;
    await db.sql`delete from auth.sessions where id = ${signedOut}`;
    expect(await ids({ session_id: live })).toEqual([g.session]);
    expect(await ids({ session_id: signedOut })).toEqual([]);
    await enrollFactor(db.sql, g.member);
    expect(await ids({ session_id: live, aal: 'aal1' })).toEqual([]);
    expect(await ids({ aal: 'aal1' })).toEqual([]);
    expect(await ids({ session_id: live, aal: 'aal2' })).toEqual([g.session]);
  });
});

describe('chat_sessions and messages: what reading them costs', () => {
  it("a member's read plans no session_members policies: the memberships are one function call", async () => {
    const g = await group();
    const plan = await planAs(g.member, (tx) => tx`explain (verbose, costs off) select id from public.messages where session_id = ${g.session}`);
    expect(plan).toMatch(/my_group_chat_ids/);
    expect(plan).not.toMatch(/session_members/);
    const sessions = await planAs(g.member, (tx) => tx`explain (verbose, costs off) select id from public.chat_sessions where id = ${g.session}`);
    expect(sessions).not.toMatch(/session_members/);
  });

  it('the signed-in check is PL/pgSQL, whose lookup is planned once per connection, not once per statement and table', async () => {
    const [fn] = await db.sql`select l.lanname from pg_proc p join pg_language l on l.oid = p.prolang where p.oid = 'public.session_is_live()'::regprocedure`;
    expect(fn!.lanname).toBe('plpgsql');
  });

  it('the signed-in and two-factor checks are one call per table reference, not two', async () => {
    const g = await group();
    const plan = await planAs(g.owner, (tx) => tx`explain (verbose, costs off)
      select m.id from public.messages m join public.chat_sessions s on s.id = m.session_id where s.id = ${g.session}`);
    expect(plan.match(/session_checks_pass\(\)/g)).toHaveLength(2);
    expect(plan).not.toMatch(/session_is_live|meets_mfa_requirement/);
  });
});

describe('session_checks_pass: the same answer as session_is_live() and meets_mfa_requirement()', () => {
  const signIn = async (user: AuthUser, notAfter: string | null = null) => {
    const id = randomUUID();
    await db.sql`insert into auth.sessions (id, user_id, created_at, updated_at, not_after) values (${id}, ${user.id}, now(), now(), ${notAfter})`;
    return id;
  };
  const addFactor = (user: AuthUser, status: 'verified' | 'unverified') => db.sql`
    insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at)
    values (${randomUUID()}, ${user.id}, ${`app ${status}`}, 'totp', ${status}, now(), now())`;
  /** The three answers for a token of `user` naming `session` (none: null) at `aal` (none: null). */
  const answers = (user: AuthUser, session: string | null, aal: string | null) => db.sql.begin(async (tx) => {
    const claims = { sub: user.id, role: 'authenticated', ...(session ? { session_id: session } : {}), ...(aal ? { aal } : {}) };
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    await tx`set local role authenticated`;
    const [row] = await tx<{ live: boolean; mfa: boolean; both: boolean }[]>`
      select public.session_is_live() as live, public.meets_mfa_requirement() as mfa, public.session_checks_pass() as both`;
    return row!;
  });

  it('for every kind of token: no session id, live, signed out, ended, another user\'s; aal1 and aal2; with and without a factor', async () => {
    const [plain, unverified, twoFactor, other] = await Promise.all([1, 2, 3, 4].map(() => createAuthUser(db.sql)));
    await addFactor(unverified!, 'unverified');
    await addFactor(twoFactor!, 'verified');
    const seen = new Set<string>();
    for (const user of [plain!, unverified!, twoFactor!]) {
      const live = await signIn(user);
      const ended = await signIn(user, new Date(Date.now() - 60_000).toISOString());
      const signedOut = await signIn(user);
      await db.sql`delete from auth.sessions where id = ${signedOut}`;
      const othersSession = await signIn(other!);
      for (const session of [null, live, ended, signedOut, othersSession]) {
        for (const aal of [null, 'aal1', 'aal2']) {
          const a = await answers(user, session, aal);
          expect(a.both, JSON.stringify({ user: user.email, session, aal, a })).toBe(a.live && a.mfa);
          seen.add(`${a.live}/${a.mfa}`);
        }
      }
    }
    // Each combination was met, so the comparison covers both questions failing alone and together.
    expect([...seen].sort()).toEqual(['false/false', 'false/true', 'true/false', 'true/true']);
  });

  it('anonymous visitors may not call it', async () => {
    await expect(asActor(db.sql, 'anon', (tx) => tx`select public.session_checks_pass()`)).rejects.toThrow(/permission denied/);
  });
});
