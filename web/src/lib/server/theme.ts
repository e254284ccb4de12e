// The colour theme: chosen per user (profiles.preferences.theme, saved from Settings) and
// mirrored in a cookie so the server renders <html class="…"> right away — no flash of the
// wrong theme, no inline script (the CSP allows none). A device that has no cookie yet gets
// it from the profile on the first signed-in page load (routes/+layout.server.ts), and so does
// a browser where someone else was signed in last (the sign-in page keeps the last theme shown).
import type { Cookies } from '@sveltejs/kit';
import { z } from 'zod';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

/** The app was dark-only before themes existed; people who never chose keep it. */
export const DEFAULT_THEME: Theme = 'dark';
const COOKIE = 'mrprompt-theme';

/** Whose theme the cookie holds: someone else signing in on this browser gets their own. */
const OWNER_COOKIE = 'mrprompt-theme-for';

export function themeCookie(cookies: Cookies): Theme | null {
  const parsed = Theme.safeParse(cookies.get(COOKIE));
  return parsed.success ? parsed.data : null;
}

/** True when this browser's theme cookie was set for `userId` (by their Settings or profile). */
export function themeIsFor(cookies: Cookies, userId: string): boolean {
  return themeCookie(cookies) !== null && cookies.get(OWNER_COOKIE) === userId;
}

export function rememberTheme(cookies: Cookies, theme: Theme, url: URL, userId: string): void {
  const options = { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', maxAge: 400 * 24 * 3600 } as const;
  cookies.set(COOKIE, theme, options);
  cookies.set(OWNER_COOKIE, userId, options);
}

/** The browser chrome's colour (the installed app's title bar) per theme: the page background. */
export const THEME_COLORS = { dark: '#09090b', light: '#fafafa' } as const;

function themeColorMeta(theme: Theme): string {
  if (theme !== 'system') return `<meta name="theme-color" content="${THEME_COLORS[theme]}" />`;
  return (['light', 'dark'] as const)
    .map((scheme) => `<meta name="theme-color" media="(prefers-color-scheme: ${scheme})" content="${THEME_COLORS[scheme]}" />`)
    .join('\n    ');
}

/** For resolve(): puts the theme class on <html> and the matching theme-color (app.html holds the placeholders). */
export function themedPage(cookies: Cookies) {
  // Read when the page is rendered: the layout load may have just adopted the profile's theme.
  return ({ html }: { html: string }) => {
    const theme = themeCookie(cookies) ?? DEFAULT_THEME;
    return html.replace('%mrprompt.theme%', theme).replace('%mrprompt.theme-color%', themeColorMeta(theme));
  };
}
