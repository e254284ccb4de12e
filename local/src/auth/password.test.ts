import { describe, expect, it } from 'vitest';
import type { AuthConfig } from '../config.ts';
import { AuthError } from './http.ts';
import { assertStrongPassword, passwordWeakness } from './password.ts';

const base = { minimum_password_length: 8, password_requirements: 'letters_digits' } as const;
const config = (overrides: Partial<typeof base> | { password_requirements: AuthConfig['password_requirements'] } = {}) =>
  ({ ...base, ...overrides }) as unknown as AuthConfig;

describe('password policy', () => {
  it('accepts a password meeting length and character classes', () => {
    expect(passwordWeakness('correct-horse-42', config())).toBeNull();
  });

  it('names each broken rule as GoTrue does', () => {
    expect(passwordWeakness('abc', config())?.reasons).toEqual(['length', 'characters']);
    expect(passwordWeakness('abcdefghij', config())?.reasons).toEqual(['characters']);
    expect(passwordWeakness('abc1', config())?.message).toBe('Password should be at least 8 characters.');
  });

  it('applies the stricter requirement sets', () => {
    const strict = config({ password_requirements: 'lower_upper_letters_digits_symbols' });
    expect(passwordWeakness('Abcdefg1', strict)?.reasons).toEqual(['characters']);
    expect(passwordWeakness('Abcdefg1!', strict)).toBeNull();
  });

  it('throws 422 weak_password with reasons, and refuses passwords bcrypt would truncate', () => {
    let error: unknown;
    try {
      assertStrongPassword('short', config());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(422);
    expect((error as AuthError).extra).toEqual({ weak_password: { reasons: ['length', 'characters'] } });
    expect(() => assertStrongPassword('a1'.repeat(40), config())).toThrow(/longer than 72/);
  });
});
