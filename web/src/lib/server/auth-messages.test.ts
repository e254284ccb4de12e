import { describe, expect, it } from 'vitest';
import { friendlyAuthMessage } from './auth-messages';

describe('friendlyAuthMessage', () => {
  it('names the kinds of characters a password needs', () => {
    expect(friendlyAuthMessage('Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.'))
      .toBe('The password needs at least a lowercase letter, an uppercase letter and a digit.');
    expect(friendlyAuthMessage("Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789, !@#$%^&*()_+-=[]{};'\\:\"|<>?,./`~."))
      .toBe('The password needs at least a lowercase letter, an uppercase letter, a digit and a symbol.');
  });

  it('reads a set of all letters as a letter (letters_digits)', () => {
    expect(friendlyAuthMessage('Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.'))
      .toBe('The password needs at least a letter and a digit.');
  });

  it('keeps a length sentence before it, and other messages as they are', () => {
    expect(friendlyAuthMessage('Password should be at least 8 characters. Password should contain at least one character of each: 0123456789.'))
      .toBe('Password should be at least 8 characters. The password needs at least a digit.');
    expect(friendlyAuthMessage('Invalid login credentials')).toBe('Invalid login credentials');
  });
});
