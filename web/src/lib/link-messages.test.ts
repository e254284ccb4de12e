import { describe, expect, it } from 'vitest';
import { authErrorCode, authMessageNotice, GENERIC_LINK_ERROR, linkError, linkNotice, withLinkMessage } from './link-messages';

describe('link messages', () => {
  it('shows the sentence a code names, never the text of the link', () => {
    expect(linkError('reset_link')).toBe('Open the link from the email again to reset your password');
    expect(linkNotice('account_deleted')).toBe('Your account and everything in it were deleted.');
    expect(linkError('Your account is locked. Call +1 555 0100.')).toBe(GENERIC_LINK_ERROR);
    expect(linkNotice('We moved: sign in at https://mrprompt-login.example.net')).toBeNull();
  });

  it('knows only its own codes (not what every object has)', () => {
    expect(linkError('toString')).toBe(GENERIC_LINK_ERROR);
    expect(linkNotice('constructor')).toBeNull();
    expect(linkError(null)).toBeNull();
    expect(linkError('')).toBeNull();
  });

  it('adds the code to a path, keeping its own query', () => {
    expect(withLinkMessage('/login', { error: 'link_used' })).toBe('/login?error=link_used');
    expect(withLinkMessage('/chat?message=abc', { notice: 'email_half_confirmed' })).toBe('/chat?message=abc&notice=email_half_confirmed');
  });

  it("turns Auth's one redirect message into a code, and nothing else", () => {
    expect(authMessageNotice('Confirmation link accepted. Please proceed to confirm link sent to the other email')).toBe('email_half_confirmed');
    expect(authMessageNotice('We moved: sign in at https://mrprompt-login.example.net')).toBeNull();
  });

  it("names Auth's redirect errors by their code, as sign-in pages say them", () => {
    expect(authErrorCode('access_denied', 'email_exists')).toBe('sso_email_exists');
    expect(linkError(authErrorCode('access_denied', 'email_exists'))).toMatch(/^An account already uses this email address/);
    expect(authErrorCode('access_denied', null)).toBe('sso_denied');
    expect(authErrorCode('access_denied', 'otp_expired')).toBe('link_expired');
    expect(authErrorCode('invalid_request', 'bad_oauth_state')).toBe('sso_expired');
    expect(authErrorCode('server_error', 'unexpected_failure')).toBe('sso_refused');
    expect(authErrorCode(null, null)).toBe('link_invalid');
  });
});
