/**
 * Group chat invitations: the owner's pending ones (list, cancel) under /sessions/{id}, and the
 * invitee's under /invitations (list, accept, decline). Accepting is the only way into a chat;
 * the database decides who may (invite_session_member, accept_session_invitation,
 * decline_session_invitation, the session_invitations policies).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { TransactionSql } from 'postgres';
import { requireUser } from '../lib/auth.ts';
import type { AppEnv } from '../lib/context.ts';
import { rethrowRefusal } from '../lib/db-errors.ts';
import { notFound } from '../lib/errors.ts';
import { defaultHook, errorResponses, jsonBody, jsonResponse, security, UuidParam } from '../lib/openapi.ts';
import { Invitation, InvitationLink } from './members.ts';

const Role = z.enum(['viewer', 'member']);
const Invitations = z.object({ invitations: z.array(Invitation) }).openapi('Invitations');
const MyInvitation = z
  .object({
    id: z.uuid(),
    session_id: z.uuid(),
    session_title: z.string().nullable(),
    inviter_name: z.string().openapi({ description: "The chat owner's display name (never an address)" }),
    role: Role,
    created_at: z.string(),
  })
  .openapi('MyInvitation');
const MyInvitations = z.object({ invitations: z.array(MyInvitation) }).openapi('MyInvitations');
const Accepted = z.object({ session_id: z.uuid(), role: Role }).openapi('AcceptedInvitation');
const LinkAcceptance = z.strictObject({ token: z.string().min(1).max(200) }).openapi('InvitationLinkAcceptance');
const InvitationParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  invitation_id: z.uuid().openapi({ param: { name: 'invitation_id', in: 'path' } }),
});

const tags = ['group chats'];
const IdParams = UuidParam();

const routes = {
  pending: createRoute({
    method: 'get', path: '/{id}/invitations', tags, security,
    summary: "This chat's pending invitations (owner only)",
    request: { params: IdParams },
    responses: { 200: jsonResponse(Invitations, 'Pending invitations, newest first'), ...errorResponses(400, 401, 404) },
  }),
  cancel: createRoute({
    method: 'delete', path: '/{id}/invitations/{invitation_id}', tags, security,
    summary: 'Cancel a pending invitation (owner only)',
    request: { params: InvitationParams },
    responses: { 204: { description: 'Cancelled' }, ...errorResponses(400, 401, 404) },
  }),
  link: createRoute({
    method: 'post', path: '/{id}/invitations/{invitation_id}/link', tags, security,
    summary: "A new link for a pending invitation (owner only); the last one stops working",
    request: { params: InvitationParams },
    responses: { 200: jsonResponse(InvitationLink, 'The new link'), ...errorResponses(400, 401, 404) },
  }),
  mine: createRoute({
    method: 'get', path: '/', tags, security,
    summary: "Invitations waiting for me (to my account's email, made while this account used it)",
    responses: { 200: jsonResponse(MyInvitations, 'Pending invitations, newest first'), ...errorResponses(401) },
  }),
  acceptLink: createRoute({
    method: 'post', path: '/accept-link', tags, security,
    summary: "Accept an invitation through its owner's link: join the chat with the invited role",
    description:
      "For someone who signed up after they were invited: the link's secret, and an account whose confirmed address is the invited one. " +
      '404 for any other link or account.',
    request: { body: jsonBody(LinkAcceptance) },
    responses: { 200: jsonResponse(Accepted, 'Joined'), ...errorResponses(400, 401, 404) },
  }),
  accept: createRoute({
    method: 'post', path: '/{id}/accept', tags, security,
    summary: 'Accept an invitation: join the chat with the invited role',
    request: { params: IdParams },
    responses: { 200: jsonResponse(Accepted, 'Joined'), ...errorResponses(400, 401, 404) },
  }),
  decline: createRoute({
    method: 'post', path: '/{id}/decline', tags, security,
    summary: 'Decline an invitation',
    request: { params: IdParams },
    responses: { 204: { description: 'Declined' }, ...errorResponses(400, 401, 404) },
  }),
};

const iso = <T extends { created_at: Date }>(row: T) => ({ ...row, created_at: row.created_at.toISOString() });

/** The owner's side, mounted under /sessions. */
export const sessionInvitationsRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
sessionInvitationsRoutes.use('*', requireUser);

