/**
 * A GoTrue-compatible subset served under /auth/v1 (the gateway strips the prefix): the
 * endpoints and error shapes auth-js and @supabase/ssr use, users and sessions in the real
 * auth schema. See https://github.com/supabase/auth#endpoints.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type postgres from 'postgres';
import type { AuthConfig } from '../config.ts';
import type { HttpService } from '../gateway/types.ts';
import type { StackKeys } from '../keys/index.ts';
import * as adminMail from './admin-mail.ts';
import * as admin from './admin-routes.ts';
import { requireAdmin } from './caller.ts';
import { disabledFeature } from './disabled.ts';
import { AuthError, sendError, sendJson } from './http.ts';
import { SignInLimiter } from './rate-limit.ts';
import * as email from './email-routes.ts';
import * as mfa from './mfa.ts';
import * as oauth from './oauth.ts';
import { enabledProviders } from './oauth-providers.ts';
import { AttemptLimiter, MailLimiter } from './mail-limit.ts';
import * as user from './user-routes.ts';
import { updateUser } from './user-update.ts';
import { LINK_FAILURES_FACTOR, verifyGet, verifyPost } from './verify.ts';
import type { Mailbox } from '../mail/mailbox.ts';
import { EmailTemplates } from '../mail/templates.ts';

export interface AuthServiceOptions {
  /** A superuser (or auth-admin) connection to the project database. */
  sql: postgres.Sql;
  keys: StackKeys;
  config: AuthConfig;
  /** `${apiUrl}/auth/v1`, the `iss` of every access token. */
  issuer: string;
  /** Where auth emails go (the local mail catcher). */
  mailbox: Mailbox;
  log?: (line: string) => void;
}

const ADMIN_USER = /^\/admin\/users\/([^/]+)\/?$/;
const FACTOR = /^\/factors\/([^/]+)(\/challenge|\/verify)?$/;
const ADMIN_FACTORS = /^\/admin\/users\/([^/]+)\/factors(?:\/([^/]+))?$/;

