// What an address may make a page say. The sign-in page and Settings › Security show a message
// that came with a redirect (`?error=` in red, `?notice=` in green, as the app's own words); any
// page can link there, so a link carried any text ("Your account is locked, call +1 555 …") onto
// the real origin. Links now carry a code, and the page shows the sentence the code names. An
// unknown error code still says that something failed, in general words; an unknown notice
// says nothing (a notice reports that something worked: there is nothing true to say).

const ERRORS = {
  /** Auth sent the browser back with an error, or without a code to exchange. */
  link_invalid: 'The sign-in link is invalid or has expired',
  /** The code did not exchange for a session (a second click, too late). */
  link_used: 'The sign-in link is invalid, was already used or has expired; ask for a new one',
  /** A /auth/callback link (Auth's own, ConfirmationURL) opened in a browser without the flow's code verifier. */
  link_other_browser: 'This link works only in the browser where you asked for it. Ask for a new link and open it there',
  /** /auth/confirm: Auth refused the token hash (otp_expired): used, replaced by a newer link, or too old. */
  link_expired: 'This link was already used, has expired, or a newer one replaced it (only the newest link works); ask for a new one',
  /** /reset-password opened without the session a recovery link gives. */
  reset_link: 'Open the link from the email again to reset your password',
  /** Auth would not start a sign-in with an external provider. */
  sso_failed: 'Could not start the sign-in with that provider. Try again, or sign in with your email and password',
} as const;

const NOTICES = {
  account_deleted: 'Your account and everything in it were deleted.',
  /** The first of the two confirmations of a secure email change (Auth's `message`, below). */
  email_half_confirmed: 'One address confirmed. Open the link sent to the other address to finish changing your sign-in email.',
  password_needs_current: 'To choose a new password, enter your current one below. Forgot it? Sign out and use “Forgot password?” on the sign-in page.',
} as const;

export type LinkError = keyof typeof ERRORS;
export type LinkNotice = keyof typeof NOTICES;

export const GENERIC_LINK_ERROR = 'Something went wrong. Try again.';

const isError = (code: string): code is LinkError => Object.hasOwn(ERRORS, code);
const isNotice = (code: string): code is LinkNotice => Object.hasOwn(NOTICES, code);

/** The sentence for `?error=<code>`: the code's, a general one for a code the app does not know, or null without one. */
export function linkError(code: string | null): string | null {
  if (!code) return null;
  return isError(code) ? ERRORS[code] : GENERIC_LINK_ERROR;
}

/** The sentence for `?notice=<code>`, or null (no code, or one the app does not know). */
export function linkNotice(code: string | null): string | null {
  return code && isNotice(code) ? NOTICES[code] : null;
}

/** `path` (which may have a query of its own) with the message's code added. */
export function withLinkMessage(path: string, message: { error: LinkError } | { notice: LinkNotice }): string {
  const url = new URL(path, 'http://app.invalid');
  if ('error' in message) url.searchParams.set('error', message.error);
  else url.searchParams.set('notice', message.notice);
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * Auth's `?message=` on a redirect, as a notice code: Auth sends one message, the first half of
 * a secure email change (supabase/auth internal/api/verify.go `singleConfirmationAccepted`);
 * anything else is not shown.
 */
export function authMessageNotice(message: string): LinkNotice | null {
  return message === 'Confirmation link accepted. Please proceed to confirm link sent to the other email' ? 'email_half_confirmed' : null;
}
