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
  /** Single sign-on for an address that already has an account, which the provider did not confirm (Auth's `email_exists`). */
  sso_email_exists: 'An account already uses this email address. Sign in with your password: your identity provider did not confirm the address, so the two were not linked',
  /** The identity provider refused or the person cancelled there (OAuth's `access_denied`, no Auth code). */
  sso_denied: 'The sign-in was cancelled or refused at your identity provider. Try again, or sign in with your email and password',
  /** Auth's `provider_email_needs_verification`: it mailed a confirmation link to the provider's address. */
  sso_confirm_email: 'Confirm your email address first: we sent a link to it. Then sign in with the provider again',
  /** Auth's `signup_disabled`: new accounts are not made here. */
  signup_disabled: 'New accounts cannot be made here. Ask the administrator for an invitation',
  /** Auth's `user_banned`. */
  account_blocked: 'This account is blocked. Ask the administrator',
  /** The sign-in's state was lost: too slow, or finished in another browser (bad_oauth_state, flow_state_*). */
  sso_expired: 'The sign-in took too long or was finished in another browser. Start it again here',
  /** Any other refusal of a sign-in with a provider. */
  sso_refused: 'The sign-in with that provider did not finish. Try again, or sign in with your email and password',
} as const;

const NOTICES = {
  account_deleted: 'Your account and everything in it were deleted.',
  /** The first of the two confirmations of a secure email change (Auth's `message`, below). */
  email_half_confirmed: 'One address confirmed. Open the link sent to the other address to finish changing your sign-in email.',
  /** A session another device ended (lib/server/signed-out.ts). */
  signed_out_elsewhere: 'You were signed out because your account’s security changed on another device (a new password, two-factor sign-in turned on, or “Sign out of other devices”). Sign in again.',
  /** The second confirmation of an email change: done. */
  email_changed: 'Your sign-in email was changed. Sign in with the new address from now on.',
  /** /reset-password opened by an account that has no password (single sign-on): none is asked for. */
  password_choose_first: 'You have no password yet (you sign in with single sign-on). Choose one below; no current password is needed.',
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
 * The code for an error Auth sent a browser back with (`?error=&error_code=` on a PKCE redirect,
 * the same in the fragment otherwise: supabase/auth internal/api/external.go redirectErrors,
 * getErrorQueryString; the codes are internal/api/errorcodes.go's). `error` is OAuth's word
 * (access_denied, server_error…), `error_code` Auth's own when it has one; the provider's own
 * refusal (a cancelled consent) comes without one. Email links (/verify) use the same redirect.
 */
export function authErrorCode(error: string | null, errorCode: string | null): LinkError {
  switch (errorCode) {
    case 'email_exists':
    case 'identity_already_exists':
      return 'sso_email_exists';
    case 'provider_email_needs_verification':
      return 'sso_confirm_email';
    case 'signup_disabled':
      return 'signup_disabled';
    case 'user_banned':
      return 'account_blocked';
    case 'bad_oauth_state':
    case 'bad_oauth_callback':
    case 'flow_state_expired':
    case 'flow_state_not_found':
      return 'sso_expired';
    case 'otp_expired':
      return 'link_expired';
    case null:
    case '':
      return error === 'access_denied' ? 'sso_denied' : 'link_invalid';
    default:
      return error === 'access_denied' || error === 'server_error' ? 'sso_refused' : 'link_invalid';
  }
}

/**
 * Auth's `?message=` on a redirect, as a notice code: Auth sends one message, the first half of
 * a secure email change (supabase/auth internal/api/verify.go `singleConfirmationAccepted`);
 * anything else is not shown.
 */
export function authMessageNotice(message: string): LinkNotice | null {
  return message === 'Confirmation link accepted. Please proceed to confirm link sent to the other email' ? 'email_half_confirmed' : null;
}