export function createAuthService(options: AuthServiceOptions): HttpService {
  const log = options.log ?? (() => {});
  const ctx: user.RouteContext = {
    sql: options.sql,
    keys: options.keys,
    config: options.config,
    issuer: options.issuer,
    limiter: new SignInLimiter(options.config.rate_limit.sign_in_sign_ups),
    mail: { config: options.config, mailbox: options.mailbox, templates: new EmailTemplates({ ...options.config.email.template, ...options.config.email.notification }), issuer: options.issuer },
    mailLimiter: new MailLimiter(options.config.rate_limit.email_sent, options.config.email.max_frequency),
    verifyLimiter: new AttemptLimiter(options.config.rate_limit.token_verifications, 5 * 60 * 1000),
    linkFailures: new AttemptLimiter(options.config.rate_limit.token_verifications * LINK_FAILURES_FACTOR, 5 * 60 * 1000),
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://auth.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const key = `${method} ${path}`;
    switch (key) {
      case 'GET /health':
        return sendJson(res, 200, { version: 'mrprompt-local', name: 'GoTrue', description: 'GoTrue-compatible auth of the Mr.Prompt local stack' });
      case 'GET /settings':
        return sendJson(res, 200, settings(options.config));
      case 'GET /.well-known/jwks.json':
        return sendJson(res, 200, { keys: options.keys.jwks.keys }, { 'Cache-Control': 'public, max-age=600' });
      case 'POST /signup':
        return await user.signup(ctx, req, res, url.searchParams);
      case 'POST /recover':
        return await email.recover(ctx, req, res, url.searchParams);
      case 'POST /otp':
      case 'POST /magiclink':
        return await email.otp(ctx, req, res, url.searchParams);
      case 'POST /resend':
        return await email.resend(ctx, req, res, url.searchParams);
      case 'GET /reauthenticate':
        return await email.reauthenticate(ctx, req, res);
      case 'GET /authorize':
        return await oauth.authorize(ctx, req, res, url.searchParams);
      case 'GET /callback':
      case 'POST /callback':
        return await oauth.callback(ctx, req, res, await oauth.callbackQuery(req, url.searchParams));
      case 'GET /verify':
        return await verifyGet(ctx, req, res, url.searchParams);
      case 'POST /verify':
        return await verifyPost(ctx, req, res);
      case 'POST /token':
        return await user.token(ctx, req, res, url.searchParams);
      case 'GET /user':
        return await user.getUser(ctx, req, res);
      case 'PUT /user':
        return await updateUser(ctx, req, res, url.searchParams);
      case 'POST /logout':
        return await user.logout(ctx, req, res, url.searchParams);
    }
    if (key === 'POST /factors') return await mfa.enroll(ctx, req, res);
    const factor = FACTOR.exec(path);
    if (factor && method === 'POST' && factor[2] === '/challenge') return await mfa.challenge(ctx, req, res, factor[1]!);
    if (factor && method === 'POST' && factor[2] === '/verify') return await mfa.verify(ctx, req, res, factor[1]!);
    if (factor && method === 'DELETE' && !factor[2]) return await mfa.unenroll(ctx, req, res, factor[1]!);
    const adminFactors = ADMIN_FACTORS.exec(path);
    if (adminFactors) {
      await requireAdmin(req, options.keys);
      return await admin.userFactors(ctx, req, res, adminFactors[1]!, adminFactors[2]);
    }
    if (key === 'POST /invite' || key === 'POST /admin/generate_link') {
      await requireAdmin(req, options.keys);
      if (key === 'POST /invite') return await adminMail.invite(ctx, req, res, url.searchParams);
      return await adminMail.generateLink(ctx, req, res, url.searchParams);
    }
    if (path === '/admin/users' || ADMIN_USER.test(path)) {
      await requireAdmin(req, options.keys);
      const id = ADMIN_USER.exec(path)?.[1];
      if (!id && method === 'GET') return await admin.listUsers(ctx, res, url.searchParams);
      if (!id && method === 'POST') return await admin.createUser(ctx, req, res);
      if (id && method === 'GET') return await admin.getUserById(ctx, res, id);
      if (id && method === 'PUT') return await admin.updateUserById(ctx, req, res, id);
      if (id && method === 'DELETE') return await admin.deleteUserById(ctx, req, res, id);
      throw new AuthError(405, 'method_not_allowed', 'Method not allowed');
    }
    throw disabledFeature(path) ?? new AuthError(404, 'not_found', '404 page not found');
  }

  return {
    async handle(req, res) {
      try {
        await route(req, res);
      } catch (error) {
        if (res.headersSent) return void res.destroy();
        if (error instanceof AuthError) return sendError(res, error);
        // Never echo the request: bodies carry passwords and headers carry tokens.
        log(`auth: ${req.method} ${(req.url ?? '').split('?')[0]} failed: ${error instanceof Error ? error.message : 'unknown error'}`);
        sendError(res, new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information'));
      }
    },
    async stop() {},
  };
}

function settings(config: AuthConfig) {
  const external: Record<string, boolean> = {
    email: config.email.enable_signup, phone: false, anonymous_users: config.enable_anonymous_sign_ins,
    apple: false, azure: false, bitbucket: false, discord: false, facebook: false, figma: false, github: false,
    gitlab: false, google: false, keycloak: false, kakao: false, linkedin_oidc: false, notion: false,
    slack_oidc: false, spotify: false, twitch: false, twitter: false, workos: false, zoom: false,
  };
  for (const name of enabledProviders(config)) external[name] = true;
  return {
    external,
    disable_signup: !config.enable_signup,
    mailer_autoconfirm: !config.email.enable_confirmations,
    phone_autoconfirm: false,
    sms_provider: '',
    saml_enabled: false,
  };
}
