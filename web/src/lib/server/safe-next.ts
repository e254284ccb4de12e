// Where to send someone after signing in: only a path on this site. `?next=` is attacker-
// controlled, and browsers read `/\evil.com`, `/%09/evil.com` (a tab, dropped) or `/.//evil.com`
// as another host, so the value is resolved the way the browser will, against our own
// origin, and only a same-origin result that cannot be read as `//host` is kept.

export const DEFAULT_NEXT = '/chat';

export function safeNext(next: string | null | undefined, origin: string): string {
  if (!next || !next.startsWith('/')) return DEFAULT_NEXT;
  let resolved: URL;
  try {
    resolved = new URL(next, origin);
  } catch {
    return DEFAULT_NEXT;
  }
  if (resolved.origin !== origin || resolved.pathname.startsWith('//')) return DEFAULT_NEXT;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
