// The colour theme: chosen per user (profiles.preferences.theme, saved from Settings) and
// mirrored in a cookie so the server renders <html class="…"> right away — no flash of the
// wrong theme, no inline script (the CSP allows none). A device that has no cookie yet gets
// it from the profile on the first signed-in page load (routes/+layout.server.ts).
import type { Cookies } from '@sveltejs/kit';
import { z } from 'zod';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

/** The app was dark-only before themes existed; people who never chose keep it. */
export const DEFAULT_THEME: Theme = 'dark';
const COOKIE = 'mrprompt-theme';

export function themeCookie(cookies: Cookies): Theme | null {
  const parsed = Theme.safeParse(cookies.get(COOKIE));
  return parsed.success ? parsed.data : null;
}

export function rememberTheme(cookies: Cookies, theme: Theme, url: URL): void {
  cookies.set(COOKIE, theme, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', maxAge: 400 * 24 * 3600 });
}

/** For resolve(): puts the theme class on <html> (app.html holds the placeholder). */
export function themedPage(cookies: Cookies) {
  // Read when the page is rendered: the layout load may have just adopted the profile's theme.
  return ({ html }: { html: string }) => html.replace('%mrprompt.theme%', themeCookie(cookies) ?? DEFAULT_THEME);
}
