/**
 * Group chats: the owner invites people by email as `viewer` (reads, live) or `member`
 * (reads and posts) — they join by accepting (routes/invitations.ts) — changes roles, removes
 * people, and decides whose key answers (share_owner_key). Members may leave. The rules are
 * the database's (session_members policies, invite_session_member, session_participants);
 * these routes only shape them.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../lib/auth.ts';
import { sessionTopic } from '../lib/realtime-broadcast.ts';
import type { AppEnv } from '../lib/context.ts';
import { rethrowRefusal } from '../lib/db-errors.ts';
import { notFound } from '../lib/errors.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../lib/openapi.ts';

const Role = z.enum(['viewer', 'member']);
const Participant = z
  .object({
    user_id: z.uuid(),
    display_name: z.string(),
    email: z.string().nullable().openapi({ description: "Shown to each person for themselves, and to the chat's owner for the people who accepted that owner's invitation (not, in a chat handed over when its owner's account was deleted, for those the previous owner invited); null otherwise" }),
    role: z.enum(['owner', 'viewer', 'member']),
  })
  .openapi('Participant');
const Members = z
  .object({
    share_owner_key: z.boolean().openapi({ description: "Whether the owner's key answers members' messages" }),
    participants: z.array(Participant).openapi({ description: 'The owner first, then members by name' }),
  })
  .openapi('Members');
const Invite = z.strictObject({ email: z.email().max(320), role: Role.default('member') }).openapi('Invite');
export const Invitation = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: Role,
    created_at: z.string(),
  })
  .openapi('Invitation', { description: 'A pending invitation: the person behind the address joins when they accept it' });
export const InvitationLink = z
  .object({
    link_token: z.string().openapi({
      description:
        "The invitation link's secret, shown once (the web app's link is `/invitations/<link_token>`): whoever holds it and " +
        'signs in with the invited address, confirmed, may accept (POST /invitations/accept-link). A new one replaces it.',
    }),
  })
  .openapi('InvitationLink');
const InvitationCreated = Invitation.extend(InvitationLink.shape).openapi('InvitationCreated');
const RoleChange = z.strictObject({ role: Role }).openapi('RoleChange');
const KeySharing = z.strictObject({ share_owner_key: z.boolean() }).openapi('KeySharing');
const MemberParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  user_id: z.uuid().openapi({ param: { name: 'user_id', in: 'path' } }),
});

const tags = ['group chats'];
const IdParams = UuidParam();

const routes = {
  list: createRoute({
    method: 'get', path: '/{id}/members', tags, security,
    summary: 'Who is in this chat (owner and members may ask)',
    request: { params: IdParams },
    responses: { 200: jsonResponse(Members, 'Participants'), ...errorResponses(400, 401, 404) },
  }),
  invite: createRoute({
    method: 'post', path: '/{id}/members', tags, security,
    summary: 'Invite someone by email (owner only); they join when they accept',
    description:
      'Records a pending invitation (inviting the address again changes its role and makes a new link). The answer is the same whether or not ' +
      'an account uses the address, and 409 `already_member` only for someone in the chat whose address the list shows you (in a chat handed ' +
      'over to you, not someone the previous owner invited: their address gets a pending invitation like any other). The account that uses it now sees the invitation (GET /invitations); someone who signs up with it later ' +
      'joins through the link (`link_token`), which the owner sends them.',
    request: { params: IdParams, body: jsonBody(Invite) },
    responses: { 201: jsonResponse(InvitationCreated, 'The pending invitation, with its link'), ...errorResponses(400, 401, 404, 409, 422, 429) },
  }),
  changeRole: createRoute({
    method: 'patch', path: '/{id}/members/{user_id}', tags, security,
    summary: "Change a member's role (owner only)",
    request: { params: MemberParams, body: jsonBody(RoleChange) },
    responses: { 200: jsonResponse(Participant, 'The member'), ...errorResponses(400, 401, 404) },
  }),
  remove: createRoute({
    method: 'delete', path: '/{id}/members/{user_id}', tags, security,
    summary: 'Remove a member (owner), or leave (the member themselves); access ends at once',
    request: { params: MemberParams },
    responses: { 204: { description: 'Removed' }, ...errorResponses(400, 401, 404) },
  }),
  keySharing: createRoute({
    method: 'put', path: '/{id}/key-sharing', tags, security,
    summary: "Let the owner's provider key answer members' messages (owner only)",
    request: { params: IdParams, body: jsonBody(KeySharing) },
    responses: { 200: jsonResponse(KeySharing, 'The setting'), ...errorResponses(400, 401, 404) },
  }),
};

export const membersRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
membersRoutes.use('*', requireUser);

const ROLE_ORDER = { owner: 0, member: 1, viewer: 2 } as const;

membersRoutes.openapi(routes.list, async (c) => {
  const { id } = c.req.valid('param');
  const result = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const [session] = await sql<{ share_owner_key: boolean }[]>`select share_owner_key from public.chat_sessions where id = ${id}`;
    if (!session) return null;
    const participants = await sql<z.infer<typeof Participant>[]>`
      select user_id, display_name, email, role from public.session_participants(${id})`;
    return { share_owner_key: session.share_owner_key, participants };
  });
  if (!result) throw notFound('Session');
  result.participants.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.display_name.localeCompare(b.display_name));
  return c.json(result, 200);
});

membersRoutes.openapi(routes.invite, async (c) => {
  const { id } = c.req.valid('param');
  const { email, role } = c.req.valid('json');
  const invitation = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const [{ invitation_id }] = await sql<{ invitation_id: string }[]>`
      select public.invite_session_member(${id}, ${email}, ${role}) as invitation_id`;
    const [row] = await sql<{ id: string; email: string; role: 'viewer' | 'member'; created_at: Date }[]>`
      select id, email, role, created_at from public.session_invitations where id = ${invitation_id}`;
    const [{ link_token }] = await sql<{ link_token: string }[]>`select public.invitation_link(${invitation_id}) as link_token`;
    return { ...row!, link_token };
  }).catch(rethrowRefusal);
  return c.json({ ...invitation, created_at: invitation.created_at.toISOString() }, 201);
});

membersRoutes.openapi(routes.changeRole, async (c) => {
  const { id, user_id } = c.req.valid('param');
  const { role } = c.req.valid('json');
  const changed = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const rows = await sql`update public.session_members set role = ${role}
      where session_id = ${id} and user_id = ${user_id} and owner_id = ${c.var.user.id} returning user_id`;
    if (rows.length === 0) return null;
    const [row] = await sql<z.infer<typeof Participant>[]>`
      select user_id, display_name, email, role from public.session_participants(${id}) where user_id = ${user_id}`;
    return row!;
  });
  if (!changed) throw notFound('Member');
  // Open chats re-read who is in them (a viewer made a member gets a composer at once): the
  // database says `members_changed` on the chat's channel with the commit (20261207115000).
  return c.json(changed, 200);
});

membersRoutes.openapi(routes.remove, async (c) => {
  const { id, user_id } = c.req.valid('param');
  const removed = await c.var.db.withUserTransaction(c.var.user, (sql) =>
    sql`delete from public.session_members where session_id = ${id} and user_id = ${user_id} returning user_id`);
  if (removed.length === 0) throw notFound('Member');
  // Reading through the Data API and postgres_changes stops at once (RLS). A private channel
  // the member already joined was authorised at join and hosted Realtime keeps it: the delete
  // moved the session's channel to a new epoch (chat_sessions.channel_epoch), so nothing is
  // sent there any more, and told the old topic `member_removed` with the commit (a trigger,
  // 20261204013441_send_member_removed_from_database.sql), so the removed person's app leaves.
  return c.body(null, 204);
});

membersRoutes.openapi(routes.keySharing, async (c) => {
  const { id } = c.req.valid('param');
  const { share_owner_key } = c.req.valid('json');
  const [row] = await c.var.db.withUserTransaction(c.var.user, (sql) =>
    sql<{ share_owner_key: boolean; channel_epoch: number }[]>`update public.chat_sessions set share_owner_key = ${share_owner_key}
      where id = ${id} and user_id = ${c.var.user.id} returning share_owner_key, channel_epoch`);
  if (!row) throw notFound('Session');
  c.var.turns.broadcaster.send({ topic: sessionTopic(id, row.channel_epoch), event: 'members_changed', payload: {} });
  return c.json({ share_owner_key: row.share_owner_key }, 200);
});
