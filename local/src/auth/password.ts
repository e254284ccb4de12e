/**
 * The password policy of config.toml [auth] (minimum_password_length, password_requirements),
 * worded as GoTrue words it so auth-js raises AuthWeakPasswordError with the same reasons.
 */
import type { AuthConfig } from '../config.ts';
import { AuthError } from './http.ts';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SYMBOLS = "!@#$%^&*()_+-=[]{};'\\:\"|<>?,./`~";

const CHARACTER_SETS: Record<AuthConfig['password_requirements'], string[]> = {
  '': [],
  letters_digits: [LOWER + UPPER, DIGITS],
  lower_upper_letters_digits: [LOWER, UPPER, DIGITS],
  lower_upper_letters_digits_symbols: [LOWER, UPPER, DIGITS, SYMBOLS],
};

/** bcrypt ignores everything past 72 bytes, so longer passwords are refused outright. */
const MAX_PASSWORD_BYTES = 72;

export interface PasswordWeakness {
  reasons: ('length' | 'characters')[];
  message: string;
}

export function passwordWeakness(password: string, config: AuthConfig): PasswordWeakness | null {
  const reasons: PasswordWeakness['reasons'] = [];
  const messages: string[] = [];
  if ([...password].length < config.minimum_password_length) {
    reasons.push('length');
    messages.push(`Password should be at least ${config.minimum_password_length} characters.`);
  }
  const sets = CHARACTER_SETS[config.password_requirements];
  if (sets.some((set) => ![...password].some((char) => set.includes(char)))) {
    reasons.push('characters');
    messages.push(`Password should contain at least one character of each: ${sets.join(', ')}.`);
  }
  return reasons.length ? { reasons, message: messages.join(' ') } : null;
}

/** Throws 422 weak_password (or 400 for over-long input) when the policy is not met. */
export function assertStrongPassword(password: string, config: AuthConfig): void {
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    throw new AuthError(400, 'validation_failed', `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  }
  const weakness = passwordWeakness(password, config);
  if (weakness) throw new AuthError(422, 'weak_password', weakness.message, { weak_password: { reasons: weakness.reasons } });
}
