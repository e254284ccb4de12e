/**
 * Where GoTrue sends the browser after a link: `redirect_to` (query or body), else the
 * Referer, when either is allowed — same scheme/host/port as site_url (any port on loopback),
 * a loopback IP, or a match of an additional_redirect_urls glob — else site_url
 * (utilities.GetReferrer / IsRedirectURLValid; https://supabase.com/docs/guides/auth/redirect-urls).
 */
import type { IncomingMessage } from 'node:http';
import type { AuthConfig } from '../config.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Supabase's redirect globs: `*` stays within a host label or path segment, `**` crosses them. */
function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('**')
    .map((part) => part.split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^./]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

export function isRedirectAllowed(config: AuthConfig, candidate: string | null | undefined): boolean {
  if (!candidate) return false;
  let target: URL;
  let site: URL;
  try {
    target = new URL(candidate);
    site = new URL(config.site_url);
  } catch {
    return false;
  }
  const loopback = LOOPBACK_HOSTS.has(target.hostname);
  if (target.hostname === site.hostname && target.protocol === site.protocol && (target.port === site.port || loopback)) return true;
  if (/^[0-9]+$/.test(target.hostname)) return false;
  if (target.hostname === '127.0.0.1' || target.hostname === '[::1]') return true;
  const withoutFragment = candidate.split('#')[0]!;
  return config.additional_redirect_urls.some((pattern) => globToRegExp(pattern).test(withoutFragment));
}

/** GoTrue's GetReferrer for a request, with `redirect_to` from the query (or given). */
export function referrer(config: AuthConfig, req: IncomingMessage, query: URLSearchParams, bodyRedirect?: string): string {
  for (const candidate of [query.get('redirect_to'), bodyRedirect, req.headers.referer]) {
    if (isRedirectAllowed(config, candidate)) return candidate!;
  }
  return config.site_url;
}
