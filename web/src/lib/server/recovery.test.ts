// /reset-password sets a password without the current one only for a session a recovery link
// opened, and only for a while (audit W2): any other session goes to Settings › Security.
import { describe, expect, it } from 'vitest';
import { openedByRecoveryLink, RECOVERY_WINDOW_SECONDS } from './recovery.ts';

const now = 1_800_000_000;

describe('openedByRecoveryLink', () => {
  it('is true for a recovery (or emailed one-time code) sign-in within the window', () => {
    expect(openedByRecoveryLink({ amr: [{ method: 'recovery', timestamp: now - 60 }] }, now)).toBe(true);
    expect(openedByRecoveryLink({ amr: [{ method: 'totp', timestamp: now }, { method: 'otp', timestamp: now - 5 }] }, now)).toBe(true);
  });

  it('is false for a password, OAuth or magic-link session, however fresh', () => {
    for (const method of ['password', 'oauth', 'magiclink', 'totp']) {
      expect(openedByRecoveryLink({ amr: [{ method, timestamp: now }] }, now)).toBe(false);
    }
  });

  it('is false once the window has passed, and for claims without times or without amr', () => {
    expect(openedByRecoveryLink({ amr: [{ method: 'recovery', timestamp: now - RECOVERY_WINDOW_SECONDS - 1 }] }, now)).toBe(false);
    expect(openedByRecoveryLink({ amr: ['recovery'] }, now)).toBe(false);
    expect(openedByRecoveryLink({ amr: [{ method: 'recovery' }] }, now)).toBe(false);
    expect(openedByRecoveryLink({}, now)).toBe(false);
    expect(openedByRecoveryLink(null, now)).toBe(false);
  });
});
