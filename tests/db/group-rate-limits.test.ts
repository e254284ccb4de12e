// Group chats' rate limits, held by the database: fork_session and invite_session_member take
// a token of the caller's bucket (`forks`: 20, one back every 30 s; `invitations`: 50, one back
// a minute), so a script calling the RPCs through the Data API with its own token is held as
// the API is. Each refuses with its own SQLSTATE and the seconds to wait in DETAIL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

interface Refusal { code?: string; detail?: string }
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: Refusal) => ({ code: error.code, detail: error.detail }));

async function chat(owner: AuthUser) {
  const [row] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'Team chat') returning id`;
  await db.sql`insert into public.messages (session_id, user_id, sender, content) values (${row!.id}, ${owner.id}, 'user', 'hello team')`;
  return row!.id as string;
}

const sessionsOf = async (user: AuthUser) => Number((await db.sql`select count(*) from public.chat_sessions where user_id = ${user.id}`)[0]!.count);

describe('fork_session: rate limit', () => {
  it('a member forks 20 times at once, then is refused (MRF01, seconds to wait) and nothing is copied', async () => {
    const [owner, member] = await Promise.all([createAuthUser(db.sql), createAuthUser(db.sql)]);
    const session = await chat(owner!);
    await joinGroupChat(db.sql, owner!, member!, session, 'member');
    const fork = () => asActor(db.sql, member!, (tx) => tx`select fork_id as id from public.fork_session(${session}, null, null)`);
    for (let i = 0; i < 20; i++) await fork();
    expect(await sessionsOf(member!)).toBe(20);
    const refused = await refusal(fork());
    expect(refused?.code).toBe('MRF01');
    expect(Number(refused?.detail)).toBeGreaterThanOrEqual(1);
    expect(Number(refused?.detail)).toBeLessThanOrEqual(30);
    expect(await sessionsOf(member!)).toBe(20);
    // The bucket is the caller's own: the owner still forks.
    expect(await refusal(asActor(db.sql, owner!, (tx) => tx`select public.fork_session(${session}, null, null)`))).toBeNull();
  });

  it('a refused fork (no such session) takes no token', async () => {
    const [owner, stranger] = await Promise.all([createAuthUser(db.sql), createAuthUser(db.sql)]);
    const session = await chat(owner!);
    await db.sql`insert into private.rate_limit_buckets (user_id, bucket, tokens, refilled_at) values (${stranger!.id}, 'forks', 1, now() + interval '1 hour')`;
    for (let i = 0; i < 3; i++) {
      expect((await refusal(asActor(db.sql, stranger!, (tx) => tx`select public.fork_session(${session}, null, null)`)))?.code).toBe('MRF02');
    }
    const [bucket] = await db.sql`select tokens from private.rate_limit_buckets where user_id = ${stranger!.id} and bucket = 'forks'`;
    expect(bucket!.tokens).toBe(1);
  });
});

describe('invite_session_member: rate limit', () => {
  it('an owner whose bucket is empty is refused (MRG06, seconds to wait); no invitation is recorded', async () => {
    const owner = await createAuthUser(db.sql);
    const session = await chat(owner);
    const invite = (email: string) => asActor(db.sql, owner, (tx) => tx`select public.invite_session_member(${session}, ${email}, 'member')`);
    // 50 at once across chats is fine (a team invited in one go).
    const other = await chat(owner);
    for (let i = 0; i < 50; i++) {
      await asActor(db.sql, owner, (tx) => tx`select public.invite_session_member(${i % 2 ? session : other}, ${`person-${i}@example.test`}, 'viewer')`);
    }
    const refused = await refusal(invite('one-more@example.test'));
    expect(refused?.code).toBe('MRG06');
    expect(Number(refused?.detail)).toBeGreaterThanOrEqual(1);
    expect(Number(refused?.detail)).toBeLessThanOrEqual(60);
    expect(await db.sql`select 1 from public.session_invitations where email = 'one-more@example.test'`).toHaveLength(0);
    // Its other refusals still come first: the owner's own address is MRG02, not a rate limit.
    expect((await refusal(invite(owner.email)))?.code).toBe('MRG02');
  });
});
