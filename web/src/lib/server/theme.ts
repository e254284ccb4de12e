// The colour theme: chosen per user (profiles.preferences.theme, saved from Settings) and
// mirrored in a cookie so the server renders <html class="…"> right away — no flash of the
// wrong theme, no inline script (the CSP allows none). Every signed-in page load reads the
// profile's theme (routes/+layout.server.ts, in the read it makes anyway) and the cookie takes
// it whenever it is not the one the cookie last took: on a device's first signed-in page, in a
// browser where someone else was signed in last (the sign-in page keeps the last theme shown),
// and after the theme was changed on another device.
import type { Cookies } from '@sveltejs/kit';
import { z } from 'zod';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

/** The app was dark-only before themes existed; people who never chose keep it. */
export const DEFAULT_THEME: Theme = 'dark';
const COOKIE = 'mrprompt-theme';

/**
 * Whose profile the cookie follows and which of its themes it took last (`<user id>:<theme>`):
 * someone else signing in on this browser gets their own, and a change made on another
 * device is taken on the next page load.
 */
const FOLLOWS_COOKIE = 'mrprompt-theme-for';

export function themeCookie(cookies: Cookies): Theme | null {
  const parsed = Theme.safeParse(cookies.get(COOKIE));
  return parsed.success ? parsed.data : null;
}

/** Sets this browser's theme as `userId`'s profile holds it (their Settings just saved it, or a page load read it). */
export function rememberTheme(cookies: Cookies, theme: Theme, url: URL, userId: string): void {
  const options = { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', maxAge: 400 * 24 * 3600 } as const;
  cookies.set(COOKIE, theme, options);
  cookies.set(FOLLOWS_COOKIE, `${userId}:${theme}`, options);
}

/**
 * On a signed-in page load: takes `profileTheme` (the profile's, DEFAULT_THEME when none was
 * chosen) unless the cookie already took that very theme of this user's profile. A cookie is
 * set only when something changed, so a page load usually writes none.
 */
export function followProfileTheme(cookies: Cookies, profileTheme: Theme, url: URL, userId: string): void {
  if (themeCookie(cookies) !== null && cookies.get(FOLLOWS_COOKIE) === `${userId}:${profileTheme}`) return;
  rememberTheme(cookies, profileTheme, url, userId);
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
