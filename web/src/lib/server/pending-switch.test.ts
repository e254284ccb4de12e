import { describe, expect, it } from 'vitest';
import { seal, unseal, type PendingSwitch } from './pending-switch';

const value: PendingSwitch = {
  accessToken: 'a.b.c', refreshToken: 'r1', to: { id: 'm', email: 'mallory@example.com' }, from: { id: 'a', email: 'alice@example.com' },
  type: 'magiclink', next: '/chat', expires: Math.floor(Date.now() / 1000) + 300,
};

describe('the sealed answer of an email link for another account (QA 3 #3)', () => {
  it('opens to what was sealed, and the cookie shows none of it', () => {
    const sealed = seal(value);
    expect(unseal(sealed)).toEqual(value);
    for (const secret of ['a.b.c', 'r1', 'mallory', 'alice']) expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(secret);
  });

  it('refuses an altered, foreign, cut or expired seal', () => {
    const sealed = Buffer.from(seal(value), 'base64url');
    const flipped = Buffer.from(sealed);
    flipped[sealed.length - 1]! ^= 1;
    expect(unseal(flipped.toString('base64url'))).toBeNull();
    expect(unseal(sealed.subarray(0, 20).toString('base64url'))).toBeNull();
    expect(unseal(Buffer.from(JSON.stringify(value)).toString('base64url'))).toBeNull();
    expect(unseal('')).toBeNull();
    expect(unseal(undefined)).toBeNull();
    expect(unseal(seal(value), (value.expires + 1) * 1000)).toBeNull();
  });
});
