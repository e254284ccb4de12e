// Group chat invitations, per actor: nobody becomes a participant at someone else's word. The
// owner records an invitation (the same answer for any address), only the person whose
// account address it names accepts or declines it, the owner lists and cancels — and no API
// role writes a membership any other way, whatever it calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, createAuthUser, joinGroupChat, PERMISSION_DENIED, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function chat() {
  const [owner, invitee, stranger] = await Promise.all([1, 2, 3].map(() => createAuthUser(db.sql)));
  const [row] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner!.id}, 'Team chat') returning id`;
  return { owner: owner!, invitee: invitee!, stranger: stranger!, session: row!.id as string };
}

const invite = async (owner: AuthUser, session: string, email: string, role = 'member') =>
  (await asActor(db.sql, owner, (tx) => tx`select public.invite_session_member(${session}, ${email}, ${role}) as id`))[0]!.id as string;
const canRead = async (who: AuthUser, session: string) =>
  (await asActor(db.sql, who, (tx) => tx`select id from public.chat_sessions where id = ${session}`)).length > 0;
const members = async (session: string) =>
  (await db.sql`select user_id, role from public.session_members where session_id = ${session}`).map((r) => `${r.user_id}:${r.role}`);

describe('invitations: owner', () => {
  it('inviting makes nobody a member; any address gets an invitation the same way, case-insensitively', async () => {
    const c = await chat();
    const known = await invite(c.owner, c.session, c.invitee.email.toUpperCase(), 'viewer');
    const unknown = await invite(c.owner, c.session, `nobody-${crypto.randomUUID()}@example.test`, 'viewer');
    expect([typeof known, typeof unknown]).toEqual(['string', 'string']);
    expect(await members(c.session)).toEqual([]);
    expect(await canRead(c.invitee, c.session)).toBe(false);
    const pending = await asActor(db.sql, c.owner, (tx) => tx`select id, email from public.session_invitations where session_id = ${c.session}`);
    expect(pending.map((p) => p.id).sort()).toEqual([known, unknown].sort());
    expect(pending.find((p) => p.id === known)?.email).toBe(c.invitee.email.toLowerCase());
    // Inviting the same address again changes the pending invitation's role; still one.
    expect(await invite(c.owner, c.session, c.invitee.email, 'member')).toBe(known);
    const [again] = await db.sql`select role from public.session_invitations where id = ${known}`;
    expect(again!.role).toBe('member');
  });

  it('cancels a pending invitation; cannot write invitations or memberships directly', async () => {
    const c = await chat();
    const id = await invite(c.owner, c.session, c.invitee.email);
    await expect(asActor(db.sql, c.owner, (tx) => tx`insert into public.session_invitations (session_id, owner_id, email, role)
      values (${c.session}, ${c.owner.id}, 'x@example.test', 'member')`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, c.owner, (tx) => tx`update public.session_invitations set role = 'viewer'`)).rejects.toThrow(PERMISSION_DENIED);
    await expect(asActor(db.sql, c.owner, (tx) => tx`insert into public.session_members (session_id, owner_id, user_id, role)
      values (${c.session}, ${c.owner.id}, ${c.invitee.id}, 'member')`)).rejects.toThrow(PERMISSION_DENIED);
    // Nor may the service role (the Data API's secret key): accepting is the way in.
    await expect(asActor(db.sql, 'service_role', (tx) => tx`insert into public.session_members (session_id, owner_id, user_id, role)
      values (${c.session}, ${c.owner.id}, ${c.invitee.id}, 'member')`)).rejects.toThrow(PERMISSION_DENIED);
    // The owner cannot accept on the invitee's behalf.
    await expect(asActor(db.sql, c.owner, (tx) => tx`select public.accept_session_invitation(${id})`)).rejects.toThrow(/no such invitation/);
    expect(await asActor(db.sql, c.owner, (tx) => tx`delete from public.session_invitations where id = ${id} returning id`)).toHaveLength(1);
    await expect(asActor(db.sql, c.invitee, (tx) => tx`select public.accept_session_invitation(${id})`)).rejects.toThrow(/no such invitation/);
    expect(await members(c.session)).toEqual([]);
  });
});

describe('invitations: invitee', () => {
  it('sees the invitation (the inviter by name), accepts it once and becomes a participant with the invited role', async () => {
    const c = await chat();
    const id = await invite(c.owner, c.session, c.invitee.email, 'viewer');
    const mine = await asActor(db.sql, c.invitee, (tx) => tx`select * from public.my_session_invitations()`);
    expect(mine).toEqual([expect.objectContaining({ id, session_id: c.session, session_title: 'Team chat', role: 'viewer' })]);
    expect(Object.keys(mine[0]!)).not.toContain('email');
    // The table itself stays closed to them (the address match needs auth.users).
    expect(await asActor(db.sql, c.invitee, (tx) => tx`select id from public.session_invitations`)).toEqual([]);
    const [{ session }] = await asActor(db.sql, c.invitee, (tx) => tx`select public.accept_session_invitation(${id}) as session`);
    expect(session).toBe(c.session);
    expect(await members(c.session)).toEqual([`${c.invitee.id}:viewer`]);
    expect(await canRead(c.invitee, c.session)).toBe(true);
    await expect(asActor(db.sql, c.invitee, (tx) => tx`select public.accept_session_invitation(${id})`)).rejects.toThrow(/no such invitation/);
    expect(await asActor(db.sql, c.invitee, (tx) => tx`select * from public.my_session_invitations()`)).toEqual([]);
  });

  it('declines: the invitation is gone and they never joined', async () => {
    const c = await chat();
    const id = await invite(c.owner, c.session, c.invitee.email);
    const [{ declined }] = await asActor(db.sql, c.invitee, (tx) => tx`select public.decline_session_invitation(${id}) as declined`);
    expect(declined).toBe(true);
    expect(await db.sql`select 1 from public.session_invitations where id = ${id}`).toHaveLength(0);
    expect(await members(c.session)).toEqual([]);
  });
});

describe('invitations: an account that has not confirmed the address', () => {
  it('neither sees nor accepts an invitation to it (only a confirmed owner of the address may)', async () => {
    const c = await chat();
    const id = await invite(c.owner, c.session, c.invitee.email);
    await db.sql`update auth.users set email_confirmed_at = null where id = ${c.invitee.id}`;
    expect(await asActor(db.sql, c.invitee, (tx) => tx`select id from public.my_session_invitations()`)).toEqual([]);
    await expect(asActor(db.sql, c.invitee, (tx) => tx`select public.accept_session_invitation(${id})`)).rejects.toThrow(/no such invitation/);
    expect(await members(c.session)).toEqual([]);
    await db.sql`update auth.users set email_confirmed_at = now() where id = ${c.invitee.id}`;
    await asActor(db.sql, c.invitee, (tx) => tx`select public.accept_session_invitation(${id})`);
    expect(await members(c.session)).toEqual([`${c.invitee.id}:member`]);
  });
});

describe('invitations: another user and anonymous', () => {
  it("another user neither sees, accepts nor declines someone else's invitation", async () => {
    const c = await chat();
    const id = await invite(c.owner, c.session, c.invitee.email);
    const seen = await asActor(db.sql, c.stranger, async (tx) => ({
      table: await tx`select id from public.session_invitations`,
      mine: await tx`select id from public.my_session_invitations()`,
      declined: (await tx`select public.decline_session_invitation(${id}) as declined`)[0]!.declined,
    }));
    expect(seen).toEqual({ table: [], mine: [], declined: false });
    await expect(asActor(db.sql, c.stranger, (tx) => tx`select public.accept_session_invitation(${id})`)).rejects.toThrow(/no such invitation/);
    await expect(asActor(db.sql, c.stranger, (tx) => tx`select public.invite_session_member(${c.session}, ${c.stranger.email}, 'member')`)).rejects.toThrow(/no such session/);
    expect(await members(c.session)).toEqual([]);
  });

  it('anonymous visitors can touch neither the table nor the functions', async () => {
    const c = await chat();
    const id = await invite(c.owner, c.session, c.invitee.email);
    for (const query of [
      (tx: Parameters<Parameters<typeof asActor>[2]>[0]) => tx`select * from public.session_invitations`,
      (tx: Parameters<Parameters<typeof asActor>[2]>[0]) => tx`select * from public.my_session_invitations()`,
      (tx: Parameters<Parameters<typeof asActor>[2]>[0]) => tx`select public.accept_session_invitation(${id})`,
      (tx: Parameters<Parameters<typeof asActor>[2]>[0]) => tx`select public.decline_session_invitation(${id})`,
      (tx: Parameters<Parameters<typeof asActor>[2]>[0]) => tx`select public.invite_session_member(${c.session}, 'x@example.test', 'member')`,
    ]) await expect(asActor(db.sql, 'anon', query)).rejects.toThrow(PERMISSION_DENIED);
  });

  it('deleting the chat removes its invitations', async () => {
    const c = await chat();
    const id = await invite(c.owner, c.session, c.invitee.email);
    await db.sql`delete from public.chat_sessions where id = ${c.session}`;
    expect(await db.sql`select 1 from public.session_invitations where id = ${id}`).toHaveLength(0);
  });
});

describe('invitations: refusals', () => {
  // The API (lib/db-errors.ts) and Data API callers tell refusals apart by SQLSTATE alone.
  const code = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: { code?: string }) => error.code);

  it('each refusal has its own SQLSTATE', async () => {
    const c = await chat();
    const member = await createAuthUser(db.sql);
    await joinGroupChat(db.sql, c.owner, member, c.session, 'member');
    const inviteAs = (who: AuthUser, email: string) =>
      code(asActor(db.sql, who, (tx) => tx`select public.invite_session_member(${c.session}, ${email}, 'member')`));
    expect(await inviteAs(c.stranger, c.invitee.email)).toBe('MRG01');
    expect(await inviteAs(member, c.invitee.email)).toBe('MRG01');
    expect(await inviteAs(c.owner, c.owner.email.toUpperCase())).toBe('MRG02');
    expect(await inviteAs(c.owner, member.email)).toBe('MRG03');
    await db.sql`insert into public.session_invitations (session_id, owner_id, email, role)
      select ${c.session}, ${c.owner.id}, 'pending-' || n || '@example.test', 'viewer' from generate_series(1, 100) n`;
    expect(await inviteAs(c.owner, c.invitee.email)).toBe('MRG04');
    // Re-inviting an address already pending changes its role: not a new invitation.
    expect(await inviteAs(c.owner, 'pending-1@example.test')).toBe('no error');
    const [pending] = await db.sql`select id from public.session_invitations where email = 'pending-1@example.test'`;
    expect(await code(asActor(db.sql, c.invitee, (tx) => tx`select public.accept_session_invitation(${pending!.id})`))).toBe('MRG05');
    expect(await code(asActor(db.sql, c.invitee, (tx) => tx`select public.accept_session_invitation(${crypto.randomUUID()})`))).toBe('MRG05');
  });
});

describe('invitations: an account made after the invitation (20261206073000)', () => {
  // Where Auth confirms addresses without a mail (enable_confirmations = false), a sign-up with
  // an invited address proves nothing: the invitation is the account's that used the address
  // when it was made, or comes through the owner's link.
  const lateAccount = async (email: string) => await createAuthUser(db.sql, { email });
  const link = async (owner: AuthUser, id: string) =>
    (await asActor(db.sql, owner, (tx) => tx`select public.invitation_link(${id}) as token`))[0]!.token as string;
  const acceptLink = (who: AuthUser, token: string) => asActor(db.sql, who, (tx) => tx`select public.accept_session_invitation_link(${token}) as id`);

  it('neither sees, accepts nor declines an invitation made before it existed', async () => {
    const c = await chat();
    const email = `late-${crypto.randomUUID()}@example.test`;
    const id = await invite(c.owner, c.session, email);
    const late = await lateAccount(email);
    const seen = await asActor(db.sql, late, async (tx) => ({
      mine: await tx`select id from public.my_session_invitations()`,
      declined: (await tx`select public.decline_session_invitation(${id}) as declined`)[0]!.declined,
    }));
    expect(seen).toEqual({ mine: [], declined: false });
    await expect(asActor(db.sql, late, (tx) => tx`select public.accept_session_invitation(${id})`)).rejects.toMatchObject({ code: 'MRG05' });
    expect(await members(c.session)).toEqual([]);
    // Invited again now that the account exists: it is theirs.
    await invite(c.owner, c.session, email, 'viewer');
    expect(await asActor(db.sql, late, (tx) => tx`select id from public.my_session_invitations()`)).toEqual([{ id }]);
    await asActor(db.sql, late, (tx) => tx`select public.accept_session_invitation(${id})`);
    expect(await members(c.session)).toEqual([`${late.id}:viewer`]);
  });

  it("joins through the owner's link with the invited address, confirmed; nobody else does, and a new link replaces the last", async () => {
    const c = await chat();
    const email = `late-${crypto.randomUUID()}@example.test`;
    const id = await invite(c.owner, c.session, email);
    const first = await link(c.owner, id);
    const token = await link(c.owner, id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const late = await lateAccount(email);
    // The old link, another account holding the link, an unconfirmed address: refused alike.
    await expect(acceptLink(late, first)).rejects.toMatchObject({ code: 'MRG05' });
    await expect(acceptLink(c.stranger, token)).rejects.toMatchObject({ code: 'MRG05' });
    await db.sql`update auth.users set email_confirmed_at = null where id = ${late.id}`;
    await expect(acceptLink(late, token)).rejects.toMatchObject({ code: 'MRG05' });
    await db.sql`update auth.users set email_confirmed_at = now() where id = ${late.id}`;
    expect(await acceptLink(late, token)).toEqual([{ id: c.session }]);
    expect(await members(c.session)).toEqual([`${late.id}:member`]);
    // Used once: the invitation is gone.
    expect(await db.sql`select id from public.session_invitations where id = ${id}`).toEqual([]);
  });

  it('an invitation outlives its account: deleted, the account lets go of it, and a new one with the address gets it only by link', async () => {
    const c = await chat();
    const id = await invite(c.owner, c.session, c.invitee.email);
    await db.sql`delete from auth.users where id = ${c.invitee.id}`;
    expect(await db.sql`select invitee_id from public.session_invitations where id = ${id}`).toEqual([{ invitee_id: null }]);
    const again = await lateAccount(c.invitee.email);
    expect(await asActor(db.sql, again, (tx) => tx`select id from public.my_session_invitations()`)).toEqual([]);
    expect(await acceptLink(again, await link(c.owner, id))).toEqual([{ id: c.session }]);
  });

  it("only the chat's owner makes a link; an owner reads neither whose address it is nor the link's hash", async () => {
    const c = await chat();
    const id = await invite(c.owner, c.session, c.invitee.email);
    await expect(asActor(db.sql, c.stranger, (tx) => tx`select public.invitation_link(${id})`)).rejects.toMatchObject({ code: 'MRG05' });
    await expect(asActor(db.sql, c.invitee, (tx) => tx`select public.invitation_link(${id})`)).rejects.toMatchObject({ code: 'MRG05' });
    await link(c.owner, id);
    for (const column of ['invitee_id', 'token_hash']) {
      await expect(asActor(db.sql, c.owner, (tx) => tx`select ${tx(column)} from public.session_invitations`)).rejects.toThrow(PERMISSION_DENIED);
    }
    expect(await asActor(db.sql, c.owner, (tx) => tx`select id, email, role from public.session_invitations`)).toEqual([{ id, email: c.invitee.email, role: 'member' }]);
    // The invitee's own link works for them too (their account existed: the app needs none).
    expect(await acceptLink(c.invitee, await link(c.owner, id))).toEqual([{ id: c.session }]);
  });
});