sessionInvitationsRoutes.openapi(routes.pending, async (c) => {
  const { id } = c.req.valid('param');
  const rows = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const [owned] = await sql`select 1 from public.chat_sessions where id = ${id} and user_id = ${c.var.user.id}`;
    if (!owned) return null;
    return await sql<{ id: string; email: string; role: 'viewer' | 'member'; created_at: Date }[]>`
      select id, email, role, created_at from public.session_invitations where session_id = ${id} order by created_at desc, id`;
  });
  if (!rows) throw notFound('Session');
  return c.json({ invitations: rows.map(iso) }, 200);
});

sessionInvitationsRoutes.openapi(routes.cancel, async (c) => {
  const { id, invitation_id } = c.req.valid('param');
  const rows = await c.var.db.withUserTransaction(c.var.user, (sql) =>
    sql`delete from public.session_invitations where id = ${invitation_id} and session_id = ${id} returning id`);
  if (rows.length === 0) throw notFound('Invitation');
  return c.body(null, 204);
});

sessionInvitationsRoutes.openapi(routes.link, async (c) => {
  const { id, invitation_id } = c.req.valid('param');
  const link_token = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const [owned] = await sql`select 1 from public.session_invitations where id = ${invitation_id} and session_id = ${id}`;
    if (!owned) throw notFound('Invitation');
    const [row] = await sql<{ link_token: string }[]>`select public.invitation_link(${invitation_id}) as link_token`;
    return row!.link_token;
  }).catch(rethrowRefusal);
  return c.json({ link_token }, 200);
});

/** The invitee's side, mounted at /invitations. */
export const invitationsRoutes = new OpenAPIHono<AppEnv>({ defaultHook });
invitationsRoutes.use('*', requireUser);

invitationsRoutes.openapi(routes.mine, async (c) => {
  const rows = await c.var.db.withUserTransaction(c.var.user, (sql) =>
    sql<(Omit<z.infer<typeof MyInvitation>, 'created_at'> & { created_at: Date })[]>`
      select id, session_id, session_title, inviter_name, role, created_at from public.my_session_invitations()`);
  return c.json({ invitations: rows.map(iso) }, 200);
});

/** Joins through `accept` (an accept_session_invitation* call answering the session's id). */
async function join(c: Context<AppEnv>, accept: (sql: TransactionSql) => Promise<{ session_id: string }[]>) {
  const joined = await c.var.db.withUserTransaction(c.var.user, async (sql) => {
    const [{ session_id }] = await accept(sql);
    const [row] = await sql<{ role: 'viewer' | 'member' }[]>`
      select m.role from public.session_members m where m.session_id = ${session_id} and m.user_id = ${c.var.user.id}`;
    return { session_id, ...row! };
  }).catch(rethrowRefusal);
  // The database tells, with the commit: the chat's open views (`members_changed` on its channel,
  // 20261207115000), the owner's People panel (`session_invitations_changed` on user:<owner>) and
  // this person's own devices (user:<id>, 20261203180100).
  return c.json({ session_id: joined.session_id, role: joined.role }, 200);
}

invitationsRoutes.openapi(routes.accept, (c) => {
  const { id } = c.req.valid('param');
  return join(c, (sql) => sql<{ session_id: string }[]>`select public.accept_session_invitation(${id}) as session_id`);
});

invitationsRoutes.openapi(routes.acceptLink, (c) => {
  const { token } = c.req.valid('json');
  return join(c, (sql) => sql<{ session_id: string }[]>`select public.accept_session_invitation_link(${token}) as session_id`);
});

invitationsRoutes.openapi(routes.decline, async (c) => {
  const { id } = c.req.valid('param');
  const [{ declined }] = await c.var.db.withUserTransaction(c.var.user, (sql) =>
    sql<{ declined: boolean }[]>`select public.decline_session_invitation(${id}) as declined`);
  if (!declined) throw notFound('Invitation');
  return c.body(null, 204);
});
